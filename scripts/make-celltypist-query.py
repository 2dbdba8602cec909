#!/usr/bin/python3
"""CellTypist's own 20k bench query (../shared/bench/README.md), remade in bounded memory.

../shared/bench/make_synthetic.py draws the whole cells x genes matrix at once (~15 GB of RAM
for 20k cells); this script draws the same numbers in row blocks (~1 GB) so that tests can make
the query on a CI machine. Same generator, same order of draws: the world comes from the shared
script itself (build_world, random_barcodes, read in place); the per-cell draws are split in two
numpy Generators, one left where the gamma draws start and one moved to where the Poisson draws
start (a first pass draws and discards the gammas), so every block gets exactly the numbers the
one-shot run gives it. `--check` compares the result with the shared script's output at a small
size (every array equal).

    /usr/bin/python3 scripts/make-celltypist-query.py --out q.h5ad [--cells 20000] [--check]

Only the flags of the bench README's 20k query are supported (no novel cells, no doublets, no
given clusters, no compression); the flags are fixed below.
"""
import argparse
import copy
import importlib.util
import json
import os
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get('CT_SHARED', os.path.join(HERE, '..', '..', 'shared'))
GENERATOR = os.path.join(SHARED, 'bench', 'make_synthetic.py')
# The bench README's flags for bench_query_20k.h5ad (cells and seed are arguments).
FLAGS = dict(genes=6639, types=98, world_seed=4242, extra_pool=13000, extra_genes=13000, shuffle_genes=True, drop_genes_frac=0.05, mean_libsize=1500.0, theta=3.0)
ROWS = 1000  # cells per block: ~160 MB per float64 block of 19,639 genes


def load_generator():
    spec = importlib.util.spec_from_file_location('make_synthetic', GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cli_args(cells, seed, out):
    """The argument list the shared script takes for the same query (stored in uns like it)."""
    a = ['--cells', str(cells), '--genes', str(FLAGS['genes']), '--types', str(FLAGS['types']), '--seed', str(seed), '--world-seed', str(FLAGS['world_seed']),
         '--extra-pool', str(FLAGS['extra_pool']), '--extra-genes', str(FLAGS['extra_genes']), '--shuffle-genes', '--drop-genes-frac', str(FLAGS['drop_genes_frac']), '--out', out]
    return a


def make(cells, seed, out):
    ms = load_generator()
    # The shared script's own parser gives the args object it stores in uns['synthetic'].
    args = parse_args(ms, cli_args(cells, seed, out))
    W = ms.build_world(args.genes, args.types, args.world_seed, args.extra_pool)
    rng = np.random.default_rng(args.seed)
    K, n = args.types, args.cells
    props = np.linspace(2.0, 1.0, K)
    props /= props.sum()
    ctype = rng.choice(K, size=n, p=props)
    u = rng.random(n)
    nov = u < args.novel_frac
    dbl = (u >= args.novel_frac) & (u < args.novel_frac + args.doublet_frac)
    assert not nov.any() and not dbl.any()
    rng.integers(1, K, dbl.sum())  # the shared script's (empty) doublet draw
    sample = rng.integers(0, 3, n)
    libsize = np.exp(rng.normal(np.log(args.mean_libsize), 0.55, n))

    def mu_block(lo, hi):
        prof = W['base'][None, :] * np.exp(W['lfc'][ctype[lo:hi]] + W['batch'][sample[lo:hi]])
        prof /= prof.sum(1, keepdims=True)
        return prof * libsize[lo:hi, None]

    # Pass 1: the gamma draws, discarded, to find where the Poisson draws start.
    gam = copy.deepcopy(rng)
    for lo in range(0, n, ROWS):
        rng.gamma(args.theta, mu_block(lo, min(n, lo + ROWS)) / args.theta)
    # Pass 2: gammas again from their start, Poissons from theirs; counts kept sparse.
    blocks = []
    for lo in range(0, n, ROWS):
        lam = gam.gamma(args.theta, mu_block(lo, min(n, lo + ROWS)) / args.theta)
        blocks.append(sp.csr_matrix(rng.poisson(lam).astype(np.float32)))
    counts = sp.vstack(blocks, format='csr')
    del blocks

    keep = np.sort(rng.choice(args.genes, size=int(round(args.genes * (1 - args.drop_genes_frac))), replace=False))
    gidx = np.concatenate([keep, args.genes + np.arange(args.extra_genes)])
    gidx = rng.permutation(gidx)
    counts = counts[:, gidx].tocsr()
    counts.sort_indices()
    names = W['names'][gidx]
    names = np.array([nm if g < args.genes else f'XGENE{g - args.genes + 1:04d}' for nm, g in zip(names, gidx)], dtype=object)
    types_all = W['types'] + ['Novel']
    label = np.array([types_all[c] for c in ctype], dtype=object)
    bcs = ms.random_barcodes(rng, n)
    obs_names = [f'S{s + 1}_{bc}-1' for s, bc in zip(sample, bcs)]
    obs = pd.DataFrame({
        'cell_type': pd.Categorical(label),
        'sample': pd.Categorical([f'S{s + 1}' for s in sample]),
        'true_type': pd.Categorical(label.copy()),
        'n_counts': np.asarray(counts.sum(1)).ravel().astype(np.float32),
    }, index=pd.Index(obs_names, name=None))
    var = pd.DataFrame({'in_training_universe': gidx < args.genes}, index=pd.Index(names.astype(str)))
    import anndata as ad
    adata = ad.AnnData(X=counts, obs=obs, var=var)
    adata.layers['counts'] = counts.copy()
    # The shared script's numpy normalization (no scanpy here either).
    per_cell = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    scale = np.where(per_cell > 0, 1e4 / np.maximum(per_cell, 1e-12), 0.0)
    Xn = sp.csr_matrix(counts, dtype=np.float32, copy=True)
    Xn.data *= np.repeat(scale, np.diff(Xn.indptr)).astype(np.float32)
    np.log1p(Xn.data, out=Xn.data)
    adata.X = sp.csr_matrix(Xn, dtype=np.float32)
    adata.uns['synthetic'] = {'args': json.dumps(vars(args)), 'generator': 'make_synthetic.py'}
    adata.write_h5ad(out)
    print(f'wrote {out}: {adata.n_obs} cells x {adata.n_vars} genes; density {adata.X.nnz / (adata.n_obs * adata.n_vars):.3f}', file=sys.stderr)


def parse_args(ms, argv):
    """The shared script's argparse namespace for `argv` (its main() parses, then generates)."""
    import argparse as ap_mod
    captured = {}
    real = ap_mod.ArgumentParser.parse_args

    def grab(self, a=None, namespace=None):
        captured['ns'] = real(self, a, namespace)
        raise SystemExit(0)

    ap_mod.ArgumentParser.parse_args = grab
    try:
        ms.main(argv)
    except SystemExit:
        pass
    finally:
        ap_mod.ArgumentParser.parse_args = real
    return captured['ns']


def check(cells, tmp):
    """This script and the shared one at `cells` cells: every array of the two files equal."""
    import subprocess
    import anndata as ad
    a, b = os.path.join(tmp, 'lean.h5ad'), os.path.join(tmp, 'shared.h5ad')
    make(cells, 22, a)
    subprocess.run([sys.executable, GENERATOR] + cli_args(cells, 22, b), check=True)
    x, y = ad.read_h5ad(a), ad.read_h5ad(b)
    assert list(x.obs_names) == list(y.obs_names) and list(x.var_names) == list(y.var_names)
    for c in x.obs.columns:
        assert list(x.obs[c]) == list(y.obs[c]), c
    assert (x.X != y.X).nnz == 0 and (x.layers['counts'] != y.layers['counts']).nnz == 0
    ax, ay = json.loads(x.uns['synthetic']['args']), json.loads(y.uns['synthetic']['args'])
    assert {**ax, 'out': ''} == {**ay, 'out': ''}
    print(f'check: {cells} cells, every array equal to make_synthetic.py\'s', file=sys.stderr)


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out')
    p.add_argument('--cells', type=int, default=20000)
    p.add_argument('--seed', type=int, default=22)
    p.add_argument('--check', metavar='TMPDIR', help='compare with the shared script at --cells cells, in TMPDIR')
    o = p.parse_args()
    if o.check:
        check(o.cells, o.check)
    else:
        make(o.cells, o.seed, o.out)

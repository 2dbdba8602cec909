#!/usr/bin/python3
"""CellTypist-equivalent reference run (a benchmark aid, not part of the product).

CellTypist 1.7.1 itself cannot be installed on these machines (no PyPI, no scanpy), and the
shared VMs vary ~2x in speed between sessions, so its recorded timings (../shared/bench) are a
poor yardstick on any given day. This script repeats the numeric work of CellTypist 1.7.1's
`annotate(filename, model=..., majority_voting=False)` -- Model.load, Classifier.__init__ for
an .h5ad, Classifier.celltype in 'best match' mode -- with the libraries CellTypist calls
(pickle, anndata, numpy, pandas, scikit-learn, scipy.special.expit), so that it can be timed
on the same machine, in the same minute, as our command. Written from a reading of
celltypist/models.py, classifier.py and annotate.py at tag v1.7.1; the step comments name the
lines they mirror.

Timing as ../shared/bench/*/timings.json: time.perf_counter, imports excluded, CSV writing
excluded. `load` = model pickle + reading the query and its checks; `predict` = celltype().

    /usr/bin/python3 scripts/bench-celltypist-reference.py [--input Q.h5ad] [--model M.pkl]
        [--labels predicted_labels.csv.gz] [--save-labels out.csv] [--json]

Correctness: on the query CellTypist itself annotated (regenerate it with
../shared/bench/make_synthetic.py and the flags in ../shared/bench/README.md, ~75 s, ~15 GB of
RAM while generating, into the git-ignored build-bench/) this script's labels match
celltypist_20k_best/predicted_labels.csv.gz for all 20,000 cells (conf_score within 1.3e-7, the
file's numpy-vs-scanpy normalization). Our generator's q20k.h5ad is another query (other cell
names, 6,292 of the model's genes instead of 6,303): there the check is against our command's
labels (scripts/bench-cli.ts --reference).
"""
import argparse
import json
import os
import resource
import sys
import time
import warnings

T_START = time.perf_counter()
try:
    import anndata
    import numpy as np
    import pandas as pd
    import pickle
    import sklearn
    from scipy.special import expit
except ImportError as e:  # one line, so that bench-cli.ts can print it and skip the reference
    print(f"{e} (needs Debian's python3-numpy, python3-pandas, python3-scipy, python3-sklearn, python3-anndata)", file=sys.stderr)
    sys.exit(3)
T_IMPORTS = time.perf_counter() - T_START

# CellTypist silences these at import (classifier.py, top): they would only add noise here.
warnings.simplefilter(action='ignore', category=FutureWarning)
warnings.simplefilter(action='ignore', category=UserWarning)
warnings.simplefilter(action='ignore', category=RuntimeWarning)

# decision_function's share of predict: one dense matrix product whose speed depends on the BLAS
# numpy loaded (a list, so celltype() can report it without changing its signature).
DECISION_SECONDS = [0.0]
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get('CT_SHARED', os.path.join(HERE, '..', '..', 'shared'))


def load_model(path):
    """models.py Model.load: pickle.load of a dict holding 'Model', 'Scaler_', 'description'."""
    with open(path, 'rb') as fh:
        obj = pickle.load(fh)
    return obj['Model'], obj['Scaler_'], obj['description']


def align_index_dtypes(x):
    """The ONE step CellTypist does not do. Our generator (make-synthetic-h5ad.ts) writes CSR
    `indptr` as int64 and `indices` as int32; anndata (0.8 here, 0.10 too) assigns both arrays
    to the scipy matrix as stored, and scipy 1.10's column subset in celltype() then fails with
    "Output dtype not compatible with inputs" -- so CellTypist 1.7.1 itself would stop on this
    file. Python-written files (the one CellTypist saw) hold one dtype; casting the 20,001-entry
    indptr to it gives the same matrix at no measurable cost."""
    if hasattr(x, 'indptr') and x.indptr.dtype != x.indices.dtype and x.nnz < np.iinfo(x.indices.dtype).max:
        x.indptr = x.indptr.astype(x.indices.dtype)


def load_query(path):
    """classifier.py Classifier.__init__, the .h5ad branch.

    scanpy.read(f) of an '.h5ad' is anndata.read_h5ad(f, backed=None) (scanpy readwrite._read),
    so anndata's reader is called directly."""
    adata = anndata.read_h5ad(path)
    align_index_dtypes(adata.X)
    adata.var_names_make_unique()
    head = adata.X[:1000]
    if head.min() < 0 or head.max() > 9.22:  # not log1p-normalized to 10,000: try .raw
        if not adata.raw:
            sys.exit('reference: invalid expression matrix in .X (expected log1p normalized to 10,000 counts per cell)')
        raw_head = adata.raw.X[:1000]
        if raw_head.min() < 0 or raw_head.max() > 9.22:
            sys.exit('reference: invalid expression matrix in both .X and .raw.X')
        indata, genes, cells = adata.raw.X, adata.raw.var_names, adata.raw.obs_names
    else:
        indata, genes, cells = adata.X, adata.var_names, adata.obs_names
    # CellTypist checks only the FIRST cell's expm1 sum (np.expm1 on a sparse row dispatches to
    # the matrix's expm1 method); a mismatch is a warning there, never an error.
    if np.abs(np.expm1(indata[0]).sum() - 10000) > 1:
        print('reference: warning: the first cell is not log1p-normalized to 10,000 counts', file=sys.stderr)
    return adata, indata, genes, cells


def celltype(clf, scaler, indata, genes, cells):
    """classifier.py Classifier.celltype + models.py predict_labels_and_prob, mode 'best match'."""
    # Genes of the query (in query order) that the model knows.
    k_x = np.isin(genes, clf.features)
    if k_x.sum() == 0:
        sys.exit('reference: no features overlap with the model')
    k_x_idx = np.where(k_x)[0]
    used = genes[k_x_idx]
    # Each used gene's column in the model, looked up through a pandas frame indexed by feature
    # as CellTypist does (not a cheaper dict), since that lookup is part of what it costs.
    by_feature = pd.DataFrame({'features': clf.features, 'index': np.arange(len(clf.features))}).set_index('features')
    lr_idx = by_feature.loc[used, 'index'].values
    # Scaling: the sparse column subset minus a dense mean vector gives a DENSE np.matrix of
    # float64 (cells x used genes, ~1 GB at 20k x 6.3k); the division makes a second one.
    means = scaler.mean_[lr_idx] if scaler.with_mean else 0
    sds = scaler.scale_[lr_idx]
    x = (indata[:, k_x_idx] - means) / sds
    x[x > 10] = 10
    # The model is narrowed to the used genes for the call, and restored after.
    saved = clf.n_features_in_, clf.features, clf.coef_
    clf.n_features_in_, clf.features, clf.coef_ = lr_idx.size, clf.features[lr_idx], clf.coef_[:, lr_idx]
    try:
        # sklearn >= 1 rejects np.matrix, so CellTypist passes np.asarray of it.
        t = time.perf_counter()
        scores = clf.decision_function(np.asarray(x) if isinstance(x, np.matrix) else x)
        DECISION_SECONDS[0] = time.perf_counter() - t
    finally:
        clf.n_features_in_, clf.features, clf.coef_ = saved
    if scores.ndim == 1:  # two classes: sklearn returns one column
        scores = np.column_stack([-scores, scores])
    probs = expit(scores)
    labels = clf.classes_[scores.argmax(axis=1)]
    predicted = pd.DataFrame(labels, columns=['predicted_labels'], index=cells, dtype='category')
    decision = pd.DataFrame(scores, columns=clf.classes_, index=cells)
    probability = pd.DataFrame(probs, columns=clf.classes_, index=cells)
    return predicted, decision, probability, len(k_x_idx)


def blas_in_use():
    """The BLAS library numpy loaded (decision_function is one dense matrix product: a reference
    BLAS makes it several times slower than OpenBLAS, so say which one ran)."""
    try:
        with open('/proc/self/maps') as f:
            names = {os.path.basename(line.split()[-1]) for line in f}
        # Shared libraries only (libblas.so.3 = netlib's reference, libopenblas*, libmkl*), not
        # scipy's Cython wrappers around them.
        libs = {n for n in names if n.startswith('lib') and ('blas' in n or 'mkl' in n)}
        return ', '.join(sorted(libs)) or 'unknown'
    except OSError:
        return 'unknown'


def agreement(predicted, probability, path):
    """Labels (and conf_score = the row's max probability, as AnnotationResult.to_adata computes
    it) against a predicted_labels CSV (CellTypist's own output by default), matched by cell
    name. Only the Python-made query (../shared/bench/make_synthetic.py) has the cells CellTypist
    saw; our generator's q20k.h5ad shares none of their names, which is said instead of a
    meaningless figure."""
    if not path or not os.path.exists(path):
        return None
    ref = pd.read_csv(path, index_col=0)
    common = predicted.index.intersection(ref.index)
    if len(common) == 0:
        return {'cells': int(len(ref)), 'error': f'no cell names in common with {os.path.basename(path)} (a different query, e.g. {ref.index[0]} vs {predicted.index[0]})'}
    ours = predicted.loc[common, 'predicted_labels'].astype(str).values
    same = ours == ref.loc[common, 'predicted_labels'].astype(str).values
    conf = probability.loc[common].max(axis=1).values
    return {
        'cells': int(len(common)),
        'identical_labels': int(same.sum()),
        'fraction': float(same.mean()),
        'max_conf_score_diff': float(np.max(np.abs(conf - ref.loc[common, 'conf_score'].values))),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--input', default=os.path.join(os.environ.get('CT_DATA', os.path.join(HERE, '..', 'build-bench')), 'q20k.h5ad'))
    ap.add_argument('--model', default=os.path.join(SHARED, 'bench', 'bench98.pkl'))
    ap.add_argument('--labels', default=os.path.join(SHARED, 'bench', 'celltypist_20k_best', 'predicted_labels.csv.gz'))
    ap.add_argument('--json', action='store_true', help='print one JSON object instead of text')
    ap.add_argument('--save-labels', help='also write predicted_labels + conf_score here (untimed) to compare with another tool')
    args = ap.parse_args()
    if not os.path.exists(args.input):
        sys.exit(f'reference: no query at {args.input} (set CT_DATA or pass --input)')

    t0 = time.perf_counter()
    clf, scaler, _ = load_model(args.model)
    t1 = time.perf_counter()
    _, indata, genes, cells = load_query(args.input)
    t2 = time.perf_counter()
    predicted, decision, probability, n_used = celltype(clf, scaler, indata, genes, cells)
    t3 = time.perf_counter()

    if args.save_labels:  # after the clock stops: CellTypist's timings exclude writing too
        predicted.assign(conf_score=probability.max(axis=1).values).to_csv(args.save_labels)
    out = {
        'units': 'seconds (wall, time.perf_counter), imports excluded',
        'import_seconds': T_IMPORTS,
        'load': t2 - t0, 'load_model': t1 - t0, 'load_data': t2 - t1,
        'predict': t3 - t2, 'total_pipeline': t3 - t0, 'decision_function': DECISION_SECONDS[0],
        'cpu_seconds': sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'n_cells': int(decision.shape[0]), 'n_cell_types': int(decision.shape[1]), 'n_features_used': n_used,
        'versions': {'anndata': anndata.__version__, 'numpy': np.__version__, 'pandas': pd.__version__, 'sklearn': sklearn.__version__},
        'blas': blas_in_use(),
        'agreement': agreement(predicted, probability, args.labels),
    }
    if args.json:
        print(json.dumps(out))
        return
    print(f"CellTypist-equivalent reference on {os.path.basename(args.input)}: {out['n_cells']} cells, {out['n_cell_types']} types, {n_used} genes used")
    print(f"  load {out['load']:.2f} s (model {out['load_model']:.3f}, data {out['load_data']:.2f}) + predict {out['predict']:.2f} s = {out['total_pipeline']:.2f} s; imports {T_IMPORTS:.2f} s")
    print(f"  of predict: decision_function {out['decision_function']:.2f} s (a dense product through {out['blas']})")
    print(f"  CPU {out['cpu_seconds']:.2f} s, peak RSS {out['peak_rss_mb']:.0f} MB, BLAS {out['blas']}")
    a = out['agreement']
    if a is None:
        print('  labels: no CellTypist output to compare with')
    elif 'error' in a:
        print(f"  labels: not comparable: {a['error']}")
    else:
        print(f"  labels: {a['identical_labels']}/{a['cells']} identical to CellTypist's ({100 * a['fraction']:.2f}%), conf_score max diff {a['max_conf_score_diff']:.2g}")


if __name__ == '__main__':
    main()

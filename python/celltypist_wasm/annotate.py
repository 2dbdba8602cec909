"""``annotate()``: CellTypist 1.7.1's ``celltypist.annotate`` over the C++ core."""
import os
import time
from typing import Callable, Optional, Sequence, Union

import numpy as np

from . import _core
from .errors import CellTypistError
from .inputs import AnnDataInput, Input, open_input
from .model import Model
from .overcluster import ExpressionClusterer, cluster_source, over_cluster
from .inputs.base import Chunk
from .pipeline import check_options, log, normalize_counts, prepare, score_rows
from .result import AnnotationResult


def given_clusters(inp: Input, given, n: int):
    """The over-clustering: an obs column name, a file with one label per line (as CellTypist),
    or one label per cell (list, array, Series)."""
    if isinstance(given, (str, os.PathLike)):
        name = os.fspath(given)
        try:
            clusters = inp.obs_column(name)
        except CellTypistError:
            if not os.path.isfile(name):
                raise
            with open(name, "r", encoding="utf-8") as f:
                clusters = [line.rstrip("\r\n") for line in f if line.strip()]
            if len(clusters) != n:
                raise CellTypistError("bad_over_clustering", f"the over-clustering file '{name}' has {len(clusters):,} labels for {n:,} cells: give one label per line, one per cell") from None
        return clusters
    values = list(given)
    if len(values) != n:
        raise CellTypistError("bad_over_clustering", f"the over-clustering has {len(values):,} labels for {n:,} cells: give one cluster label per cell")
    return [str(v) for v in values]


def _adata_loader(inp: Input, prep):
    def load():
        import anndata
        import scipy.sparse as sp

        if isinstance(inp, AnnDataInput):
            if inp.adata is None or inp.adata.isbacked:
                return anndata.read_h5ad(inp.path)
            return inp.adata
        m = sp.csr_matrix(inp.m, dtype=np.float32, copy=True)  # counts: CellTypist keeps them normalized
        normalize_counts(Chunk(m.data, m.indices, m.indptr.astype(np.int64)))
        import pandas as pd

        return anndata.AnnData(X=m, obs=pd.DataFrame(index=inp.obs_names()), var=pd.DataFrame(index=prep.genes))
    return load


def annotate(data, model: Union[str, os.PathLike, bytes, Model], mode: str = "best_match", p_thres: float = 0.5,
             majority_voting: bool = False, over_clustering=None, min_prop: float = 0.0, *,
             gene_file: Optional[str] = None, cell_file: Optional[str] = None, transpose_input: bool = False,
             gene_column: Optional[str] = None, normalize_counts: bool = False, convert_orthologs: bool = True,
             gene_map: Optional[str] = None, seed: int = 0, n_threads: Optional[int] = None, chunk_rows: int = 8192,
             return_matrices: bool = True, progress: Optional[Callable[[str, float, str], None]] = None) -> AnnotationResult:
    """Annotates cells with a CellTypist model, exactly as ``celltypist.annotate`` (1.7.1).

    data: an AnnData (in memory or backed), or a path: .h5ad, a Cell Ranger .h5 or folder, a count
        table (.csv/.tsv/.txt/.tab[.gz]), or a .mtx with ``gene_file`` and ``cell_file``.
    model: a CellTypist .pkl path, its bytes, or a Model (read by the safe pickle reader).
    mode: 'best_match' or 'prob_match' (every type with probability > p_thres, joined by '|').
    majority_voting, over_clustering, min_prop: CellTypist's voting; over_clustering is an obs
        column, a file of labels, or one label per cell; None runs the automatic over-clustering.

    Beyond CellTypist: ``gene_column`` (var column of gene symbols), ``normalize_counts`` (normalize
    raw counts in X instead of refusing), species conversion by ``gene_map``, ``n_threads`` (default:
    all cores), ``chunk_rows`` (memory is bounded by one chunk plus the outputs),
    ``return_matrices=False`` to keep only labels, ``progress(stage, fraction, message)``.
    """
    t0 = time.perf_counter()
    check_options(mode, p_thres, min_prop)
    m = Model.load(model)
    n_threads = max(1, int(n_threads or _core.hardware_threads() or 1))
    inp = open_input(data, gene_file=gene_file, cell_file=cell_file, transpose_input=transpose_input, model_features=m.feature_list)
    try:
        timings = {}
        prep, predictor = prepare(inp, m, gene_column, normalize_counts, convert_orthologs, gene_map)
        n = prep.n_obs
        source = cluster_source(inp) if majority_voting and over_clustering is None else None
        expression = None
        if source == "expression":
            if n < 3:
                raise CellTypistError("cannot_over_cluster", f"automatic over-clustering needs at least 3 cells (the input has {n}): give a cluster column instead (over_clustering='COLUMN')")
            expression = ExpressionClusterer(prep.n_genes)
        timings["load"] = time.perf_counter() - t0
        t = time.perf_counter()
        on_chunk = (lambda c, r, at: expression.add_stats(c.data, c.indices, c.indptr)) if expression else None
        scored = score_rows(inp, prep, predictor, 0, n, mode, p_thres, chunk_rows, n_threads, return_matrices, on_chunk, progress)
        timings["predict"] = time.perf_counter() - t
        stats = {"n_cells": n, "n_genes": prep.n_genes, "n_features_model": len(prep.model.feature_list),
                 "n_features_used": prep.n_features_used, "mode": mode, "p_thres": p_thres, "matrix": prep.matrix,
                 "warnings": prep.warnings, "timings": timings}
        over, voted = None, None
        if majority_voting:
            t = time.perf_counter()
            if over_clustering is None:
                auto = over_cluster(inp, source, prep.source, prep.normalize, {"seed": seed, "n_threads": n_threads}, chunk_rows, expression, progress)
                over = auto["clusters"]
                stats["over_clustering"] = {k: auto[k] for k in ("source", "n_clusters", "resolution")}
                timings["over_clustering"] = time.perf_counter() - t
            else:
                over = given_clusters(inp, over_clustering, n)
            t = time.perf_counter()
            voted = _core.majority_vote(scored.predicted, over, float(min_prop))["majority_voting"]
            timings["voting"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        for w in prep.warnings:
            log.warning(w)
        return AnnotationResult(inp.obs_names(), prep.model.labels, scored.predicted, scored.conf_score, scored.decision,
                                scored.probability, stats, over, voted, _adata_loader(inp, prep))
    finally:
        inp.close()  # the files it opened (a caller's AnnData stays open)


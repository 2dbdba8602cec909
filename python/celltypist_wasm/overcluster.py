"""Automatic over-clustering for majority voting, as CellTypist 1.7.1 ``over_cluster`` decides
it (web/engine/over-cluster.ts): an existing neighbour graph is clustered directly (Leiden);
else neighbours are found on obsm['X_pca']; else the full pipeline runs on the expression
matrix (genes in >= 5 cells, seurat highly variable genes or var['highly_variable'], scaling,
PCA 50, kNN 10, UMAP connectivities, Leiden). The expression pipeline streams the matrix twice:
the first pass rides along with prediction (ExpressionClusterer.add_stats)."""
from typing import Callable, List, Optional

import numpy as np

from . import _core
from .errors import CellTypistError
from .inputs.base import Chunk, Input
from .pipeline import normalize_counts

#: Advice given whenever the automatic over-clustering cannot run.
GIVE_COLUMN = "give a cluster column instead (over_clustering='COLUMN')"


def cluster_source(inp: Input) -> str:
    """CellTypist's order: a graph in obsp first, then obsm X_pca, else the expression matrix."""
    if inp.has_graph():
        return "graph"
    pca = inp.obsm("X_pca")
    if pca is not None and pca.shape[1] >= 2:
        return "pca"
    return "expression"


class ExpressionClusterer:
    """First pass of the expression pipeline, fed with the prediction's (normalized) chunks."""

    def __init__(self, n_genes: int):
        self.impl = _core.OverClusterer(n_genes)

    def add_stats(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray) -> None:
        self.impl.add_stats(data, indices, indptr)

    def finish(self, inp: Input, matrix: str, normalize: bool, options: dict, chunk_rows: int, progress=None) -> dict:
        """Second pass over `matrix` ('X' or 'raw'; counts normalized first) and the clustering."""
        hvg = inp.highly_variable(matrix)
        if hvg is not None and len(hvg) >= 2:
            self.impl.use_genes(hvg)  # CellTypist uses the file's own selection when present
            n_genes = len(hvg)
        else:
            n_genes = self.impl.select_genes(options)
        if n_genes < 2:
            raise CellTypistError("cannot_over_cluster", f"automatic over-clustering found fewer than 2 genes expressed in at least 5 cells with any variability: {GIVE_COLUMN}")
        n = inp.n_obs
        start = 0
        while start < n:
            end = inp.chunk_end(matrix, start, chunk_rows, 4_000_000)
            c = inp.rows(matrix, start, end)
            if normalize:
                c = Chunk(normalize_counts(c, start), c.indices, c.indptr)
            self.impl.add_rows(c.data, c.indices, c.indptr)
            if progress:
                progress("over_clustering", 0.05 * end / n, f"collecting {n_genes:,} variable genes: {end:,} of {n:,} cells")
            start = end
        step = (lambda s, f: progress("over_clustering", f, s)) if progress else None
        return self.impl.run(options, step)


def over_cluster(inp: Input, source: str, matrix: str, normalize: bool, options: dict, chunk_rows: int,
                 expression: Optional[ExpressionClusterer] = None, progress: Optional[Callable] = None) -> dict:
    """Runs the over-clustering from `source`; for 'expression', `expression` must have seen
    every chunk through add_stats(). Returns {clusters (list of str), n_clusters, resolution, source}."""
    n = inp.n_obs
    if n < 3:
        raise CellTypistError("cannot_over_cluster", f"automatic over-clustering needs at least 3 cells (the input has {n}): {GIVE_COLUMN}")
    step = (lambda s, f: progress("over_clustering", f, s)) if progress else None
    try:
        if source == "graph":
            g = inp.graph()
            r = _core.cluster_graph(n, g.indptr.astype(np.int64), g.indices.astype(np.int32), g.data.astype(np.float64), None, options, step)
        elif source == "pca":
            pca = np.ascontiguousarray(inp.obsm("X_pca"), dtype=np.float32)
            r = _core.cluster_points(pca, options, step)
        else:
            if expression is None:
                raise RuntimeError("the expression pipeline needs the first-pass statistics")
            r = expression.finish(inp, matrix, normalize, options, chunk_rows, progress)
    except CellTypistError:
        raise
    except (ValueError, RuntimeError) as e:
        raise CellTypistError("cannot_over_cluster", f"automatic over-clustering failed: {e}. {GIVE_COLUMN[0].upper() + GIVE_COLUMN[1:]}") from None
    clusters: List[str] = [str(c) for c in r["clusters"].tolist()]
    return {"clusters": clusters, "n_clusters": int(r["n_clusters"]), "resolution": float(r["resolution"]), "source": source}

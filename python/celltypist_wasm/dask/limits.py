"""What one worker can hold for the automatic over-clustering, and which parquet engine exists.

The automatic over-clustering (HVG -> PCA -> kNN -> Leiden) needs all of a file's cells on one
worker: its graph is global to the file. Its memory grows with the cells (measured, see
docs/scale-out.md): about BYTES_PER_CELL bytes per cell at 2,500 variable genes and 50 PCs, on
top of the worker's baseline. A file is refused, with advice, above ``max_auto_cells``
(default DEFAULT_MAX_AUTO_CELLS) or when that estimate exceeds 80% of the smallest worker's
memory limit."""
from typing import Optional

#: Peak bytes per cell of the over-clustering (measured on 200k cells; see docs/scale-out.md).
BYTES_PER_CELL = 6_000
#: Cells above which a file's automatic over-clustering is refused by default (one worker).
DEFAULT_MAX_AUTO_CELLS = 2_000_000


def parquet_engine() -> Optional[str]:
    """'pyarrow' or 'fastparquet' when installed (pandas' parquet engines), else None."""
    for name in ("pyarrow", "fastparquet"):
        try:
            __import__(name)
            return name
        except ImportError:
            continue
    return None


def _smallest_memory_limit(client) -> Optional[int]:
    try:
        limits = [w.get("memory_limit") or 0 for w in client.scheduler_info()["workers"].values()]
    except Exception:
        return None
    limits = [x for x in limits if x > 0]
    return min(limits) if limits else None


def auto_cluster_refusal(client, path: str, n_cells: int, max_auto_cells: Optional[int], matrix_bytes_per_cell: int = 0) -> Optional[str]:
    """The refusal message for a file too large for one worker's over-clustering, or None.
    `matrix_bytes_per_cell`: the decision/probability matrices kept for the file's tables
    (16 bytes per cell type)."""
    limit = DEFAULT_MAX_AUTO_CELLS if max_auto_cells is None else int(max_auto_cells)
    need = n_cells * (BYTES_PER_CELL + matrix_bytes_per_cell)
    memory = _smallest_memory_limit(client)
    advice = ("give a cluster column computed once for the dataset (over_clustering='leiden', e.g. from scanpy's or rapids' "
              "neighbours + Leiden on a big-memory node), split the dataset by sample/donor into files below the limit, "
              "or use workers with more memory and raise max_auto_cells")
    if n_cells > limit:
        return (f"{n_cells:,} cells is above the automatic over-clustering limit of {limit:,} cells per file (one worker holds a file's "
                f"whole graph, ~{BYTES_PER_CELL / 1000:.0f} KB per cell): {advice}")
    if memory is not None and need > 0.8 * memory:
        return (f"the automatic over-clustering of {n_cells:,} cells needs ~{need / 1e9:.1f} GB on one worker, more than 80% of the "
                f"workers' memory limit ({memory / 1e9:.1f} GB): {advice}")
    return None

"""What one worker can hold for the automatic over-clustering, and which parquet engine exists.

The automatic over-clustering (HVG -> PCA -> kNN -> Leiden) needs all of a file's cells on one
worker: its graph is global to the file. Its memory grows with the cells and with their
nonzeros among the variable genes (docs/scale-out.md): the whole run peaked at 557 MB for 200k
cells with 785 nonzeros each (~1.9 KB per cell over the ~170 MB baseline) and at 318 MB for 20k
cells with 2,946 nonzeros each (~7 KB per cell, fixed costs included). BYTES_PER_CELL is the
assumption for typical 10x data. A file is refused, with advice, above ``max_auto_cells``
(default DEFAULT_MAX_AUTO_CELLS) or when the estimate exceeds 80% of the smallest worker's
memory limit."""
from typing import Optional

#: Bytes per cell assumed for the over-clustering (see above; denser data needs more).
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
                f"whole graph, up to ~{BYTES_PER_CELL / 1000:.0f} KB per cell): {advice}")
    if memory is not None and need > 0.8 * memory:
        return (f"the automatic over-clustering of {n_cells:,} cells needs ~{need / 1e9:.1f} GB on one worker, more than 80% of the "
                f"workers' memory limit ({memory / 1e9:.1f} GB): {advice}")
    return None

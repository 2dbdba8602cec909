"""What the annotate pipeline reads from an input (as web/engine/formats/reader.ts): the
shape, cell and gene names, CSR row chunks of X or raw/X, obs columns, and what automatic
over-clustering may start from (a neighbour graph, obsm['X_pca'], var['highly_variable'])."""
from dataclasses import dataclass, field
from typing import List, NamedTuple, Optional, Tuple

import numpy as np
import scipy.sparse as sp


class Chunk(NamedTuple):
    """Rows of a matrix as CSR: float32 values (writeable: normalized in place for counts),
    int32 column indices, int64 row pointers starting at 0."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


def csr_chunk(m) -> Chunk:
    """A Chunk of a scipy sparse matrix (copies into the dtypes the core takes)."""
    m = sp.csr_matrix(m)
    return Chunk(np.array(m.data, dtype=np.float32), np.asarray(m.indices, dtype=np.int32), np.asarray(m.indptr, dtype=np.int64) - int(m.indptr[0]))


@dataclass
class InputFormat:
    """A count format (not .h5ad): CellTypist always normalizes these (normalize_total 1e4 + log1p)."""

    name: str
    orientation: str  # 'cells x genes' or 'genes x cells'
    files: List[str]
    warnings: List[str] = field(default_factory=list)


class Input:
    """The reader contract; see AnnDataInput and CountsInput."""

    format: Optional[InputFormat] = None
    has_raw: bool = False

    @property
    def n_obs(self) -> int:
        raise NotImplementedError

    def obs_names(self) -> List[str]:
        raise NotImplementedError

    def shape(self, source: str) -> Tuple[int, int]:
        raise NotImplementedError

    def var_names(self, source: str, column: Optional[str] = None) -> List[str]:
        raise NotImplementedError

    def var_columns(self, source: str) -> List[str]:
        return []

    def rows(self, source: str, start: int, end: int) -> Chunk:
        """Rows [start, end) of X or raw/X. The arrays may be buffers that the next call reuses."""
        raise NotImplementedError

    def chunk_end(self, source: str, start: int, max_rows: int, nnz_budget: int) -> int:
        return min(self.n_obs, start + max_rows)

    def obs_column(self, name: str) -> List[str]:
        from ..errors import CellTypistError

        raise CellTypistError("no_column", f"this input has no obs column '{name}': give the over-clustering as one label per cell")

    def highly_variable(self, source: str) -> Optional[List[int]]:
        return None

    def has_graph(self) -> bool:
        return False

    def graph(self):
        return None

    def obsm(self, name: str) -> Optional[np.ndarray]:
        return None

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

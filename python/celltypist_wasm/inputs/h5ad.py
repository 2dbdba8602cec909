"""AnnData inputs: an .h5ad path (read lazily: obs/var through anndata in backed mode, matrix
rows straight from HDF5 with h5py), a backed AnnData, or an AnnData in memory (X scipy sparse,
numpy, or a Dask array). Mirrors web/engine/h5ad/read.ts: X or raw/X (also the old 'raw.X'),
CSR, CSC or dense, float or integer; old and current on-disk encodings (anndata reads both)."""
import os
from typing import List, Optional, Tuple

import numpy as np
import scipy.sparse as sp

from ..errors import CellTypistError
from .base import Chunk, Input, csr_chunk


def _attr(node, *names):
    for n in names:
        if n in node.attrs:
            v = node.attrs[n]
            return v.decode() if isinstance(v, bytes) else v
    return None


class H5Matrix:
    """Rows of one matrix of an .h5ad file (X, raw/X or raw.X), read by hyperslab: memory stays
    bounded by the rows asked for (CSC and dense-in-columns layouts are read whole once)."""

    def __init__(self, path: str, source: str = "X", h5file=None):
        import h5py

        self.path = path
        self._own = h5file is None
        try:
            self.f = h5py.File(path, "r") if h5file is None else h5file
        except OSError as e:
            raise CellTypistError("corrupt_h5ad", f"'{path}' could not be opened as HDF5 ({e}): the file is probably truncated or corrupt, or not an .h5ad file") from None
        key = "X" if source == "X" else ("raw/X" if "raw" in self.f and "X" in self.f["raw"] else "raw.X")
        if key not in self.f:
            raise CellTypistError("no_raw" if source == "raw" else "not_anndata", f"'{path}' has no '{key}' matrix")
        node = self.f[key]
        self.key = key
        if isinstance(node, h5py.Group):
            enc = _attr(node, "encoding-type", "h5sparse_format")
            shape = _attr(node, "shape", "h5sparse_shape")
            if shape is None or len(shape) != 2:
                raise CellTypistError("corrupt_h5ad", f"the sparse matrix '{key}' of '{path}' has no shape")
            if enc in ("csr_matrix", "csr"):
                self.encoding = "csr"
            elif enc in ("csc_matrix", "csc"):
                self.encoding = "csc"
            else:
                raise CellTypistError("unsupported_h5ad", f"'{key}' is stored as '{enc}', not a CSR/CSC sparse matrix or a dense array")
            self.shape = (int(shape[0]), int(shape[1]))
            self._data, self._indices, self._indptr = node["data"], node["indices"], node["indptr"]
        else:
            if len(node.shape) != 2:
                raise CellTypistError("corrupt_h5ad", f"'{key}' of '{path}' is not a 2-D matrix")
            self.encoding = "dense"
            self.shape = (int(node.shape[0]), int(node.shape[1]))
            self._dense = node
        self._whole: Optional[sp.csr_matrix] = None
        self._scratch = (np.empty(0, np.float32), np.empty(0, np.int32))

    def rows(self, start: int, end: int) -> Chunk:
        """Rows [start, end) as CSR. For float32/int32 CSR on disk (anndata's usual) the values and
        indices are views of buffers reused by the next call (read in place: no new pages to
        fault in for every chunk, a quarter of the reading CPU); callers use a chunk before
        asking for the next one."""
        if self.encoding == "csr":
            ptr = self._indptr[start:end + 1].astype(np.int64)
            lo, hi = int(ptr[0]), int(ptr[-1])
            if self._data.dtype == np.float32 and self._indices.dtype == np.int32:
                n = hi - lo
                if self._scratch[0].size < n:
                    self._scratch = (np.empty(n, np.float32), np.empty(n, np.int32))
                data, indices = self._scratch[0][:n], self._scratch[1][:n]
                if n:
                    self._data.read_direct(data, np.s_[lo:hi])
                    self._indices.read_direct(indices, np.s_[lo:hi])
                return Chunk(data, indices, ptr - lo)
            return Chunk(np.asarray(self._data[lo:hi], dtype=np.float32), np.asarray(self._indices[lo:hi], dtype=np.int32), ptr - lo)
        if self.encoding == "dense":
            return csr_chunk(sp.csr_matrix(np.asarray(self._dense[start:end], dtype=np.float32)))
        if self._whole is None:  # CSC: the whole matrix once, as rows
            csc = sp.csc_matrix((self._data[:], self._indices[:], self._indptr[:]), shape=self.shape)
            self._whole = csc.tocsr()
        return csr_chunk(self._whole[start:end])

    def chunk_end(self, start: int, max_rows: int, nnz_budget: int) -> int:
        """End of the chunk from `start`: at most max_rows rows and, for CSR, nnz_budget
        nonzeros (at least one row)."""
        end = min(self.shape[0], start + max_rows)
        if self.encoding != "csr" or end - start <= 1:
            return end
        ptr = self._indptr[start:end + 1]
        over = np.nonzero(ptr[1:] - ptr[0] > nnz_budget)[0]
        return start + max(1, int(over[0])) if over.size else end

    def close(self) -> None:
        if self._own:
            self.f.close()


class _FileMeta:
    """obs/var/raw/obsm/obsp of a current-encoding .h5ad (anndata >= 0.8 on disk), each element
    read only when asked for (anndata's read_elem). Opening the file with anndata in backed mode
    would load every layer (e.g. layers['counts']) into memory."""

    def __init__(self, f):
        from anndata._io.specs import read_elem

        self.f = f
        self.read = read_elem
        self._cache = {}

    def _get(self, key, fn):
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def n_obs(self) -> int:
        return len(self.obs_names())

    def obs_names(self):
        g = self.f["obs"]
        return self._get("obs_names", lambda: self.read(g[_attr(g, "_index") or "_index"]))

    def obs_columns(self):
        g = self.f["obs"]
        return [str(c) for c in (_attr(g, "column-order") if "column-order" in g.attrs else [])]

    def obs_column(self, name):
        return self.read(self.f["obs"][name])

    def var(self, source):
        path = "var" if source == "X" else "raw/var"
        return self._get(path, lambda: self.read(self.f[path]))

    def has_raw(self) -> bool:
        return "raw" in self.f and "X" in self.f["raw"]

    def obsm(self, name):
        return self.read(self.f["obsm"][name]) if "obsm" in self.f and name in self.f["obsm"] else None

    def graph(self):
        if "obsp" in self.f and "connectivities" in self.f["obsp"]:
            return self.read(self.f["obsp/connectivities"])
        if "uns" in self.f and "neighbors" in self.f["uns"] and "connectivities" in self.f["uns/neighbors"]:
            return self.read(self.f["uns/neighbors/connectivities"])
        return None

    def has_graph(self) -> bool:
        return ("obsp" in self.f and "connectivities" in self.f["obsp"]) or (
            "uns" in self.f and "neighbors" in self.f["uns"] and "connectivities" in self.f["uns/neighbors"])


class _AnnDataMeta:
    """The same questions asked of an AnnData object (in memory or backed)."""

    def __init__(self, adata):
        self.adata = adata

    def n_obs(self) -> int:
        return self.adata.n_obs

    def obs_names(self):
        return self.adata.obs_names

    def obs_columns(self):
        return [str(c) for c in self.adata.obs.columns]

    def obs_column(self, name):
        return self.adata.obs[name].tolist()

    def var(self, source):
        return self.adata.raw.var if source == "raw" else self.adata.var

    def has_raw(self) -> bool:
        return self.adata.raw is not None

    def obsm(self, name):
        return self.adata.obsm[name] if name in self.adata.obsm else None

    def graph(self):
        if "connectivities" in self.adata.obsp:
            return self.adata.obsp["connectivities"]
        return self.adata.uns.get("neighbors", {}).get("connectivities")

    def has_graph(self) -> bool:
        return "connectivities" in self.adata.obsp or "connectivities" in self.adata.uns.get("neighbors", {})


class AnnDataInput(Input):
    """An AnnData (in memory or backed) or an .h5ad path. A path's matrix rows are read from HDF5
    chunk by chunk; its obs/var are read element by element (old-encoding files, whose obs is a
    compound dataset, through anndata in backed mode)."""

    def __init__(self, adata=None, path: Optional[str] = None):
        self._opened = adata is None
        self.adata = adata
        self.path = path or (adata.filename if adata is not None and adata.isbacked else None)
        self.format = None
        self._matrices = {}
        self._csr_cache = {}
        self._h5 = None
        if adata is None:
            self._open_path(path)
        else:
            self.meta = _AnnDataMeta(adata)
            self._shape = {"X": tuple(adata.shape)}
        n, g = self.shape("X")
        if n == 0:
            raise CellTypistError("no_cells", "the file has no cells (0 rows in X): nothing to annotate")
        if g == 0:
            raise CellTypistError("no_genes", "the file has no genes (0 columns in X): nothing to annotate")

    def _open_path(self, path: str) -> None:
        import h5py

        if not os.path.exists(path):
            raise CellTypistError("not_found", f"cannot read '{path}': no such file or folder")
        with open(path, "rb") as f:
            head = f.read(8)
        if head != b"\x89HDF\r\n\x1a\n":
            raise CellTypistError("not_hdf5", f"'{path}' is not an HDF5/.h5ad file (its first bytes are not HDF5's signature): give an .h5ad written by anndata, or a count table, .mtx or Cell Ranger output")
        try:
            self._h5 = h5py.File(path, "r")
        except OSError as e:
            raise CellTypistError("corrupt_h5ad", f"'{path}' could not be opened as HDF5 ({e}): the file is probably truncated or corrupt") from None
        f = self._h5
        if "X" not in f:
            keys = list(f.keys())
            raise CellTypistError("not_anndata", f"this HDF5 file is not an AnnData .h5ad file (no 'X' matrix; it holds {', '.join(keys[:6]) or 'nothing'}). Export your data with anndata's write_h5ad().")
        try:
            if isinstance(f.get("obs"), h5py.Group) and "encoding-type" in f["obs"].attrs:
                self.meta = _FileMeta(f)
            else:
                import warnings

                import anndata

                with warnings.catch_warnings():  # its OldFormatWarning/FutureWarning: handled here
                    warnings.simplefilter("ignore")
                    self.adata = anndata.read_h5ad(path, backed="r")  # old encoding: anndata converts it
                self.meta = _AnnDataMeta(self.adata)
        except CellTypistError:
            raise
        except Exception as e:  # anndata raises many kinds; one clear message
            raise CellTypistError("corrupt_h5ad", f"'{path}' could not be read as an AnnData .h5ad file ({type(e).__name__}: {e}). Export your data with anndata's write_h5ad().") from None
        self._shape = {"X": H5Matrix(path, "X", f).shape}

    # --- shape and names
    @property
    def n_obs(self) -> int:
        return self.shape("X")[0]

    def obs_names(self) -> List[str]:
        return [str(x) for x in self.meta.obs_names()]

    @property
    def has_raw(self) -> bool:
        return self.meta.has_raw()

    def _var(self, source: str):
        if source == "raw" and not self.meta.has_raw():
            raise CellTypistError("no_raw", "the file has no raw layer (raw/X)")
        return self.meta.var(source)

    def shape(self, source: str) -> Tuple[int, int]:
        if source not in self._shape:
            self._shape[source] = (self._shape["X"][0], self._var(source).shape[0])
        return self._shape[source]

    def var_names(self, source: str, column: Optional[str] = None) -> List[str]:
        var = self._var(source)
        if column is None:
            return [str(x) for x in var.index]
        if column not in var.columns:
            raise CellTypistError("no_column", f"var has no column '{column}' (it has: {', '.join(map(str, var.columns[:12])) or 'none'})")
        return [str(x) for x in var[column]]

    def var_columns(self, source: str) -> List[str]:
        return [str(c) for c in self._var(source).columns]

    # --- matrix rows
    def _file_matrix(self, source: str) -> Optional[H5Matrix]:
        if self.path is None or (self.adata is not None and not self.adata.isbacked):
            return None
        if source not in self._matrices:
            self._matrices[source] = H5Matrix(self.path, source, self._h5)
        return self._matrices[source]

    def _memory_matrix(self, source: str):
        m = self.adata.raw.X if source == "raw" else self.adata.X
        if m is None:
            raise CellTypistError("no_matrix", "the AnnData has no expression matrix (X is None)")
        if sp.issparse(m) and not sp.isspmatrix_csr(m):
            if source not in self._csr_cache:
                self._csr_cache[source] = sp.csr_matrix(m)
            return self._csr_cache[source]
        return m

    def rows(self, source: str, start: int, end: int) -> Chunk:
        h5 = self._file_matrix(source)
        if h5 is not None:
            return h5.rows(start, end)
        part = self._memory_matrix(source)[start:end]
        if hasattr(part, "compute"):  # a Dask array
            part = part.compute()
        if not sp.issparse(part):
            part = sp.csr_matrix(np.asarray(part, dtype=np.float32))
        return csr_chunk(part)

    def chunk_end(self, source: str, start: int, max_rows: int, nnz_budget: int) -> int:
        h5 = self._file_matrix(source)
        if h5 is not None:
            return h5.chunk_end(start, max_rows, nnz_budget)
        m = self._memory_matrix(source)
        end = min(self.n_obs, start + max_rows)
        if sp.isspmatrix_csr(m) and end - start > 1:
            ptr = m.indptr[start:end + 1]
            over = np.nonzero(ptr[1:] - ptr[0] > nnz_budget)[0]
            if over.size:
                return start + max(1, int(over[0]))
        return end

    # --- obs, graph, embeddings
    def obs_column(self, name: str) -> List[str]:
        cols = self.meta.obs_columns()
        if name not in cols:
            raise CellTypistError("no_column", f"obs has no column '{name}' to use as the over-clustering (it has: {', '.join(cols[:12]) or 'none'})")
        values = self.meta.obs_column(name)
        return ["nan" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in list(values)]

    def highly_variable(self, source: str) -> Optional[List[int]]:
        var = self._var(source)
        if "highly_variable" not in var.columns:
            return None
        v = var["highly_variable"]
        flags = [str(x) in ("True", "true", "1") for x in v] if v.dtype == object else np.asarray(v).astype(bool).tolist()
        return [i for i, f in enumerate(flags) if f]

    def graph(self):
        g = self.meta.graph()
        if g is None:
            return None
        n = self.n_obs
        if not sp.issparse(g) or g.shape != (n, n):
            raise CellTypistError("bad_graph", f"the neighbour graph is not a sparse {n} x {n} matrix; remove it or recompute it with scanpy's pp.neighbors")
        return sp.csr_matrix(g)

    def has_graph(self) -> bool:
        return self.meta.has_graph()

    def obsm(self, name: str) -> Optional[np.ndarray]:
        a = self.meta.obsm(name)
        if a is None:
            return None
        a = np.asarray(a)
        return a if a.ndim == 2 else None

    def close(self) -> None:
        for m in self._matrices.values():
            m.close()  # closes only files it opened itself
        self._matrices = {}
        if self._opened:  # only files opened here, never a caller's
            if self.adata is not None and self.adata.isbacked:
                self.adata.file.close()
            if self._h5 is not None:
                self._h5.close()

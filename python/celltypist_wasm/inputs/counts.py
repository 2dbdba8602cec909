"""Count formats as CellTypist 1.7.1 reads them (web/engine/formats): delimited tables (.csv,
.tsv, .txt, .tab, optionally .gz), Matrix Market with gene and cell files, Cell Ranger folders
(matrix.mtx.gz + features.tsv.gz or v2 genes.tsv + barcodes.tsv.gz) and Cell Ranger .h5
(v3 and v2). These hold raw counts: the pipeline always normalizes them (normalize_total to
10,000 + log1p). Read into memory with pandas/scipy/h5py (count files are small beside .h5ad)."""
import gzip
import os
import re
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

from ..errors import CellTypistError
from ..genes import looks_like_ensembl
from .base import Chunk, Input, InputFormat, csr_chunk

_MARKERS = ["GAPDH", "ACTB", "CALM1", "PTPRC", "MALAT1"]
NOT_COUNTS_WARNING = ("the input file seems not a raw count matrix (the largest value of the first 1,000 cells is not an integer); "
                      "the prediction result may not be accurate. CellTypist expects raw counts in text and mtx files and normalizes them itself.")


def looks_gene_by_cell(row_names: Sequence[str], col_names: Sequence[str]) -> Optional[str]:
    """CellTypist's gene-by-cell check (plus Ensembl IDs in the rows): the reason, or None."""
    if len(col_names) >= 100_000:
        return f"it has {len(col_names):,} columns (>= 100,000)"
    if col_names and len(col_names[0]) >= 30:
        return f"its first column name '{col_names[0][:40]}...' has >= 30 characters"
    rows = set(row_names)
    for g in _MARKERS:
        if g in rows:
            return f"{g} is among its row names"
    if looks_like_ensembl(row_names) and not looks_like_ensembl(col_names):
        return "its row names are Ensembl gene IDs"
    return None


def counts_warning(m: sp.csr_matrix) -> Optional[str]:
    """CellTypist's test: float(X[:1000].max()).is_integer(), with implicit zeros."""
    head = m[:1000]
    mx = max(0.0, float(head.max())) if head.nnz else 0.0
    return None if float(mx).is_integer() else NOT_COUNTS_WARNING


def choose_identifier(ids: List[str], names: List[str], model_features: Optional[Sequence[str]]) -> Tuple[List[str], Optional[str]]:
    """Cell Ranger features carry an ID (Ensembl) and a name (symbol): the IDs when they match
    more model genes (models trained on Ensembl IDs), else the symbols, as scanpy."""
    if not model_features:
        return names, None
    model = {re.sub(r"\.\d+$", "", g) for g in model_features}

    def overlap(xs):
        return sum(1 for x in xs if x in model or re.sub(r"\.\d+$", "", x) in model)

    by_id, by_name = overlap(ids), overlap(names)
    if by_id > by_name:
        return ids, f"genes are identified by their feature IDs (first column), which match {by_id:,} model genes (symbols match {by_name:,})."
    return names, None


class CountsInput(Input):
    """A count matrix in memory (cells x genes CSR) with its names."""

    has_raw = False

    def __init__(self, matrix: sp.csr_matrix, obs_names: List[str], var_names: List[str], fmt: InputFormat,
                 var_columns: Optional[Dict[str, List[str]]] = None):
        if matrix.shape[0] == 0:
            raise CellTypistError("no_cells", f"{fmt.files[0]} has no cells: nothing to annotate")
        if matrix.shape[1] == 0:
            raise CellTypistError("no_genes", f"{fmt.files[0]} has no genes: nothing to annotate")
        m = sp.csr_matrix(matrix, dtype=np.float32)
        m.sort_indices()
        self.m = m
        self._obs = obs_names
        self._var = var_names
        self._columns = var_columns or {}
        w = counts_warning(m)
        if w:
            fmt.warnings.append(w)
        self.format = fmt

    @property
    def n_obs(self) -> int:
        return self.m.shape[0]

    def obs_names(self) -> List[str]:
        return list(self._obs)

    def shape(self, source: str) -> Tuple[int, int]:
        return self.m.shape

    def var_names(self, source: str, column: Optional[str] = None) -> List[str]:
        if column is None:
            return list(self._var)
        if column not in self._columns:
            raise CellTypistError("no_column", f"this input has no gene column '{column}' (it has: {', '.join(self._columns) or 'none'})")
        return list(self._columns[column])

    def var_columns(self, source: str) -> List[str]:
        return list(self._columns)

    def rows(self, source: str, start: int, end: int) -> Chunk:
        return csr_chunk(self.m[start:end])


def _open_text(path: str):
    return gzip.open(path, "rt", encoding="utf-8", errors="replace") if path.endswith(".gz") else open(path, "r", encoding="utf-8", errors="replace")


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _fields(line: str, sep: Optional[str]) -> List[str]:
    parts = line.rstrip("\r\n").split(sep) if sep else line.split()
    return [p.strip().strip('"') for p in parts]


def read_table(path: str, transpose_input: bool = False) -> CountsInput:
    """A delimited count table: ',' for .csv, blanks otherwise (scanpy's rule); a header row when
    its last field is not a number; row names when the first field is not a number."""
    import pandas as pd

    name = os.path.basename(path)
    sep = "," if re.search(r"\.csv(\.gz)?$", path, re.I) else None
    skip = 0
    header: Optional[List[str]] = None
    first_data: Optional[List[str]] = None
    with _open_text(path) as f:
        for line in f:
            if not line.strip():
                skip += 1
                continue
            if line.startswith("#") and header is None:
                skip += 1
                continue
            fields = _fields(line, sep)
            if header is None and not _is_number(fields[-1]):
                header = fields
                skip += 1
                continue
            first_data = fields
            break
    if first_data is None:
        raise CellTypistError("empty_file", f"{name} has no data rows: it should hold one row of counts per cell (or gene)")
    row_names = not _is_number(first_data[0])
    n_values = len(first_data) - (1 if row_names else 0)
    df = pd.read_csv(path, sep=sep if sep else r"\s+", header=None, skiprows=skip, index_col=0 if row_names else None,
                     skip_blank_lines=True, engine="c")
    values = df.to_numpy()
    if values.shape[1] != n_values or not np.issubdtype(values.dtype, np.number):
        raise CellTypistError("bad_value", f"{name}: every row must hold {n_values:,} numbers after its name; some row has a missing or non-numeric value. Count tables must hold one number >= 0 per gene and cell.")
    if np.isnan(values).any() or (values < 0).any():
        r, c = np.argwhere(np.isnan(values) | (values < 0))[0]
        raise CellTypistError("bad_value", f"{name}, data row {r + 1:,}, column {c + 1:,}: '{values[r, c]}' is negative or missing. Count tables must hold one number >= 0 per gene and cell.")
    rnames = [str(x) for x in df.index] if row_names else [str(i) for i in range(values.shape[0])]
    if header is not None:
        cnames = header[1:] if len(header) == n_values + 1 else header
        if len(cnames) != n_values:
            raise CellTypistError("bad_header", f"{name}: the header has {len(header):,} names for {n_values:,} columns of numbers")
    else:
        cnames = [str(i) for i in range(n_values)]
    m = sp.csr_matrix(values.astype(np.float32))
    warnings: List[str] = []
    orientation = "cells x genes"
    if transpose_input:
        m, rnames, cnames = m.T.tocsr(), cnames, rnames
        orientation = "genes x cells"
    reason = looks_gene_by_cell(rnames, cnames)
    if reason:
        m, rnames, cnames = m.T.tocsr(), cnames, rnames
        orientation = "genes x cells" if orientation == "cells x genes" else "cells x genes"
        warnings.append(f"the table looks gene-by-cell ({reason}), so it is transposed to cell-by-gene, as CellTypist does.")
    kind = {"csv": "CSV table", "tsv": "TSV table", "tab": "TSV table", "txt": "text table"}[re.sub(r"\.gz$", "", path.lower()).rsplit(".", 1)[-1]]
    return CountsInput(m, rnames, cnames, InputFormat(kind + (" (gzip)" if path.endswith(".gz") else ""), orientation, [name], warnings))


def _name_rows(path: str) -> List[List[str]]:
    rows = []
    with _open_text(path) as f:
        sep = None
        for line in f:
            if not line.strip():
                continue
            if sep is None:
                sep = "\t" if "\t" in line else ","
            rows.append(_fields(line, sep))
    if not rows:
        raise CellTypistError("empty_file", f"{os.path.basename(path)} has no names (only blank lines)")
    return rows


def _gene_names(rows: List[List[str]], cellranger: bool, model_features, warnings: List[str]):
    """Gene names from a gene file or Cell Ranger features: Gene Expression only, and the
    identifier (ID or symbol) that matches the model."""
    if not (cellranger or len(rows[0]) >= 2):
        return [r[0] for r in rows], None, {}
    keep = [i for i, r in enumerate(rows) if len(r) < 3 or r[2] == "Gene Expression"]
    if len(keep) < len(rows):
        types = sorted({r[2] for r in rows if len(r) >= 3 and r[2] != "Gene Expression"})
        warnings.append(f"{len(rows) - len(keep):,} features that are not 'Gene Expression' ({', '.join(types)}) are left out, as scanpy's read_10x_mtx does.")
    ids = [rows[i][0] for i in keep]
    symbols = [rows[i][1] if len(rows[i]) > 1 else rows[i][0] for i in keep]
    genes, note = choose_identifier(ids, symbols, model_features)
    if note:
        warnings.append(note)
    return genes, (np.array(keep) if len(keep) < len(rows) else None), {"gene_ids": ids, "gene_symbols": symbols}


def read_mtx(matrix: str, genes: str, cells: str, cellranger: Optional[str] = None, transpose_input: bool = False,
             model_features=None) -> CountsInput:
    """Matrix Market counts with their gene and cell files (CellTypist: cells in rows unless
    transpose_input; Cell Ranger folders: genes in rows)."""
    import scipy.io

    name = os.path.basename(matrix)
    try:
        m = scipy.io.mmread(matrix)
    except Exception as e:
        raise CellTypistError("bad_mtx", f"{name} could not be read as a Matrix Market file ({e})") from None
    m = sp.csr_matrix(m)
    warnings: List[str] = []
    gene_rows = _name_rows(genes)
    cell_names = [r[0] for r in _name_rows(cells)]
    names, keep, columns = _gene_names(gene_rows, bool(cellranger), model_features, warnings)
    cells_in_rows = not transpose_input if not cellranger else False
    if not cells_in_rows:
        m = m.T.tocsr()
    if m.shape[1] != len(gene_rows):
        raise CellTypistError("name_count", f"{os.path.basename(genes)} has {len(gene_rows):,} genes (lines) but {name} has {m.shape[1]:,} genes" + ("" if cellranger else " (add or leave out transpose_input if the matrix is genes x cells)"))
    if m.shape[0] != len(cell_names):
        raise CellTypistError("name_count", f"{os.path.basename(cells)} has {len(cell_names):,} cells (lines) but {name} has {m.shape[0]:,} cells")
    if keep is not None:
        m = m[:, keep]
    if not cellranger:
        reason = looks_gene_by_cell(cell_names, names)
        if reason:
            raise CellTypistError("looks_gene_by_cell", f"{name} looks gene-by-cell ({reason}): CellTypist transposes it, so its gene and cell files would be swapped. Run again with {'the gene and cell files swapped' if transpose_input else 'transpose_input=True'}.")
    fmt = InputFormat(f"Cell Ranger {cellranger} folder" if cellranger else "Matrix Market" + (" (gzip)" if matrix.endswith(".gz") else ""),
                      "genes x cells" if not cells_in_rows else "cells x genes", [name, os.path.basename(genes), os.path.basename(cells)], warnings)
    return CountsInput(m, cell_names, names, fmt, columns)


def read_10x_h5(path: str, model_features=None) -> CountsInput:
    """Cell Ranger's feature-barcode .h5 (v3 'matrix' group, or v2 per-genome groups)."""
    import h5py

    name = os.path.basename(path)

    def strings(ds) -> List[str]:
        return [x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in ds[:]]

    with h5py.File(path, "r") as f:
        if "matrix" in f and "indptr" in f["matrix"]:
            g, version = f["matrix"], "v3"
            ids, symbols = strings(g["features/id"]), strings(g["features/name"])
            types = strings(g["features/feature_type"]) if "feature_type" in g["features"] else ["Gene Expression"] * len(ids)
        else:
            genomes = [k for k in f.keys() if isinstance(f[k], h5py.Group) and all(x in f[k] for x in ("barcodes", "genes", "indptr"))]
            if not genomes:
                raise CellTypistError("not_anndata", f"{name} is an HDF5 file but neither an AnnData .h5ad nor a Cell Ranger .h5 (it holds {', '.join(list(f.keys())[:6])})")
            g, version = f[genomes[0]], "v2"
            ids = strings(g["genes"])
            symbols = strings(g["gene_names"]) if "gene_names" in g else ids
            types = ["Gene Expression"] * len(ids)
        shape = tuple(int(x) for x in g["shape"][:])
        csc = sp.csc_matrix((g["data"][:], g["indices"][:], g["indptr"][:]), shape=shape)
        barcodes = strings(g["barcodes"])
    warnings: List[str] = []
    rows = [[i, s, t] for i, s, t in zip(ids, symbols, types)]
    names, keep, columns = _gene_names(rows, True, model_features, warnings)
    m = csc.T.tocsr()
    if keep is not None:
        m = m[:, keep]
    return CountsInput(m, barcodes, names, InputFormat(f"Cell Ranger {version} .h5", "genes x cells", [name], warnings), columns)

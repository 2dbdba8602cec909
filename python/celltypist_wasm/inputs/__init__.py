"""Opening any supported input (as web/engine/formats/plan.ts + open-node.ts): an AnnData (in
memory or backed), an .h5ad path, a Cell Ranger .h5 or folder (or its outs/ folder), a count
table, or a .mtx with its gene and cell files."""
import os
import re
from typing import Optional, Sequence

from ..errors import CellTypistError
from .base import Chunk, Input, InputFormat, csr_chunk
from .counts import CountsInput, read_10x_h5, read_mtx, read_table
from .h5ad import AnnDataInput, H5Matrix

__all__ = ["Chunk", "Input", "InputFormat", "AnnDataInput", "CountsInput", "H5Matrix", "open_input", "csr_chunk"]

SUPPORTED = ("an AnnData, an .h5ad file, a Cell Ranger .h5 or folder (matrix.mtx.gz + features.tsv.gz + barcodes.tsv.gz), "
             "a count table (.csv, .tsv, .txt, .tab, optionally .gz) or a .mtx with its gene and cell files")
_TABLE = re.compile(r"\.(csv|txt|tsv|tab)(\.gz)?$", re.I)
_MTX = re.compile(r"\.mtx(\.gz)?$", re.I)


def _cellranger(folder: str):
    names = os.listdir(folder)

    def find(pattern):
        return next((os.path.join(folder, n) for n in sorted(names) if re.match(pattern, n, re.I)), None)

    matrix, barcodes = find(r"^matrix\.mtx(\.gz)?$"), find(r"^barcodes\.tsv(\.gz)?$")
    features, genes = find(r"^features\.tsv(\.gz)?$"), find(r"^genes\.tsv(\.gz)?$")
    if not (matrix and barcodes and (features or genes)):
        return None
    return matrix, features or genes, barcodes, "v3" if features else "v2"


def open_input(data, gene_file: Optional[str] = None, cell_file: Optional[str] = None, transpose_input: bool = False,
               model_features: Optional[Sequence[str]] = None) -> Input:
    """An Input for `data`: an AnnData, or a path (str / os.PathLike)."""
    if isinstance(data, Input):
        return data
    try:
        import anndata

        if isinstance(data, anndata.AnnData):
            return AnnDataInput(data)
    except ImportError:  # pragma: no cover - anndata is a dependency
        pass
    if not isinstance(data, (str, os.PathLike)):
        raise CellTypistError("unsupported_input", f"cannot annotate a {type(data).__name__}: give {SUPPORTED}")
    path = os.fspath(data)
    if not os.path.exists(path):
        raise CellTypistError("not_found", f"cannot read '{path}': no such file or folder")
    if os.path.isdir(path):
        inner = os.path.join(path, "filtered_feature_bc_matrix")
        tenx = _cellranger(path) or (_cellranger(inner) if os.path.isdir(inner) else None)
        if not tenx:
            raise CellTypistError("not_cellranger", f"the folder '{path}' is not a Cell Ranger output: it should hold matrix.mtx.gz, features.tsv.gz (or genes.tsv) and barcodes.tsv.gz")
        return read_mtx(*tenx[:3], cellranger=tenx[3], model_features=model_features)
    if _MTX.search(path):
        if gene_file and cell_file:
            return read_mtx(path, gene_file, cell_file, transpose_input=transpose_input, model_features=model_features)
        if gene_file or cell_file:
            raise CellTypistError("missing_names", f"a .mtx needs both a gene file and a cell file (one name per line); only the {'gene' if gene_file else 'cell'} file was given")
        tenx = _cellranger(os.path.dirname(path) or ".")
        if tenx and os.path.samefile(tenx[0], path):
            return read_mtx(*tenx[:3], cellranger=tenx[3], model_features=model_features)
        raise CellTypistError("missing_names", f"{os.path.basename(path)} is a Matrix Market file: it needs a gene file and a cell file (one name per line, in matrix order: gene_file=, cell_file=), or the Cell Ranger names matrix.mtx.gz, features.tsv.gz and barcodes.tsv.gz in one folder")
    if _TABLE.search(path):
        return read_table(path, transpose_input=transpose_input)
    if re.search(r"\.h5ad$", path, re.I):
        return AnnDataInput(path=path)
    # .h5 or anything else: an HDF5 file, either an .h5ad under another name or Cell Ranger's.
    with open(path, "rb") as f:
        head = f.read(8)
    if head != b"\x89HDF\r\n\x1a\n":
        raise CellTypistError("unsupported_input", f"'{os.path.basename(path)}' is not a supported input: give {SUPPORTED}")
    import h5py

    with h5py.File(path, "r") as f:
        is_anndata = "X" in f and "obs" in f
    return AnnDataInput(path=path) if is_anndata else read_10x_h5(path, model_features=model_features)

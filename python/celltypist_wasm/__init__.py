"""celltypist-wasm for Python: CellTypist 1.7.1's annotation over the same C++ core as the
browser app and the CLI (exact labels, probabilities within 1e-10), safe model loading, and
atlas-scale annotation on Dask (celltypist_wasm.dask).

    import celltypist_wasm as ct
    result = ct.annotate("query.h5ad", "Immune_All_Low.pkl", majority_voting=True)
    result.predicted_labels; result.to_table("out/"); adata = result.to_adata()
"""
from .annotate import annotate
from .errors import CellTypistError
from .model import Model
from .result import AnnotationResult

__version__ = "0.1.0"
__all__ = ["annotate", "Model", "AnnotationResult", "CellTypistError", "__version__"]

"""CellTypist's input check (classifier.py), as web/engine/h5ad/normalization.ts: the first
1,000 cells of X must look like log1p(normalized to 10,000): no negative value and max <= 9.22;
otherwise raw/X is used if it passes. A first row whose expm1 sum is not 10,000 +- 1 is only a
warning. Beyond CellTypist the data is classified, to say precisely what to do."""
import math
from dataclasses import dataclass, field
from typing import List

import numpy as np

from .errors import CellTypistError
from .inputs.base import Input

CHECK_ROWS = 1000
MAX_LOG1P = 9.22


@dataclass
class Verdict:
    source: str
    kind: str  # 'log1p_10k' | 'log1p_other_total' | 'raw_counts' | 'scaled' | 'unknown'
    usable: bool
    min: float
    max: float
    first_row_total: float
    has_nan: bool


@dataclass
class InputChoice:
    source: str  # 'X' or 'raw'
    normalize: bool  # raw counts, normalized in-stream before scoring
    verdict: Verdict
    warnings: List[str] = field(default_factory=list)


def inspect_matrix(inp: Input, source: str) -> Verdict:
    """Inspects the first 1,000 cells of X or raw/X."""
    n_rows, n_cols = inp.shape(source)
    rows = min(CHECK_ROWS, n_rows)
    c = inp.rows(source, 0, rows)
    data = c.data.astype(np.float64)
    finite = np.isfinite(data)
    has_nan = not bool(finite.all())
    vals = data[finite]
    mn = float(vals.min()) if vals.size else math.inf
    mx = float(vals.max()) if vals.size else -math.inf
    integers = bool(np.all(vals == np.round(vals)))
    if len(c.data) < rows * n_cols:  # implicit zeros count (scipy's X.min() includes them)
        mn, mx = min(mn, 0.0), max(mx, 0.0)
    if mn == math.inf:
        mn = mx = 0.0
    # Row sums of expm1: of the first row, and of the first 20 (to tell "log1p to another total"
    # apart from mixed data).
    totals = []
    for r in range(min(c.n_rows, 20)):
        totals.append(float(np.expm1(data[c.indptr[r]:c.indptr[r + 1]]).sum()))
    total = totals[0] if totals else 0.0
    usable = not has_nan and mn >= 0 and mx <= MAX_LOG1P
    kind = "unknown"
    if mn < 0:
        kind = "scaled"
    elif integers and mx > MAX_LOG1P:
        kind = "raw_counts"
    elif integers and 0 < mx <= MAX_LOG1P and mx >= 1 and all(abs(t - 1e4) > 1 for t in totals):
        kind = "raw_counts"
    elif usable and abs(total - 1e4) <= 1:
        kind = "log1p_10k"
    elif usable and len(totals) > 1 and all(abs(t - totals[0]) <= max(1, 1e-3 * totals[0]) for t in totals):
        kind = "log1p_other_total"
    return Verdict(source, kind, usable, mn, mx, total, has_nan)


def _describe(v: Verdict) -> str:
    where = ".X" if v.source == "X" else ".raw.X"
    if v.kind == "raw_counts":
        return f"{where} holds raw counts (integers up to {v.max:g})"
    if v.kind == "scaled":
        return f"{where} holds scaled data (negative values down to {v.min:.3f})"
    return f"{where} contains NaN or infinite values" if v.has_nan else f"{where} has values from {v.min:.3f} to {v.max:.3f}"


def choose_input(inp: Input, normalize_counts: bool = False) -> InputChoice:
    """The matrix CellTypist would use (X, else raw/X), or a CellTypistError that says exactly
    what is wrong and what to do. Count formats are always normalized (CellTypist does)."""
    if inp.format is not None:
        v = Verdict("X", "raw_counts", False, 0, 0, 0, False)
        return InputChoice("X", True, v, list(inp.format.warnings))
    warnings: List[str] = []
    x = inspect_matrix(inp, "X")
    chosen = x

    def normalized(v: Verdict) -> InputChoice:
        return InputChoice(v.source, True, v, [
            f"{_describe(v)}: normalized to 10,000 counts per cell and log1p-transformed on the fly (as scanpy's "
            "normalize_total(target_sum=1e4) + log1p), as CellTypist expects."])

    if normalize_counts and x.kind == "raw_counts":
        raw = inspect_matrix(inp, "raw") if inp.has_raw else None
        if not (raw and raw.usable and raw.kind != "raw_counts"):
            return normalized(x)
    if not x.usable:
        raw = inspect_matrix(inp, "raw") if inp.has_raw else None
        if raw and raw.usable and not (normalize_counts and raw.kind == "raw_counts"):
            chosen = raw
            warnings.append(f"{_describe(x)}, so raw/X is used, as CellTypist does.")
        else:
            parts = [_describe(x), _describe(raw) if raw else "the file has no raw layer"]
            if normalize_counts and raw is not None and raw.kind == "raw_counts":
                return normalized(raw)
            counts = x.kind == "raw_counts" or (raw is not None and raw.kind == "raw_counts")
            if counts:
                advice = ("CellTypist expects log1p-normalized expression (10,000 counts per cell). Normalize first (scanpy: "
                          "sc.pp.normalize_total(adata, target_sum=1e4); sc.pp.log1p(adata)), or let celltypist-wasm do it: normalize_counts=True.")
            elif x.has_nan:
                advice = "Remove or replace the NaN/infinite values, then save the file again."
            else:
                advice = ("CellTypist expects log1p-normalized expression (10,000 counts per cell) in X or raw/X. "
                          "Store the normalized, unscaled matrix in adata.raw before scaling.")
            raise CellTypistError("raw_counts" if counts else "invalid_expression", f"Invalid expression matrix: {'; '.join(parts)}. {advice}")
    if abs(chosen.first_row_total - 1e4) > 1:
        warnings.append(
            f"the first cell's expression does not sum to 10,000 after expm1 (it sums to {round(chosen.first_row_total):,}): "
            "CellTypist expects all genes, log1p-normalized to 10,000 counts per cell; predictions may be less accurate.")
    return InputChoice(chosen.source, False, chosen, warnings)

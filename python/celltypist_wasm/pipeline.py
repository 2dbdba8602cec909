"""The steps of an annotation shared by annotate() and the Dask tasks, in the engine's order
(web/engine/annotate.ts): choose the matrix (X or raw/X, or counts to normalize), pick and
harmonize the gene names, convert the model by orthologs when the species differ, match genes
(the core's Predictor), then score row chunks (the core's score_chunk: NaN/Inf check,
in-place normalization of counts, scores) and derive labels."""
import logging
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import numpy as np

from . import _core
from .errors import CellTypistError
from .genes import (explain_overlap, find_symbol_column, harmonize_genes, invalid_names, looks_like_ensembl, make_unique,
                    min_overlap, symbol_species)
from .inputs.base import Chunk, Input
from .model import Model
from .normalization import choose_input

log = logging.getLogger("celltypist_wasm")
#: Nonzeros per chunk at most: bounds one chunk's memory whatever the density.
NNZ_BUDGET = 4_000_000


@dataclass
class Prepared:
    """What a scoring pass needs to know about an input, decided once per input."""

    model: Model
    source: str  # 'X' or 'raw'
    normalize: bool
    genes: List[str]
    n_obs: int
    n_genes: int
    n_features_used: int
    matrix: str
    warnings: List[str] = field(default_factory=list)


def _convert_for_species(model: Model, genes: List[str], convert_orthologs: bool, gene_map: Optional[str], warnings: List[str]):
    """The model to use, and whether data and model are of one species (as genes/orthologs.ts)."""
    data, mine = symbol_species(genes), symbol_species(model.feature_list)
    same = data == mine
    if not convert_orthologs or data == "unknown" or mine == "unknown" or same:
        return model, same
    if not gene_map:
        raise CellTypistError("species_mismatch", f"the data has {data} gene symbols but the model is a {mine} model: use a {data} model, "
                              "or give CellTypist's ortholog table to convert it (gene_map='Ensembl105_Human2Mouse_Genes.csv'), "
                              "or annotate without converting (convert_orthologs=False; most model genes will be missing)")
    converted = model.convert(gene_map)
    before = len(model.feature_list)
    warnings.append(f"the data has {data} genes and the model {mine} genes: the model was converted to {data} genes by 1:1 orthologs "
                    f"as CellTypist's Model.convert() does: {len(converted.feature_list):,} of its {before:,} genes kept.")
    return converted, False


def prepare(inp: Input, model: Model, gene_column: Optional[str] = None, normalize_counts: bool = False,
            convert_orthologs: bool = True, gene_map: Optional[str] = None):
    """Decides the matrix and the genes; returns (Prepared, core Predictor)."""
    choice = choose_input(inp, normalize_counts)
    warnings = list(choice.warnings)
    index_genes = inp.var_names(choice.source)
    if not gene_column and looks_like_ensembl(index_genes) and not looks_like_ensembl(model.feature_list):
        # As CELLxGENE and many pipelines store it: Ensembl IDs in the index, symbols in a column.
        gene_column = find_symbol_column(inp.var_columns(choice.source))
        if gene_column:
            warnings.append(f"the var index holds Ensembl gene IDs; gene symbols are taken from var column '{gene_column}'.")
    raw_genes = inp.var_names(choice.source, gene_column) if gene_column else index_genes
    garbled = invalid_names(raw_genes)
    if garbled:
        warnings.append(f"{len(garbled):,} gene name(s) are not valid UTF-8 text in the file (the first is gene {garbled[0] + 1}); they cannot match "
                        "model genes. Re-save the file with UTF-8 gene names if they matter.")
    unique = make_unique(raw_genes)
    renamed = [i for i, (a, b) in enumerate(zip(unique, raw_genes)) if a != b]
    if renamed:
        i = renamed[0]
        warnings.append(f"{len(renamed):,} gene name(s) occur more than once and were made unique as anndata's var_names_make_unique does "
                        f"(e.g. '{raw_genes[i]}' -> '{unique[i]}'); only the first of each is matched to the model, as in CellTypist.")
    model, same_species = _convert_for_species(model, raw_genes, convert_orthologs, gene_map, warnings)
    genes, n_version, n_case = harmonize_genes(unique, model.feature_list, same_species)
    if n_version + n_case > 0:
        parts = [p for p in (f"{n_version:,} by ignoring Ensembl version suffixes" if n_version else "",
                             f"{n_case:,} by ignoring letter case" if n_case else "") if p]
        warnings.append(f"some data genes match model genes only loosely: {', '.join(parts)}.")
    try:
        predictor = _core.Predictor(model._core, genes)
    except ValueError as e:
        raise CellTypistError("no_overlap", f"{explain_overlap(genes, model.feature_list, 0)} ({e})") from None
    n_used, n_model = predictor.n_features_used(), len(model.feature_list)
    if n_used < min_overlap(n_model):
        raise CellTypistError("low_overlap", explain_overlap(genes, model.feature_list, n_used))
    if n_used < 0.5 * n_model:
        warnings.append(f"{explain_overlap(genes, model.feature_list, n_used)} Predictions may be unreliable.")
    n_obs, n_genes = inp.shape(choice.source)
    if inp.format is not None:
        matrix = f"{inp.format.name}, {inp.format.orientation}"
    else:
        matrix = "X" if choice.source == "X" else "raw/X"
    if choice.normalize:
        matrix += " (raw counts, normalized in-stream)"
    return Prepared(model, choice.source, choice.normalize, genes, n_obs, n_genes, n_used, matrix, warnings), predictor


def _non_finite(first_row: int, row: int) -> CellTypistError:
    return CellTypistError("nan_values", f"the expression matrix has NaN or infinite values (first in cell {first_row + row + 1}): "
                           "remove or replace them and save the file again")


def normalize_counts(chunk: Chunk, first_row: int = 0) -> np.ndarray:
    """scanpy's normalize_total(target_sum=1e4) + log1p of a chunk of raw counts, in place, with
    numpy's own float32 operations, as CellTypist runs them: the row sums in float32, each value
    divided by sum / 1e4, numpy's log1p. numpy's float32 log1p (SIMD, e.g. AVX-512) and libm's
    (the core's normalize_log1p) differ in the last bit for ~3% of values, which moves
    probabilities by ~1e-7: here they are CellTypist's bits on the same machine."""
    data = np.require(chunk.data, dtype=np.float32, requirements=["C", "W"])
    finite = np.isfinite(data)
    if not finite.all():
        raise _non_finite(first_row, int(np.searchsorted(chunk.indptr, np.argmin(finite), side="right")) - 1)
    if (data < 0).any():
        row = int(np.searchsorted(chunk.indptr, int(np.argmax(data < 0)), side="right")) - 1
        raise CellTypistError("bad_counts", f"cannot normalize the counts of cells {first_row + 1}-{first_row + chunk.n_rows}: raw counts must be "
                              f"finite and non-negative (cell {row + 1} of the chunk has {data[chunk.indptr[row]:chunk.indptr[row + 1]].min()})")
    counts = np.add.reduceat(data, chunk.indptr[:-1]) if data.size else np.zeros(chunk.n_rows, np.float32)
    sizes = np.diff(chunk.indptr)
    counts[sizes == 0] = 0  # reduceat repeats the next value for empty rows
    counts += counts == 0
    per = (counts / np.float32(1e4)).astype(np.float32)
    np.divide(data, np.repeat(per, sizes), out=data)
    np.log1p(data, out=data)
    return data


def score_chunk(predictor, chunk: Chunk, normalize: bool, n_threads: int, first_row: int) -> dict:
    """The core's work on one chunk; its errors as CellTypistError with cell numbers of the input.
    Raw counts are normalized first (normalize_counts, in place)."""
    if normalize:
        data = normalize_counts(chunk, first_row)
    else:
        data = np.require(chunk.data, dtype=np.float32, requirements=["C", "W"])
    r = predictor.score(data, chunk.indices, chunk.indptr, False, n_threads)
    if r["error"] == "non_finite":
        raise _non_finite(first_row, r["row"])
    if r["error"] == "bad_counts":
        raise CellTypistError("bad_counts", f"cannot normalize the counts of cells {first_row + 1}-{first_row + chunk.n_rows}: {r['message']}")
    if r["error"]:
        raise CellTypistError("predict_failed", r["message"])
    r["data"] = data  # normalized in place when the input holds counts
    return r


def labels_of(mode: str, decision: np.ndarray, probability: np.ndarray, labels: List[str], p_thres: float) -> List[str]:
    if mode == "best_match":
        return [labels[i] for i in _core.best_match(decision).tolist()]
    return _core.prob_match(probability, labels, p_thres)


@dataclass
class Scored:
    """Rows [start, end) of an input, scored."""

    start: int
    end: int
    predicted: List[str]
    conf_score: np.ndarray
    decision: Optional[np.ndarray]
    probability: Optional[np.ndarray]


def score_rows(inp: Input, prep: Prepared, predictor, start: int, end: int, mode: str = "best_match", p_thres: float = 0.5,
               chunk_rows: int = 8192, n_threads: int = 1, keep_matrices: bool = True,
               on_chunk: Optional[Callable[[Chunk, dict, int], None]] = None,
               progress: Optional[Callable] = None) -> Scored:
    """Scores rows [start, end) of the chosen matrix chunk by chunk. `on_chunk(chunk, scores,
    first_row)` sees each chunk after scoring (its values normalized when the input holds counts)."""
    labels = prep.model.labels
    n, L = end - start, len(labels)
    decision = np.empty((n, L)) if keep_matrices else None
    probability = np.empty((n, L)) if keep_matrices else None
    predicted: List[str] = []
    conf = np.empty(n)
    at = start
    while at < end:
        stop = min(end, inp.chunk_end(prep.source, at, chunk_rows, NNZ_BUDGET))
        c = inp.rows(prep.source, at, stop)
        r = score_chunk(predictor, c, prep.normalize, n_threads, at)
        predicted.extend(labels_of(mode, r["decision"], r["probability"], labels, p_thres))
        conf[at - start:stop - start] = r["probability"].max(axis=1) if L else 0.0
        if keep_matrices:
            decision[at - start:stop - start] = r["decision"]
            probability[at - start:stop - start] = r["probability"]
        if on_chunk:
            on_chunk(Chunk(r["data"], c.indices, c.indptr), r, at)
        if progress:
            progress("predict", (stop - start) / max(1, n), f"{stop - start:,} of {n:,} cells")
        at = stop
    return Scored(start, end, predicted, conf, decision, probability)


def check_options(mode: str, p_thres: float, min_prop: float) -> None:
    if mode not in ("best_match", "prob_match"):
        raise CellTypistError("bad_option", f"mode must be 'best_match' or 'prob_match', not '{mode}'")
    if not (0 <= p_thres <= 1):
        raise CellTypistError("bad_option", f"p_thres must be between 0 and 1, not {p_thres}")
    if not (0 <= min_prop <= 1):
        raise CellTypistError("bad_option", f"min_prop must be between 0 and 1, not {min_prop}")


class Timer:
    def __init__(self):
        self.t0 = time.perf_counter()
        self.timings = {}

    def mark(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[name] = now - since
        return now

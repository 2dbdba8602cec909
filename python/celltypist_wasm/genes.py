"""Gene names as users bring them (as web/engine/genes): Ensembl IDs instead of symbols,
version suffixes, letter case, duplicates. Pure functions used by the annotate pipeline to pick
the gene names and to say clearly what is wrong when too few model genes are found."""
import re
from typing import Dict, List, Optional, Sequence

from . import _core

_ENSEMBL = re.compile(r"^ENS[A-Z]*G\d{6,}(\.\d+)?$")
_VERSIONED = re.compile(r"^(ENS[A-Z]*[GT]\d{6,})\.\d+$")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: var columns that hold gene symbols in common pipelines (CELLxGENE, 10x/scanpy, Seurat...).
SYMBOL_COLUMNS = ["feature_name", "gene_symbols", "gene_symbol", "gene_name", "gene_names", "symbol", "symbols", "gene", "genes"]


def _sample(names: Sequence[str], n: int = 2000) -> List[str]:
    if len(names) <= n:
        return list(names)
    step = len(names) / n
    return [names[int(i * step)] for i in range(n)]


def looks_like_ensembl(names: Sequence[str]) -> bool:
    """True when most names are Ensembl gene IDs (ENSG..., ENSMUSG..., optionally versioned)."""
    s = _sample(names)
    return len(s) > 0 and sum(1 for g in s if _ENSEMBL.match(g)) >= 0.5 * len(s)


def symbol_species(names: Sequence[str]) -> str:
    """'human' (CD3E), 'mouse' (Cd3e) or 'unknown', from the case pattern of gene symbols."""
    s = [g for g in _sample(names) if re.match(r"^[A-Za-z][A-Za-z0-9-]{1,}$", g) and re.search(r"[a-zA-Z]{2}", g)]
    if len(s) < 20:
        return "unknown"
    upper = sum(1 for g in s if g == g.upper())
    title = sum(1 for g in s if g[0] == g[0].upper() and g[1:] == g[1:].lower() and g != g.upper())
    if upper >= 0.6 * len(s):
        return "human"
    if title >= 0.6 * len(s):
        return "mouse"
    return "unknown"


def find_symbol_column(columns: Sequence[str]) -> Optional[str]:
    """The first var column that holds gene symbols, if any."""
    lower = {c.lower(): c for c in columns}
    for c in SYMBOL_COLUMNS:
        if c in lower:
            return lower[c]
    return None


def min_overlap(n_model: int) -> int:
    """Minimum model genes that must be found for a prediction to be meaningful."""
    return min(100, -(-n_model // 10))


def explain_overlap(data_genes: Sequence[str], model_genes: Sequence[str], n_found: int) -> str:
    """Explains a poor overlap between data genes and model genes: what is wrong, what to do."""
    head = f"only {n_found:,} of the model's {len(model_genes):,} genes are found in the data"
    if looks_like_ensembl(data_genes) and not looks_like_ensembl(model_genes):
        return (f"{head}: the data's gene names are Ensembl IDs (e.g. {', '.join(data_genes[:2])}) but the model uses gene symbols. "
                "Choose the var column with gene symbols (gene_column='feature_name'), or add one.")
    ds, ms = symbol_species(data_genes), symbol_species(model_genes)
    if ds != "unknown" and ms != "unknown" and ds != ms:
        eg = ", ".join([g for g in data_genes if re.match(r"^[A-Z][a-z]", g) or re.match(r"^[A-Z0-9]+$", g)][:2])
        return f"{head}: the data looks like {ds} genes (e.g. {eg}) but the model is a {ms} model. Use a {ds} model, or convert this model by orthologs (Model.convert)."
    return f"{head}: check that the data's gene names are symbols of the model's species, or choose the var column that holds them (gene_column=...)."


def strip_version(name: str) -> str:
    """ENSG....12 -> ENSG...; other names unchanged."""
    if not name.startswith("ENS"):
        return name
    m = _VERSIONED.match(name)
    return m.group(1) if m else name


def harmonize_genes(data_genes: Sequence[str], model_features: Sequence[str], ignore_case: bool = True):
    """Renames data genes that differ from a model feature only by an Ensembl version suffix or
    (same species) letter case, when that match is unambiguous and not already taken; exact
    matches always win. Returns (genes, n_version, n_case)."""
    exact = set(model_features)
    by_stripped: Dict[str, Optional[str]] = {}
    by_lower: Dict[str, Optional[str]] = {}

    def add(m: Dict[str, Optional[str]], k: str, v: str) -> None:
        m[k] = None if (k in m and m[k] != v) else v

    for f in model_features:
        add(by_stripped, strip_version(f), f)
        add(by_lower, f.lower(), f)
    present = set(data_genes)
    taken = set()
    n_version = n_case = 0
    out = []
    for g in data_genes:
        if g in exact:
            out.append(g)
            continue
        via = by_stripped.get(strip_version(g))
        if via and via not in present and via not in taken:
            taken.add(via)
            n_version += 1
            out.append(via)
            continue
        via = by_lower.get(g.lower()) if ignore_case else None
        if via and via not in present and via not in taken:
            taken.add(via)
            n_case += 1
            out.append(via)
            continue
        out.append(g)
    return out, n_version, n_case


def make_unique(names: Sequence[str]) -> List[str]:
    """anndata's var_names_make_unique (the core's make_unique); a no-op for unique names."""
    names = list(names)
    return names if len(set(names)) == len(names) else _core.make_unique(names)


def invalid_names(names: Sequence[str]) -> List[int]:
    """Indices of names that are not valid text (undecodable bytes: U+FFFD or lone surrogates)."""
    bad = []
    for i, g in enumerate(names):
        if not g.isascii() and ("\ufffd" in g or _SURROGATE.search(g)):
            bad.append(i)
    return bad

"""annotate() against CellTypist 1.7.1's own outputs on the shared fixtures: labels identical,
probabilities within 1e-10 (absolute), decision scores within 1e-10 (relative to max(1, |v|)),
conf_score as CellTypist's to_adata() inserts it."""
import os

import numpy as np
import pytest

import celltypist_wasm as ct

from conftest import fx, max_delta, read_table

Q1K = fx("synthetic", "query_1k.h5ad")
TOL = 1e-10

CASES = [
    # (id, input, model, expected folder, annotate kwargs)
    ("toy_lr best_match", Q1K, "toy_lr", "toy_lr__query_1k/best_match", {}),
    ("toy_lr_fs best_match", Q1K, "toy_lr_fs", "toy_lr_fs__query_1k/best_match", {}),
    ("toy_sgd best_match", Q1K, "toy_sgd", "toy_sgd__query_1k/best_match", {}),
    ("toy_sgd prob_match", Q1K, "toy_sgd", "toy_sgd__query_1k/prob_match_p0.5", {"mode": "prob_match", "p_thres": 0.5}),
    ("toy_binary best_match", Q1K, "toy_binary", "toy_binary__query_1k/best_match", {}),
    ("toy_binary prob_match", Q1K, "toy_binary", "toy_binary__query_1k/prob_match_p0.5", {"mode": "prob_match", "p_thres": 0.5}),
    ("toy_lr prob_match", Q1K, "toy_lr", "toy_lr__query_1k/prob_match_p0.5", {"mode": "prob_match", "p_thres": 0.5}),
    ("numpy-2 pickle", Q1K, "toy_lr_numpy2", "toy_lr__query_1k/best_match", {}),
    ("voting given min_prop 0.6", Q1K, "toy_lr", "toy_lr__query_1k/majority_voting_given_minprop0.6",
     {"majority_voting": True, "over_clustering": "given_clusters", "min_prop": 0.6}),
    ("voting given min_prop 0", Q1K, "toy_lr", "toy_lr__query_1k/majority_voting_given_minprop0",
     {"majority_voting": True, "over_clustering": "given_clusters"}),
    ("prob_match voting given", Q1K, "toy_lr", "toy_lr__query_1k/prob_match_p0.5_majority_voting_given_minprop0.6",
     {"mode": "prob_match", "p_thres": 0.5, "majority_voting": True, "over_clustering": "given_clusters", "min_prop": 0.6}),
    ("csv cells x genes", fx("formats", "query_1k_cells_by_genes.csv"), "toy_lr", "toy_lr__formats/csv_cells_by_genes", {}),
    ("tsv genes x cells (transposed by the check)", fx("formats", "query_1k_genes_by_cells.tsv"), "toy_lr", "toy_lr__formats/tsv_genes_by_cells", {}),
    ("mtx with gene and cell files", fx("formats", "query_1k_cells_by_genes.mtx"), "toy_lr", "toy_lr__formats/mtx_cells_by_genes",
     {"gene_file": fx("formats", "query_1k_genes.tsv"), "cell_file": fx("formats", "query_1k_cells.tsv")}),
    ("Cell Ranger v3 folder", fx("formats", "query_1k_10x"), "toy_lr", "toy_lr__formats/csv_cells_by_genes", {}),
    ("Cell Ranger v3 .h5", fx("formats", "query_1k_filtered_feature_bc_matrix.h5"), "toy_lr", "toy_lr__formats/csv_cells_by_genes", {}),
]
REAL = [
    ("pbmc68k raw/X fallback", "real/pbmc68k_reduced.h5ad", "pbmc68k_bulk", "best_match", {}),
    ("pbmc68k voting over louvain", "real/pbmc68k_reduced.h5ad", "pbmc68k_bulk", "majority_voting_louvain",
     {"majority_voting": True, "over_clustering": "louvain"}),
]


def check(result, expected_dir):
    want = read_table(os.path.join(expected_dir, "predicted_labels.csv"))
    got = result.predicted_labels
    assert got.index.tolist() == [str(i) for i in want.index]
    for col in [c for c in want.columns if c != "conf_score"]:
        mismatches = int((got[col].astype(str).to_numpy() != want[col].astype(str).to_numpy()).sum())
        assert mismatches == 0, f"{col}: {mismatches} labels differ"
    probability = read_table(os.path.join(expected_dir, "probability_matrix.csv"))
    conf = want["conf_score"].to_numpy() if "conf_score" in want else probability.to_numpy().max(axis=1)
    assert float(np.abs(result.conf_score - conf).max()) <= TOL
    p = max_delta(result.probability_matrix, probability)
    d = max_delta(result.decision_matrix, read_table(os.path.join(expected_dir, "decision_matrix.csv")), relative=True)
    assert p <= TOL, f"probability delta {p}"
    assert d <= TOL, f"decision delta {d}"


@pytest.mark.parametrize("name,data,model,expected,kwargs", CASES, ids=[c[0] for c in CASES])
def test_equals_celltypist(shared, name, data, model, expected, kwargs):
    r = ct.annotate(data, fx("models", f"{model}.pkl"), n_threads=2, **kwargs)
    check(r, fx("expected", expected))


@pytest.mark.parametrize("name,data,model,expected,kwargs", REAL, ids=[c[0] for c in REAL])
def test_real_data_equals_celltypist(shared, name, data, model, expected, kwargs):
    r = ct.annotate(fx(data), fx("models", f"{model}.pkl"), **kwargs)
    check(r, fx("real", "expected", "pbmc68k_bulk__pbmc68k_reduced", expected))
    if expected == "best_match":
        assert r.stats["matrix"] == "raw/X"
        assert any("raw/X is used" in w for w in r.warnings)


def test_species_conversion_equals_celltypist(shared):
    """A human model on mouse genes, converted by CellTypist's ortholog table (Model.convert)."""
    gene_map = os.path.join(shared, "genes", "Ensembl105_Human2Mouse_Genes.csv")
    r = ct.annotate(fx("real", "pbmc68k_mouse_genes.h5ad"), fx("models", "pbmc68k_bulk.pkl"), gene_map=gene_map)
    check(r, fx("real", "expected", "pbmc68k_bulk_to_mouse__pbmc68k_mouse_genes"))
    assert any("converted to mouse genes" in w for w in r.warnings)


def test_chunking_and_threads_change_nothing(shared):
    """Chunk size and thread count only change how the work is split, never a value."""
    a = ct.annotate(Q1K, fx("models", "toy_lr.pkl"), chunk_rows=97, n_threads=1)
    b = ct.annotate(Q1K, fx("models", "toy_lr.pkl"), chunk_rows=100000, n_threads=2)
    assert a.predicted_labels.equals(b.predicted_labels)
    assert np.array_equal(a.decision_matrix.to_numpy(), b.decision_matrix.to_numpy())


def test_anndata_in_memory_and_backed_equal_the_path(shared):
    import anndata

    want = fx("expected", "toy_lr__query_1k", "majority_voting_given_minprop0.6")
    kwargs = {"majority_voting": True, "over_clustering": "given_clusters", "min_prop": 0.6}
    check(ct.annotate(anndata.read_h5ad(Q1K), fx("models", "toy_lr.pkl"), **kwargs), want)
    backed = anndata.read_h5ad(Q1K, backed="r")
    try:
        check(ct.annotate(backed, fx("models", "toy_lr.pkl"), **kwargs), want)
    finally:
        backed.file.close()

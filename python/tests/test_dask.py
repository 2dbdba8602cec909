"""celltypist_wasm.dask.annotate_files on a LocalCluster of 2 worker processes: exact outputs
per file across row blocks (voting over given clusters included), a rerun that does no work, a
run resumed from its finished blocks, retries, automatic over-clustering and its refusal."""
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from celltypist_wasm import CellTypistError
from celltypist_wasm.dask import annotate_files, output_name, tasks
from celltypist_wasm.dask.limits import parquet_engine

from conftest import fx, read_table

distributed = pytest.importorskip("distributed")
Q1K = fx("synthetic", "query_1k.h5ad")
TOY = fx("models", "toy_lr.pkl")
WANT = fx("expected", "toy_lr__query_1k", "majority_voting_given_minprop0.6")
VOTE = {"majority_voting": True, "over_clustering": "given_clusters", "min_prop": 0.6}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture()
def copies(tmp_path, shared):
    paths = []
    for i in range(4):
        d = tmp_path / "in" / f"batch{i}"
        d.mkdir(parents=True)
        paths.append(str(d / "query_1k.h5ad"))  # the same name in each folder: names made unique
        shutil.copy(Q1K, paths[-1])
    return paths


def check_outputs(dest):
    want = read_table(os.path.join(WANT, "predicted_labels.csv"))
    got = read_table(os.path.join(dest, "predicted_labels.csv"))
    assert list(got.columns) == list(want.columns)
    for c in ["predicted_labels", "over_clustering", "majority_voting"]:
        assert got[c].astype(str).tolist() == want[c].astype(str).tolist(), c
    assert float(np.abs(got["conf_score"].to_numpy() - want["conf_score"].to_numpy()).max()) <= 1e-10
    for m in ["decision_matrix", "probability_matrix"]:
        g, w = read_table(os.path.join(dest, f"{m}.csv")), read_table(os.path.join(WANT, f"{m}.csv"))
        assert list(g.index) == list(w.index) and list(g.columns) == list(w.columns)
        assert float((np.abs(g.to_numpy() - w.to_numpy()) / np.maximum(1, np.abs(w.to_numpy()))).max()) <= 1e-10
    import anndata

    a = anndata.read_h5ad(os.path.join(dest, "annotations.h5ad"))
    assert a.n_obs == 1000 and a.n_vars == 0
    assert a.obs["majority_voting"].astype(str).tolist() == want["majority_voting"].astype(str).tolist()


def test_four_files_in_blocks_then_a_rerun_that_does_nothing(client, copies, tmp_path):
    out = str(tmp_path / "out")
    s = annotate_files(copies, TOY, client=client, out=out, block_rows=300, verbose=False, **VOTE)
    assert s.status.tolist() == ["done"] * 4 and s.blocks.tolist() == [4] * 4
    assert len(set(s.name)) == 4
    for dest in s.out:
        check_outputs(dest)
        assert sorted(os.listdir(dest)) == ["_SUCCESS.json", "annotations.h5ad", "decision_matrix.csv", "predicted_labels.csv", "probability_matrix.csv"]
    stamps = {p: os.stat(os.path.join(d, p)).st_mtime_ns for d in s.out for p in os.listdir(d)}
    again = annotate_files(copies, TOY, client=client, out=out, block_rows=300, verbose=False, **VOTE)
    assert again.status.tolist() == ["skipped"] * 4
    assert again.attrs["tasks_submitted"] == 0
    assert stamps == {p: os.stat(os.path.join(d, p)).st_mtime_ns for d in s.out for p in os.listdir(d)}
    # Other options are other outputs: not skipped.
    other = annotate_files(copies[:1], TOY, client=client, out=out, block_rows=300, verbose=False, majority_voting=True,
                           over_clustering="given_clusters", min_prop=0.0)
    assert other.status.tolist() == ["done"]


def test_a_rerun_resumes_from_finished_blocks(client, copies, tmp_path):
    out = str(tmp_path / "out")
    name = output_name(copies[0], {})
    parts = os.path.join(out, name, "_parts")
    # As if an earlier run had died after its first two blocks: those are written, not the rest.
    opts = dict(mode="best_match", p_thres=0.5, tables={"predicted_labels", "decision_matrix", "probability_matrix"},
                chunk_rows=8192, n_threads=1, **VOTE)
    with open(TOY, "rb") as f:
        model = f.read()
    import hashlib

    sha = hashlib.sha256(model).hexdigest()
    for start in (0, 300):
        tasks.score_block(copies[0], model, sha, opts, parts, start, start + 300)
    s = annotate_files(copies[:1], TOY, client=client, out=out, block_rows=300, verbose=False, **VOTE)
    assert s.blocks_reused.tolist() == [2] and s.blocks.tolist() == [4]
    check_outputs(s.out[0])
    assert not os.path.exists(parts)


def test_retries_rerun_a_failed_block(copies, tmp_path, monkeypatch):
    """A block that fails once succeeds on its retry; without retries the file is reported failed."""
    flags = tmp_path / "flags"
    flags.mkdir()
    real = tasks.score_block

    def flaky(path, model, sha, opts, parts, start, end):
        flag = flags / f"{start}"
        if start == 300 and not flag.exists():
            flag.touch()
            raise OSError("simulated lost worker")
        return real(path, model, sha, opts, parts, start, end)

    monkeypatch.setattr(tasks, "score_block", flaky)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0")
    with distributed.Client(cluster) as c:
        s = annotate_files(copies[:1], TOY, client=c, out=str(tmp_path / "a"), block_rows=300, retries=1, verbose=False, **VOTE)
        assert s.status.tolist() == ["done"]
        check_outputs(s.out[0])
        for f in flags.iterdir():
            f.unlink()
        with pytest.raises(CellTypistError, match="simulated lost worker") as e:
            annotate_files(copies[1:2], TOY, client=c, out=str(tmp_path / "b"), block_rows=300, retries=0, verbose=False, **VOTE)
        assert e.value.summary.status.tolist() == ["failed"]
    cluster.close()


def test_automatic_over_clustering_runs_per_file_or_is_refused(client, copies, tmp_path):
    out = str(tmp_path / "out")
    s = annotate_files(copies[:1], TOY, client=client, out=out, majority_voting=True, verbose=False, tables=["predicted_labels"])
    assert s.status.tolist() == ["done"] and s.blocks.tolist() == [1]
    got = read_table(os.path.join(s.out[0], "predicted_labels.csv"))
    want = read_table(fx("expected", "toy_lr__query_1k", "majority_voting_auto", "predicted_labels.csv"))
    assert float(np.mean(got["majority_voting"].to_numpy() == want["majority_voting"].to_numpy())) >= 0.86
    assert sorted(os.listdir(s.out[0])) == ["_SUCCESS.json", "annotations.h5ad", "predicted_labels.csv"]
    with pytest.raises(CellTypistError, match="above the automatic over-clustering limit of 500 cells") as e:
        annotate_files(copies[1:3], TOY, client=client, out=out, majority_voting=True, max_auto_cells=500, verbose=False)
    assert e.value.summary.status.tolist() == ["refused", "refused"]
    assert "over_clustering='leiden'" in e.value.summary.message[0]


def test_options_are_checked_before_any_work(client, copies, tmp_path):
    if parquet_engine() is None:
        with pytest.raises(CellTypistError, match="neither is installed"):
            annotate_files(copies, TOY, client=client, out=str(tmp_path), parquet=True)
    with pytest.raises(CellTypistError, match="unknown table"):
        annotate_files(copies, TOY, client=client, out=str(tmp_path), tables=["labels"])
    with pytest.raises(CellTypistError, match="no such file"):
        annotate_files([str(tmp_path / "nope.h5ad")], TOY, client=client, out=str(tmp_path))
    with pytest.raises(CellTypistError, match="obs has no column") as e:
        annotate_files(copies[:1], TOY, client=client, out=str(tmp_path / "o"), majority_voting=True, over_clustering="nope", verbose=False)
    assert e.value.summary.status.tolist() == ["failed"]

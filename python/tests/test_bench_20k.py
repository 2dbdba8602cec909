"""The issue's check at scale: annotate_files on 4 copies of CellTypist's own 98-type 20k query
(../shared/bench, made by make_synthetic.py into $CT_DATA/bench_query_20k.h5ad: ~15 GB of RAM to
generate, so not in CI) on LocalCluster(n_workers=2): every copy's labels equal CellTypist's
recorded ones (celltypist_20k_best), and a second run does no work. Skipped where the query has
not been made; scripts/bench-dask.py runs the same check with timings."""
import os

import pandas as pd
import pytest

from conftest import SHARED

DATA = os.environ.get("CT_DATA")
QUERY = os.path.join(DATA, "bench_query_20k.h5ad") if DATA else None
pytestmark = pytest.mark.skipif(not (QUERY and os.path.exists(QUERY)), reason="needs $CT_DATA/bench_query_20k.h5ad (../shared/bench/README.md)")


def test_four_copies_equal_celltypist_and_a_rerun_does_nothing(tmp_path):
    distributed = pytest.importorskip("distributed")
    from celltypist_wasm.dask import annotate_files

    copies = []
    for i in range(4):
        d = tmp_path / f"copy{i}"
        d.mkdir()
        p = d / "bench_query_20k.h5ad"
        try:
            os.link(QUERY, p)  # same bytes, no 1.7 GB of copies where the file system allows
        except OSError:
            import shutil

            shutil.copy(QUERY, p)
        copies.append(str(p))
    want = pd.read_csv(os.path.join(SHARED, "bench", "celltypist_20k_best", "predicted_labels.csv.gz"), index_col=0)
    model = os.path.join(SHARED, "bench", "bench98.pkl")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        s = annotate_files(copies, model, client=client, out=str(tmp_path / "out"), block_rows=5000, tables=["predicted_labels"], verbose=False)
        assert s.status.tolist() == ["done"] * 4 and s.blocks.tolist() == [4] * 4
        for dest in s.out:
            got = pd.read_csv(os.path.join(dest, "predicted_labels.csv"), index_col=0)
            assert got.index.tolist() == want.index.tolist()
            assert (got["predicted_labels"].to_numpy() == want["predicted_labels"].to_numpy()).all()
            assert (got["conf_score"] - want["conf_score"]).abs().max() <= 1e-6  # the file's numpy-made X (README)
        again = annotate_files(copies, model, client=client, out=str(tmp_path / "out"), block_rows=5000, tables=["predicted_labels"], verbose=False)
        assert again.status.tolist() == ["skipped"] * 4 and again.attrs["tasks_submitted"] == 0

#!/usr/bin/python3
"""Benchmark and check of celltypist_wasm.dask.annotate_files on a LocalCluster of 1 and 2 worker
processes: N copies of CellTypist's own 98-type 20k query (../shared/bench/README.md), all of
CellTypist's tables plus annotations.h5ad per file. Prints wall time, cells/s, cells/s per core,
the workers' peak RSS, the load average, a second run (must submit no task), whether every
copy's labels equal CellTypist's recorded ones (celltypist_20k_best), and where the time goes
(reading rows, scoring in the core, writing tables; one thread, in this process).

    build-python/venv/bin/python scripts/bench-dask.py [--input Q.h5ad] [--copies 4] [--workers 1,2]
        [--block-rows 5000] [--tables predicted_labels,decision_matrix,probability_matrix] [--json out.json]

Exit status 1 when any copy's labels differ from CellTypist's or a rerun does any work. The
input (bench_query_20k.h5ad) is made once by ../shared/bench/make_synthetic.py (~15 GB of RAM
while generating; the command is printed when it is missing). Timings are noisy on shared
machines: note the load average printed beside each figure.
"""
import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("CT_SHARED", os.path.join(HERE, "..", "..", "shared"))
FLAGS = "--cells 20000 --genes 6639 --types 98 --seed 22 --world-seed 4242 --extra-pool 13000 --extra-genes 13000 --shuffle-genes --drop-genes-frac 0.05"


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def breakdown(path: str, model: str, tables) -> dict:
    """One file on one thread in this process: read rows only, then read + score, then write."""
    import celltypist_wasm as ct
    from celltypist_wasm.inputs import H5Matrix

    ct.annotate(path, model, n_threads=1, return_matrices=False)  # warm: imports, page cache
    m = H5Matrix(path)
    t = cpu_s()
    for s in range(0, m.shape[0], 8192):
        m.rows(s, min(m.shape[0], s + 8192))
    read = cpu_s() - t
    m.close()
    t = cpu_s()
    r = ct.annotate(path, model, n_threads=1)
    annotate = cpu_s() - t
    d = tempfile.mkdtemp()
    t = cpu_s()
    r.to_table(d)
    write = cpu_s() - t
    shutil.rmtree(d)
    return {"cpu_read_rows_s": round(read, 2), "cpu_annotate_s": round(annotate, 2), "cpu_annotate_minus_read_s": round(annotate - read, 2),
            "cpu_write_tables_s": round(write, 2), "annotate_wall_timings": {k: round(v, 2) for k, v in r.stats["timings"].items()},
            "load": load()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=os.path.join(os.environ.get("CT_DATA", os.path.join(HERE, "..", "build-bench")), "bench_query_20k.h5ad"))
    ap.add_argument("--model", default=os.path.join(SHARED, "bench", "bench98.pkl"))
    ap.add_argument("--labels", default=os.path.join(SHARED, "bench", "celltypist_20k_best", "predicted_labels.csv.gz"))
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--block-rows", type=int, default=5000)
    ap.add_argument("--tables", default="predicted_labels,decision_matrix,probability_matrix")
    ap.add_argument("--work", default=None, help="folder for the copies and outputs (default: a temporary one, removed)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if not os.path.exists(args.input):
        print(f"no {args.input}; make it once with: /usr/bin/python3 {SHARED}/bench/make_synthetic.py {FLAGS} --out {args.input}", file=sys.stderr)
        return 2
    import numpy as np
    import pandas as pd
    from distributed import Client, LocalCluster

    from celltypist_wasm.dask import annotate_files

    work = args.work or tempfile.mkdtemp(prefix="ct-bench-dask-")
    tables = [t for t in args.tables.split(",") if t]
    want = pd.read_csv(args.labels, index_col=0)["predicted_labels"].astype(str)
    copies = []
    for i in range(args.copies):
        d = os.path.join(work, "in", f"copy{i}")
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, os.path.basename(args.input))
        if not os.path.exists(p):
            shutil.copy(args.input, p)
        copies.append(p)
    report = {"input": args.input, "copies": args.copies, "block_rows": args.block_rows, "tables": tables, "runs": []}
    ok = True
    try:
        for n in [int(x) for x in args.workers.split(",")]:
            out = os.path.join(work, f"out-{n}w")
            shutil.rmtree(out, ignore_errors=True)
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, Client(cluster) as client:
                client.run(lambda: None)  # workers up
                before = load()
                cpu0 = sum(client.run(cpu_s).values())
                t = time.perf_counter()
                s = annotate_files(copies, args.model, client=client, out=out, block_rows=args.block_rows, tables=tables, verbose=False)
                wall = time.perf_counter() - t
                cpu = sum(client.run(cpu_s).values()) - cpu0
                rss = client.run(peak_rss_mb)
                t = time.perf_counter()
                again = annotate_files(copies, args.model, client=client, out=out, block_rows=args.block_rows, tables=tables, verbose=False)
                rerun = time.perf_counter() - t
            cells = int(s.n_cells.sum())
            mismatches = []
            for dest in s.out:
                got = pd.read_csv(os.path.join(dest, "predicted_labels.csv"), index_col=0)["predicted_labels"].astype(str)
                mismatches.append(int((got.to_numpy() != want.reindex(got.index).to_numpy()).sum()) if list(got.index) == list(want.index) else -1)
            run = {"workers": n, "wall_s": round(wall, 2), "cells": cells, "cells_per_s": round(cells / wall),
                   "cells_per_s_per_core": round(cells / wall / n), "task_seconds": round(float(s.task_seconds.sum()), 2),
                   "workers_cpu_s": round(cpu, 2), "cells_per_cpu_s": round(cells / cpu) if cpu > 0 else None,
                   "worker_peak_rss_mb": [round(v) for v in rss.values()], "load_before": before, "load_after": load(),
                   "label_mismatches_per_copy": mismatches, "rerun_s": round(rerun, 2),
                   "rerun_tasks": int(again.attrs["tasks_submitted"]), "rerun_status": sorted(set(again.status))}
            ok = ok and all(x == 0 for x in mismatches) and run["rerun_tasks"] == 0 and run["rerun_status"] == ["skipped"]
            report["runs"].append(run)
            print(json.dumps(run), flush=True)
        report["breakdown_one_thread"] = breakdown(copies[0], args.model, tables)
        print(json.dumps(report["breakdown_one_thread"]), flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if len(report["runs"]) >= 2:
        a, b = report["runs"][0], report["runs"][1]
        print(f"speed-up {b['workers']} vs {a['workers']} worker(s): {a['wall_s'] / b['wall_s']:.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    print("labels equal CellTypist's for every copy, reruns did no work" if ok else "CHECK FAILED: see label_mismatches_per_copy / rerun_tasks")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

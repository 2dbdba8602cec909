"""Atlas-scale annotation on a ``dask.distributed`` cluster: ``annotate_files`` maps files, and
row blocks of large .h5ad files, over the workers and writes per-file outputs.

Per file, in ``out/<name>/``: ``predicted_labels.csv`` (with conf_score), ``decision_matrix.csv``,
``probability_matrix.csv`` (CellTypist's tables; choose with ``tables=``), ``annotations.h5ad``
(obs only) and, last, ``_SUCCESS.json`` (the file's summary and the fingerprint of its input,
model and options). A rerun skips every file whose marker matches; a run that died resumes from
the blocks already written (``_parts/``). Parquet needs pyarrow or fastparquet (Debian bookworm
packages neither): ``parquet=True`` refuses with that message where neither is installed.

Majority voting over a given obs column votes across all of a file's blocks (in the file's
finishing task). Automatic over-clustering needs the whole file on one worker: the file is then
one task, refused with advice above ``max_auto_cells`` or what the workers' memory holds.
"""
import hashlib
import json
import os
import re
import time
import uuid
from typing import Dict, Iterable, List, Optional, Sequence, Union

import pandas as pd

from ..errors import CellTypistError
from ..model import Model
from . import tasks
from .limits import auto_cluster_refusal, parquet_engine

__all__ = ["annotate_files", "output_name"]

ALL_TABLES = ("predicted_labels", "decision_matrix", "probability_matrix")


def output_name(path: str, taken: Dict[str, str]) -> str:
    """The output folder name of an input: its file name without the data suffixes, made unique
    (by a short hash of the full path) when two inputs share it."""
    base = os.path.basename(os.path.normpath(path))
    stem = re.sub(r"(\.(h5ad|h5|hdf5|mtx|csv|tsv|txt|tab))?(\.gz)?$", "", base, flags=re.I) or base
    if stem in taken and taken[stem] != path:
        stem = f"{stem}-{hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:8]}"
    taken[stem] = path
    return stem


def _fingerprint(path: str, model: Model, opts: dict) -> dict:
    st = os.stat(path)
    keys = ("mode", "p_thres", "majority_voting", "over_clustering", "min_prop", "seed", "gene_column", "normalize_counts",
            "convert_orthologs", "gene_map", "gene_file", "cell_file", "transpose_input", "h5ad", "parquet")
    fp = {k: opts.get(k) for k in keys}
    fp["tables"] = sorted(opts["tables"])
    fp.update(model_sha256=model.sha256, input=os.path.abspath(path), input_bytes=st.st_size, input_mtime_ns=st.st_mtime_ns)
    return json.loads(json.dumps(fp, default=str))


def _finished(dest: str, fingerprint: dict) -> Optional[dict]:
    try:
        with open(os.path.join(dest, tasks.MARKER), "r", encoding="utf-8") as f:
            done = json.load(f)
    except (OSError, ValueError):
        return None
    return done if done.get("fingerprint") == fingerprint else None


def _get_client(client):
    if client is not None:
        return client
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError):
        raise CellTypistError("no_cluster", "annotate_files needs a Dask cluster: start one first, e.g. from dask.distributed import Client, "
                              "LocalCluster; client = Client(LocalCluster(n_workers=2)) (or dask-jobqueue / dask-kubernetes, see docs/scale-out.md), "
                              "and pass client=client") from None


def annotate_files(paths: Union[str, Sequence[str]], model, client=None, out: str = "celltypist_out", mode: str = "best_match",
                   p_thres: float = 0.5, majority_voting: bool = False, over_clustering: Optional[str] = None, min_prop: float = 0.0, *,
                   tables: Iterable[str] = ALL_TABLES, h5ad: bool = True, parquet: bool = False, block_rows: int = 200_000,
                   max_auto_cells: Optional[int] = None, retries: int = 2, n_threads: int = 1, chunk_rows: int = 8192, seed: int = 0,
                   gene_column: Optional[str] = None, normalize_counts: bool = False, convert_orthologs: bool = True,
                   gene_map: Optional[str] = None, gene_file: Optional[str] = None, cell_file: Optional[str] = None,
                   transpose_input: bool = False, raise_errors: bool = True, verbose: bool = True) -> pd.DataFrame:
    """Annotates many files on a Dask cluster; returns one summary row per file.

    Each file's ``status``: 'done', 'skipped' (its outputs were already there for the same
    input, model and options), 'refused' (automatic over-clustering beyond one worker) or
    'failed' (the message says why). With ``raise_errors`` (default) a CellTypistError listing
    the refused and failed files is raised after every other file is finished; its
    ``summary`` attribute holds the table. ``summary.attrs`` has the run's wall time, cells per
    second and the number of tasks submitted (0 when everything was already done).
    """
    from distributed import as_completed

    t0 = time.perf_counter()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    tables = set(tables)
    bad = tables - set(ALL_TABLES)
    if bad:
        raise CellTypistError("bad_option", f"unknown table(s) {sorted(bad)}: choose among {list(ALL_TABLES)}")
    if parquet and parquet_engine() is None:
        raise CellTypistError("no_parquet", "parquet output needs pyarrow or fastparquet, and neither is installed (Debian bookworm packages "
                              "neither): write CSV and annotations.h5ad (parquet=False), or install one of them")
    if over_clustering is not None and not isinstance(over_clustering, str):
        raise CellTypistError("bad_option", "over_clustering must be an obs column name for annotate_files (one list of labels cannot fit many files)")
    for p in paths:
        if not os.path.exists(p):
            raise CellTypistError("not_found", f"cannot read '{p}': no such file or folder (every worker must see the same paths: use a shared file system)")
    m = Model.load(model)
    client = _get_client(client)
    opts = dict(mode=mode, p_thres=float(p_thres), majority_voting=bool(majority_voting), over_clustering=over_clustering,
                min_prop=float(min_prop), tables=tables, h5ad=bool(h5ad), parquet=bool(parquet), chunk_rows=int(chunk_rows),
                n_threads=max(1, int(n_threads)), seed=int(seed), gene_column=gene_column, normalize_counts=bool(normalize_counts),
                convert_orthologs=bool(convert_orthologs), gene_map=gene_map, gene_file=gene_file, cell_file=cell_file,
                transpose_input=bool(transpose_input))
    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    run = uuid.uuid4().hex[:8]
    rows: List[dict] = []
    todo = []
    taken: Dict[str, str] = {}
    for p in paths:
        name = output_name(p, taken)
        dest = os.path.join(out, name)
        fp = _fingerprint(p, m, opts)
        done = _finished(dest, fp)
        if done is not None:
            rows.append(dict(done, status="skipped", message="outputs already written for this input, model and options"))
        else:
            todo.append((p, name, dest, fp))
    submitted = 0
    if todo:
        model_ref = client.scatter(m.to_bytes(), broadcast=True)  # once per worker
        if verbose:
            import importlib.util

            board = f"dashboard: {client.dashboard_link}" if importlib.util.find_spec("bokeh") else "no dashboard (it needs bokeh)"
            print(f"celltypist_wasm.dask: {len(todo)} file(s) to annotate, {len(paths) - len(todo)} already done; {board}", flush=True)
        submitted = _run(client, as_completed(), todo, m, model_ref, opts, run, rows, block_rows, max_auto_cells, retries, verbose)
        client.cancel([model_ref])
    return _finish_summary(rows, paths, t0, submitted, raise_errors)


def _run(client, ac, todo, m: Model, model_ref, opts: dict, run: str, rows: List[dict], block_rows: int,
         max_auto_cells: Optional[int], retries: int, verbose: bool) -> int:
    """Submits the plan tasks, then each file's blocks and finishing task (or its whole-file task)
    as its plan arrives; collects one summary row per file. Returns the number of tasks."""
    meta = {}
    submitted = 0

    def submit(kind, fn, *args, key, info):
        nonlocal submitted
        f = client.submit(fn, *args, key=f"ct-{kind}-{key}-{run}", retries=retries)
        meta[f.key] = (kind, info)
        ac.add(f)
        submitted += 1
        return f

    for p, name, dest, fp in todo:
        submit("plan", tasks.plan_file, p, model_ref, m.sha256, opts, key=name, info=(p, name, dest, fp))
    n_blocks = blocks_done = 0
    last = time.perf_counter()
    for f in ac:
        kind, (p, name, dest, fp) = meta.pop(f.key)
        if kind == "block":
            blocks_done += 1  # a failed block fails its file's finishing task, reported there
            if verbose and time.perf_counter() - last > 10:
                last = time.perf_counter()
                print(f"  {blocks_done} of {n_blocks} blocks scored", flush=True)
            continue
        if f.status == "error":
            rows.append(_failed(p, name, dest, f.exception()))
            continue
        if kind in ("finish", "whole"):
            rows.append(f.result())
            if verbose:
                r = rows[-1]
                print(f"  {name}: {r['n_cells']:,} cells in {r['blocks']} block(s), {r['task_seconds']:.1f} s of task time", flush=True)
            continue
        plan = f.result()
        info = (p, name, dest, fp)
        if opts["majority_voting"] and opts["over_clustering"] is None:
            matrices = len(opts["tables"] & {"decision_matrix", "probability_matrix"}) * 8 * plan["n_labels"]
            refusal = auto_cluster_refusal(client, p, plan["n_obs"], max_auto_cells, matrices)
            if refusal:
                rows.append(dict(file=p, name=name, out=dest, status="refused", n_cells=plan["n_obs"], message=refusal))
            else:
                submit("whole", tasks.annotate_whole, p, dest, name, model_ref, m.sha256, opts, plan, fp, key=name, info=info)
            continue
        n = plan["n_obs"]
        step = max(1, int(block_rows) if plan["splittable"] else n)
        parts = os.path.join(dest, "_parts")
        blocks = [submit("block", tasks.score_block, p, model_ref, m.sha256, opts, parts, s, min(n, s + step), key=f"{name}-{s}", info=info)
                  for s in range(0, n, step)]
        n_blocks += len(blocks)
        submit("finish", tasks.finish_file, p, dest, name, model_ref, m.sha256, opts, plan, blocks, fp, key=name, info=info)
    return submitted


def _failed(path: str, name: str, dest: str, e: BaseException) -> dict:
    msg = str(e) if isinstance(e, CellTypistError) else f"{type(e).__name__}: {e}"
    return dict(file=path, name=name, out=dest, status="failed", message=msg)


def _finish_summary(rows: List[dict], paths: List[str], t0: float, submitted: int, raise_errors: bool) -> pd.DataFrame:
    order = {p: i for i, p in enumerate(paths)}
    rows.sort(key=lambda r: order.get(r["file"], 0))
    cols = ["file", "name", "status", "n_cells", "blocks", "blocks_reused", "task_seconds", "out", "message", "top_labels", "warnings"]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    wall = time.perf_counter() - t0
    annotated = int(df.loc[df.status == "done", "n_cells"].fillna(0).sum())
    df.attrs.update(wall_seconds=wall, cells_annotated=annotated, cells_per_second=annotated / wall if wall > 0 else 0.0,
                    tasks_submitted=submitted)
    bad = df[df.status.isin(["refused", "failed"])]
    if raise_errors and len(bad):
        lines = "\n".join(f"  {r.name} ({r.status}): {r.message}" for r in bad.itertuples())
        err = CellTypistError("files_failed", f"{len(bad)} of {len(df)} file(s) were not annotated (the others are done):\n{lines}")
        err.summary = df
        raise err
    return df

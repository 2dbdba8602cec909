"""What runs on the Dask workers: plan a file, score a row block, annotate a file whole (automatic
over-clustering), and finish a file (vote, write its tables, mark it done). Plain functions of
plain arguments, so they pickle; every output is written atomically (temporary file, then
rename), so a task retried after a failure, or a rerun, finds either nothing or a whole file."""
import json
import os
import threading
import time
from collections import OrderedDict
from typing import Dict, List, Optional

import numpy as np

from .. import _core
from ..annotate import annotate, given_clusters
from ..errors import CellTypistError
from ..export import AtomicFile, atomic_write, labels_header, labels_rows, matrix_header, matrix_rows
from ..inputs import AnnDataInput, open_input
from ..model import Model
from ..overcluster import cluster_source
from ..pipeline import prepare, score_rows

# The model parsed once per worker process: the bytes arrive once per worker (broadcast), and
# every task on that worker reuses the parsed model (keyed by its sha256).
_MODELS: Dict[str, Model] = {}
_LOCK = threading.Lock()
MARKER = "_SUCCESS.json"


def worker_model(model_bytes: bytes, sha256: str) -> Model:
    with _LOCK:
        m = _MODELS.get(sha256)
        if m is None:
            m = _MODELS[sha256] = Model.load(model_bytes)
        return m


def _open(path: str, opts: dict, model: Model):
    return open_input(path, gene_file=opts.get("gene_file"), cell_file=opts.get("cell_file"),
                      transpose_input=opts.get("transpose_input", False), model_features=model.feature_list)


def _prepare(inp, model: Model, opts: dict):
    return prepare(inp, model, opts.get("gene_column"), opts.get("normalize_counts", False),
                   opts.get("convert_orthologs", True), opts.get("gene_map"))


class _Opened:
    """A file opened and prepared on this worker, kept for its next blocks (opening an .h5ad
    reads its obs and var; matching genes builds the predictor): most blocks of a file land on
    the same few workers."""

    def __init__(self, path: str, model: Model, opts: dict):
        self.inp = _open(path, opts, model)
        self.prep, self.predictor = _prepare(self.inp, model, opts)
        self.ids = self.inp.obs_names()
        self.lock = threading.Lock()


_OPENED: "OrderedDict[tuple, _Opened]" = OrderedDict()
_KEEP_OPEN = 2  # files per worker
_OPEN_LOCK = threading.Lock()


def opened(path: str, model: Model, opts: dict) -> _Opened:
    st = os.stat(path)
    options = sorted((k, str(sorted(v)) if isinstance(v, (set, frozenset)) else str(v)) for k, v in opts.items())
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size, model.sha256, repr(options))
    with _OPEN_LOCK:
        o = _OPENED.pop(key, None)
        if o is None:
            o = _Opened(path, model, opts)
        _OPENED[key] = o
        while len(_OPENED) > _KEEP_OPEN:
            _OPENED.popitem(last=False)[1].inp.close()
        return o


def plan_file(path: str, model_bytes: bytes, sha256: str, opts: dict) -> dict:
    """Opens a file, decides its matrix and genes as annotate() would, and says how to split it."""
    o = opened(path, worker_model(model_bytes, sha256), opts)
    with o.lock:
        if opts["majority_voting"] and opts["over_clustering"] is not None:
            o.inp.obs_column(opts["over_clustering"])  # a missing column fails here, before any block
        auto = opts["majority_voting"] and opts["over_clustering"] is None
        return {"n_obs": o.prep.n_obs, "splittable": isinstance(o.inp, AnnDataInput), "warnings": o.prep.warnings,
                "matrix": o.prep.matrix, "n_features_used": o.prep.n_features_used, "n_labels": len(o.prep.model.labels),
                "cluster_source": cluster_source(o.inp) if auto else None}


def _part(parts: str, start: int, end: int) -> str:
    return os.path.join(parts, f"block-{start:012d}-{end:012d}")


def score_block(path: str, model_bytes: bytes, sha256: str, opts: dict, parts: str, start: int, end: int) -> dict:
    """Scores rows [start, end) of a file into part files: labels and conf_score, and the CSV rows
    of the matrix tables asked for, written chunk by chunk (a worker holds one chunk's scores,
    whatever the block size). A block whose parts exist already is not scored again."""
    base = _part(parts, start, end)
    if os.path.exists(base + ".done"):
        return {"start": start, "end": end, "part": base, "reused": True, "seconds": 0.0}
    t0 = time.perf_counter()
    o = opened(path, worker_model(model_bytes, sha256), opts)
    os.makedirs(parts, exist_ok=True)
    tables = [t for t in ("decision_matrix", "probability_matrix") if t in opts["tables"]]
    files = {t: AtomicFile(f"{base}.{t}") for t in tables}
    key = {"decision_matrix": "decision", "probability_matrix": "probability"}

    def on_chunk(chunk, r, first):
        ids = o.ids[first:first + chunk.n_rows]
        for t, f in files.items():
            f.write(matrix_rows(r[key[t]], ids))

    try:
        with o.lock:
            s = score_rows(o.inp, o.prep, o.predictor, start, end, opts["mode"], opts["p_thres"], opts["chunk_rows"],
                           opts["n_threads"], False, on_chunk)
    except BaseException:
        for f in files.values():
            f.abort()
        raise
    for f in files.values():
        f.commit()
    atomic_write(base + ".labels", [json.dumps(s.predicted).encode("utf-8")])
    atomic_write(base + ".conf", [np.asarray(s.conf_score, dtype="<f8").tobytes()])
    atomic_write(base + ".done", [b""])  # last: the block counts as done only when all is there
    return {"start": start, "end": end, "part": base, "reused": False, "seconds": time.perf_counter() - t0}


def _read_block(base: str, n: int):
    with open(base + ".labels", "rb") as f:
        labels = json.loads(f.read().decode("utf-8"))
    conf = np.fromfile(base + ".conf", dtype="<f8")
    if len(labels) != n or len(conf) != n:
        raise CellTypistError("corrupt_part", f"the block {base} holds {len(labels)} labels for {n} cells: delete its files and run again")
    return labels, conf


def finish_file(path: str, dest: str, name: str, model_bytes: bytes, sha256: str, opts: dict, plan: dict,
                blocks: List[dict], fingerprint: dict) -> dict:
    """Gathers a file's blocks in order, votes over its given clusters (across all blocks), writes
    its outputs and, last, its marker. Returns the file's summary row."""
    t0 = time.perf_counter()
    blocks = sorted(blocks, key=lambda b: b["start"])
    predicted: List[str] = []
    conf = []
    for b in blocks:
        lab, c = _read_block(b["part"], b["end"] - b["start"])
        predicted.extend(lab)
        conf.append(c)
    conf_score = np.concatenate(conf) if conf else np.empty(0)
    model = worker_model(model_bytes, sha256)
    o = opened(path, model, opts)
    ids = o.ids
    over = voted = None
    if opts["majority_voting"]:
        with o.lock:
            over = given_clusters(o.inp, opts["over_clustering"], len(ids))
        voted = _core.majority_vote(predicted, over, float(opts["min_prop"]))["majority_voting"]
    matrices = [(t, [b["part"] + "." + t for b in blocks]) for t in ("decision_matrix", "probability_matrix") if t in opts["tables"]]
    outputs = write_outputs(dest, ids, model.labels, predicted, conf_score, over, voted, opts, matrices=matrices)
    summary = _summary(path, name, dest, plan, predicted, voted, outputs, fingerprint,
                       sum(b["seconds"] for b in blocks) + time.perf_counter() - t0, len(blocks),
                       sum(1 for b in blocks if b["reused"]))
    _mark_done(dest, summary)
    for b in blocks:  # the parts are in the outputs now
        for ext in (".labels", ".conf", ".decision_matrix", ".probability_matrix", ".done"):
            try:
                os.unlink(b["part"] + ext)
            except FileNotFoundError:
                pass
    try:
        os.rmdir(os.path.join(dest, "_parts"))
    except OSError:
        pass
    return summary


def annotate_whole(path: str, dest: str, name: str, model_bytes: bytes, sha256: str, opts: dict, plan: dict, fingerprint: dict) -> dict:
    """A file annotated in one task (automatic over-clustering: its graph is global to the file)."""
    t0 = time.perf_counter()
    model = worker_model(model_bytes, sha256)
    keep = bool(opts["tables"] & {"decision_matrix", "probability_matrix"})
    r = annotate(path, model, opts["mode"], opts["p_thres"], True, None, opts["min_prop"], gene_file=opts.get("gene_file"),
                 cell_file=opts.get("cell_file"), transpose_input=opts.get("transpose_input", False), gene_column=opts.get("gene_column"),
                 normalize_counts=opts.get("normalize_counts", False), convert_orthologs=opts.get("convert_orthologs", True),
                 gene_map=opts.get("gene_map"), seed=opts["seed"], n_threads=opts["n_threads"], chunk_rows=opts["chunk_rows"],
                 return_matrices=keep)
    pl = r.predicted_labels
    ids = [str(i) for i in pl.index]
    mats = {"decision_matrix": r.decision_matrix, "probability_matrix": r.probability_matrix}
    outputs = write_outputs(dest, ids, r.labels, pl["predicted_labels"].tolist(), r.conf_score, pl["over_clustering"].tolist(),
                            pl["majority_voting"].tolist(), opts, dense={k: v.to_numpy() for k, v in mats.items() if k in opts["tables"]})
    plan = dict(plan, over_clustering=r.stats.get("over_clustering"))
    summary = _summary(path, name, dest, plan, pl["predicted_labels"].tolist(), pl["majority_voting"].tolist(), outputs,
                       fingerprint, time.perf_counter() - t0, 1, 0)
    _mark_done(dest, summary)
    return summary


def write_outputs(dest: str, ids: List[str], labels: List[str], predicted: List[str], conf: np.ndarray, over, voted, opts: dict,
                  matrices=(), dense: Optional[dict] = None) -> List[str]:
    """CellTypist's tables (matrices from block parts or arrays), the annotations-only .h5ad and,
    where a parquet engine is installed and asked for, predicted_labels.parquet."""
    os.makedirs(dest, exist_ok=True)
    written = []
    if "predicted_labels" in opts["tables"]:
        p = os.path.join(dest, "predicted_labels.csv")
        atomic_write(p, [labels_header(voted is not None), labels_rows(ids, predicted, conf, over, voted)])
        written.append(p)
    for table, parts in matrices:
        p = os.path.join(dest, f"{table}.csv")
        atomic_write(p, _concat(matrix_header(labels), parts))
        written.append(p)
    for table, values in (dense or {}).items():
        p = os.path.join(dest, f"{table}.csv")
        atomic_write(p, [matrix_header(labels), matrix_rows(values, ids)])
        written.append(p)
    if opts["h5ad"] or opts["parquet"]:
        df = _annotations(ids, predicted, conf, over, voted)
        if opts["h5ad"]:
            import anndata

            p = os.path.join(dest, "annotations.h5ad")
            tmp = os.path.join(dest, ".annotations.h5ad.part")
            anndata.AnnData(obs=df).write_h5ad(tmp)
            os.replace(tmp, p)
            written.append(p)
        if opts["parquet"]:
            p = os.path.join(dest, "predicted_labels.parquet")
            tmp = os.path.join(dest, ".predicted_labels.parquet.part")
            df.to_parquet(tmp)
            os.replace(tmp, p)
            written.append(p)
    return written


def _concat(header: bytes, parts: List[str]):
    yield header
    for p in parts:
        with open(p, "rb") as f:
            while True:
                b = f.read(1 << 24)
                if not b:
                    break
                yield b


def _annotations(ids, predicted, conf, over, voted):
    import pandas as pd

    df = pd.DataFrame(index=pd.Index(ids, dtype=str))
    df["predicted_labels"] = pd.Categorical(predicted)
    if voted is not None:
        df["over_clustering"] = pd.Categorical(over)
        df["majority_voting"] = pd.Categorical(voted)
    df["conf_score"] = np.asarray(conf, dtype=np.float64)
    return df


def _summary(path, name, dest, plan, predicted, voted, outputs, fingerprint, seconds, n_blocks, n_reused) -> dict:
    final = voted if voted is not None else predicted
    values, counts = np.unique(np.asarray(final, dtype=object).astype(str), return_counts=True)
    top = sorted(zip(counts.tolist(), values.tolist()), reverse=True)[:5]
    return {"file": path, "name": name, "out": dest, "status": "done", "n_cells": len(predicted), "blocks": n_blocks,
            "blocks_reused": n_reused, "task_seconds": round(seconds, 3), "matrix": plan.get("matrix"),
            "n_features_used": plan.get("n_features_used"), "over_clustering": plan.get("over_clustering"),
            "top_labels": [f"{v} ({c:,})" for c, v in top], "warnings": plan.get("warnings", []),
            "outputs": [os.path.basename(o) for o in outputs], "fingerprint": fingerprint, "message": ""}


def _mark_done(dest: str, summary: dict) -> None:
    atomic_write(os.path.join(dest, MARKER), [json.dumps(summary, indent=1, default=str).encode("utf-8")])

"""CellTypist's tables as pandas writes them (web/engine/export/csv.ts): predicted_labels.csv
(predicted_labels[, over_clustering, majority_voting], conf_score), decision_matrix.csv and
probability_matrix.csv; strings quoted only when needed, floats as Python's repr. The matrices'
numbers are formatted by the core (the same code as the browser's and CLI's tables)."""
import os
import re
import tempfile
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np

from . import _core

_NEEDS_QUOTES = re.compile(r'[",\n\r]')


def csv_field(s: str) -> str:
    """A CSV field quoted as pandas does (only when needed)."""
    return '"' + s.replace('"', '""') + '"' if _NEEDS_QUOTES.search(s) else s


def encode_ids(ids: Sequence[str]) -> Tuple[bytes, np.ndarray]:
    """Row ids quoted and UTF-8 encoded, concatenated, with len(ids) + 1 byte offsets."""
    parts = [csv_field(str(i)).encode("utf-8") for i in ids]
    offsets = np.zeros(len(parts) + 1, dtype=np.uint32)
    if parts:
        np.cumsum([len(p) for p in parts], out=offsets[1:])
    return b"".join(parts), offsets


def matrix_header(labels: Sequence[str]) -> bytes:
    return ("," + ",".join(csv_field(x) for x in labels) + "\n").encode("utf-8")


def matrix_rows(values: np.ndarray, ids: Sequence[str]) -> bytes:
    """CSV rows '<id>,<v1>,...' of a cells x labels matrix."""
    b, offsets = encode_ids(ids)
    return _core.write_csv_rows(np.ascontiguousarray(values, dtype=np.float64), b, offsets)


def labels_header(voting: bool) -> bytes:
    cols = ["predicted_labels"] + (["over_clustering", "majority_voting"] if voting else []) + ["conf_score"]
    return ("," + ",".join(cols) + "\n").encode("utf-8")


def labels_rows(ids: Sequence[str], predicted: Sequence[str], conf: np.ndarray,
                over_clustering: Optional[Sequence[str]] = None, majority_voting: Optional[Sequence[str]] = None) -> bytes:
    """predicted_labels.csv rows (conf_score as repr(float), like pandas)."""
    out: List[str] = []
    if majority_voting is not None:
        for i, p, o, m, c in zip(ids, predicted, over_clustering, majority_voting, conf.tolist()):
            out.append(f"{csv_field(str(i))},{csv_field(p)},{csv_field(o)},{csv_field(m)},{c!r}\n")
    else:
        for i, p, c in zip(ids, predicted, conf.tolist()):
            out.append(f"{csv_field(str(i))},{csv_field(p)},{c!r}\n")
    return "".join(out).encode("utf-8")


class AtomicFile:
    """A file written under a temporary name beside `path` and renamed to it by commit(): a
    reader (or a rerun) sees either no file or the whole file, never a partial one."""

    def __init__(self, path: str):
        self.path = path
        folder = os.path.dirname(os.path.abspath(path))
        fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".part", dir=folder)
        self.f = os.fdopen(fd, "wb")

    def write(self, b: bytes) -> None:
        self.f.write(b)

    def commit(self) -> None:
        self.f.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.f.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def atomic_write(path: str, parts: Iterable[bytes]) -> None:
    """Writes `parts` to `path` atomically (AtomicFile)."""
    f = AtomicFile(path)
    try:
        for p in parts:
            f.write(p)
    except BaseException:
        f.abort()
        raise
    f.commit()

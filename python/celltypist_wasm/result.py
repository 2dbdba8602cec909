"""The result of annotate(), shaped as CellTypist 1.7.1's ``AnnotationResult``:
``predicted_labels``, ``decision_matrix`` and ``probability_matrix`` DataFrames (cells x ...),
``to_adata()``, ``to_table()``, ``summary_frequency()``, ``cell_count``."""
import os
from typing import Callable, List, Optional

import numpy as np
import pandas as pd

from . import _core
from .errors import CellTypistError
from .export import atomic_write, labels_header, labels_rows, matrix_header, matrix_rows


class AnnotationResult:
    """Labels, scores and (with majority voting) the over-clustering of one annotation run.

    - ``predicted_labels``: DataFrame indexed by cell, column ``predicted_labels`` and, with
      majority voting, ``over_clustering`` and ``majority_voting`` (as CellTypist);
    - ``decision_matrix`` / ``probability_matrix``: cells x cell types (None when
      ``return_matrices=False``);
    - ``conf_score``: the largest probability per cell (CellTypist's ``conf_score``);
    - ``warnings``, ``stats`` (features used, matrix read, timings, over-clustering source).
    """

    def __init__(self, cell_ids: List[str], labels: List[str], predicted: List[str], conf_score: np.ndarray,
                 decision: Optional[np.ndarray], probability: Optional[np.ndarray], stats: dict,
                 over_clustering: Optional[List[str]] = None, majority_voting: Optional[List[str]] = None,
                 adata_loader: Optional[Callable] = None):
        index = pd.Index(cell_ids)
        cols = {"predicted_labels": predicted}
        if majority_voting is not None:
            cols["over_clustering"] = over_clustering
            cols["majority_voting"] = majority_voting
        self.predicted_labels = pd.DataFrame(cols, index=index)
        self.labels = list(labels)
        self.conf_score = conf_score
        self.decision_matrix = pd.DataFrame(decision, index=index, columns=labels) if decision is not None else None
        self.probability_matrix = pd.DataFrame(probability, index=index, columns=labels) if probability is not None else None
        self.stats = stats
        self.warnings: List[str] = stats.get("warnings", [])
        self._adata_loader = adata_loader
        self._adata = None

    @property
    def cell_count(self) -> int:
        return len(self.predicted_labels)

    @property
    def adata(self):
        """The query as an AnnData in memory (read on first use for path inputs)."""
        if self._adata is None:
            if self._adata_loader is None:
                raise CellTypistError("no_adata", "this result has no AnnData to insert into")
            self._adata = self._adata_loader()
        return self._adata

    def _conf(self, insert_conf_by: str) -> np.ndarray:
        if insert_conf_by == "predicted_labels":
            return self.conf_score
        if insert_conf_by != "majority_voting":
            raise CellTypistError("bad_option", f"insert_conf_by must be 'predicted_labels' or 'majority_voting', not '{insert_conf_by}'")
        if "majority_voting" not in self.predicted_labels:
            raise CellTypistError("bad_option", "insert_conf_by='majority_voting' needs majority voting: annotate with majority_voting=True")
        if self.probability_matrix is None:
            raise CellTypistError("bad_option", "insert_conf_by='majority_voting' needs the probability matrix (return_matrices=True)")
        return _core.conf_score_of(self.probability_matrix.to_numpy(), self.labels, self.predicted_labels["majority_voting"].tolist())

    def annotations(self, insert_conf_by: str = "predicted_labels", prefix: str = "") -> pd.DataFrame:
        """The columns to_adata() inserts (labels as categoricals, then conf_score)."""
        df = pd.DataFrame(index=self.predicted_labels.index)
        for c in self.predicted_labels.columns:
            df[f"{prefix}{c}"] = pd.Categorical(self.predicted_labels[c].astype(str))
        df[f"{prefix}conf_score"] = self._conf(insert_conf_by)
        return df

    def to_adata(self, insert_labels: bool = True, insert_conf: bool = True, insert_conf_by: str = "predicted_labels",
                 insert_decision: bool = False, insert_prob: bool = False, prefix: str = "", annotations_only: bool = False):
        """The query AnnData with the annotations in obs, as CellTypist's to_adata (same
        arguments). ``annotations_only=True`` gives an AnnData with only obs (no matrix): small
        enough to write for every file of an atlas."""
        import anndata

        ann = self.annotations(insert_conf_by, prefix)
        adata = anndata.AnnData(obs=pd.DataFrame(index=ann.index.astype(str))) if annotations_only else self.adata
        if insert_labels:
            for c in self.predicted_labels.columns:
                adata.obs[f"{prefix}{c}"] = ann[f"{prefix}{c}"].to_numpy()
        if insert_conf:
            adata.obs[f"{prefix}conf_score"] = ann[f"{prefix}conf_score"].to_numpy()
        if insert_decision:
            if self.decision_matrix is None:
                raise CellTypistError("bad_option", "insert_decision needs the decision matrix (return_matrices=True)")
            for c in self.labels:
                adata.obs[f"{prefix}decision_{c}"] = self.decision_matrix[c].to_numpy()
        if insert_prob:
            if self.probability_matrix is None:
                raise CellTypistError("bad_option", "insert_prob needs the probability matrix (return_matrices=True)")
            for c in self.labels:
                adata.obs[f"{prefix}probability_{c}"] = self.probability_matrix[c].to_numpy()
        return adata

    def to_table(self, folder: str, prefix: str = "", xlsx: bool = False) -> List[str]:
        """Writes CellTypist's tables into `folder`: predicted_labels.csv (with conf_score, as the
        CLI and CellTypist's annotate command), decision_matrix.csv, probability_matrix.csv.
        Each file is written whole or not at all. Returns the paths written."""
        if xlsx:
            raise CellTypistError("bad_option", "xlsx output is not supported (no Excel writer is installed with Debian's python3-pandas): write CSV")
        if not os.path.isdir(folder):
            raise CellTypistError("not_found", f"the output folder '{folder}' does not exist: create it first")
        ids = [str(i) for i in self.predicted_labels.index]
        voting = "majority_voting" in self.predicted_labels
        written = []
        path = os.path.join(folder, f"{prefix}predicted_labels.csv")
        pl = self.predicted_labels
        atomic_write(path, [labels_header(voting), labels_rows(
            ids, pl["predicted_labels"].tolist(), np.asarray(self.conf_score, dtype=np.float64),
            pl["over_clustering"].tolist() if voting else None, pl["majority_voting"].tolist() if voting else None)])
        written.append(path)
        for name, m in (("decision_matrix", self.decision_matrix), ("probability_matrix", self.probability_matrix)):
            if m is None:
                continue
            path = os.path.join(folder, f"{prefix}{name}.csv")
            atomic_write(path, [matrix_header(self.labels), matrix_rows(m.to_numpy(), ids)])
            written.append(path)
        return written

    def summary_frequency(self, by: str = "predicted_labels") -> pd.DataFrame:
        """Cells per label (CellTypist's summary_frequency)."""
        if by not in self.predicted_labels:
            raise KeyError(f"'{by}' is not a column of predicted_labels (it has {list(self.predicted_labels.columns)})")
        unique, counts = np.unique(self.predicted_labels[by].astype(str), return_counts=True)
        return pd.DataFrame({"celltype": unique, "counts": counts})

    def __repr__(self) -> str:
        s = self.stats
        lines = [f"CellTypist annotation result: {self.cell_count:,} cells, {len(self.labels)} cell types, mode {s.get('mode')}",
                 f"    {s.get('n_features_used', 0):,} of the model's {s.get('n_features_model', 0):,} genes used"]
        lines.append("    predicted_labels: " + ", ".join(self.predicted_labels.columns))
        return "\n".join(lines)

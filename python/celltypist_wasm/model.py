"""CellTypist models, read by the core's safe pickle reader: nothing in the file is executed
(no ``pickle.load``); only numpy arrays and scikit-learn estimator state are accepted, anything
else is refused with the offending global named."""
import hashlib
import os
from typing import List, Optional, Union

import numpy as np

from . import _core
from .errors import CellTypistError


def celltypist_models_folder() -> str:
    """Where CellTypist keeps downloaded models: $CELLTYPIST_FOLDER/data/models, by default
    ~/.celltypist/data/models (celltypist.models.models_path)."""
    base = os.environ.get("CELLTYPIST_FOLDER") or os.path.join(os.path.expanduser("~"), ".celltypist")
    return os.path.join(base, "data", "models")


def _find(path: str) -> str:
    """A model path as given, else (a bare name, as CellTypist takes) in CellTypist's models folder."""
    if os.path.exists(path):
        return path
    if os.sep not in path:
        name = path if path.endswith(".pkl") else path + ".pkl"
        there = os.path.join(celltypist_models_folder(), name)
        if os.path.exists(there):
            return there
        raise CellTypistError("not_found", f"cannot read the model '{path}': no such file here nor in CellTypist's models folder "
                              f"({celltypist_models_folder()}). Give the path of a CellTypist .pkl model (downloads: celltypist's "
                              "models.download_models(), or the app's and CLI's catalog)")
    raise CellTypistError("not_found", f"cannot read the model '{path}': no such file. Give the path of a CellTypist .pkl model")


class Model:
    """A CellTypist model (``Immune_All_Low.pkl`` and the like), as ``celltypist.models.Model``.

    Load with :meth:`Model.load`. Attributes follow CellTypist: ``cell_types``, ``features``,
    ``description``; plus ``estimator`` ('LogisticRegression' or 'SGDClassifier'),
    ``sha256`` of the file and ``nbytes``.
    """

    def __init__(self, core_model, data: Optional[bytes] = None, name: str = "model"):
        self._core = core_model
        self.name = name
        self._bytes = data
        self.sha256 = hashlib.sha256(data).hexdigest() if data is not None else ""
        self.nbytes = len(data) if data is not None else 0
        self._features: Optional[List[str]] = None
        self._labels: Optional[List[str]] = None

    @classmethod
    def load(cls, model: Union[str, os.PathLike, bytes, "Model"]) -> "Model":
        """Reads a model file (path, or a bare name such as 'Immune_All_Low.pkl' found in
        CellTypist's models folder, as CellTypist does) or its bytes with the safe pickle reader.

        Raises CellTypistError('bad_model') with the reader's message for anything that is not
        a usable CellTypist model (truncated, refused global, legacy 2020 format...)."""
        if isinstance(model, Model):
            return model
        if isinstance(model, (bytes, bytearray, memoryview)):
            data, name = bytes(model), "model"
        else:
            path = _find(os.fspath(model))
            if os.path.isdir(path):
                raise CellTypistError("not_found", f"the model '{path}' is a folder: give the path of a CellTypist .pkl model file")
            with open(path, "rb") as f:
                data = f.read()
            name = os.path.basename(path)
        try:
            core = _core.Model(data)
        except (ValueError, RuntimeError) as e:
            raise CellTypistError("bad_model", f"{name}: {e}") from None
        return cls(core, data, name)

    @property
    def cell_types(self) -> np.ndarray:
        """The model's cell types (``classes_``), in model order."""
        return np.array(self.labels, dtype=object)

    @property
    def labels(self) -> List[str]:
        if self._labels is None:
            self._labels = self._core.labels()
        return self._labels

    @property
    def features(self) -> np.ndarray:
        """The model's genes, in model order."""
        return np.array(self.feature_list, dtype=object)

    @property
    def feature_list(self) -> List[str]:
        if self._features is None:
            self._features = self._core.features()
        return self._features

    @property
    def description(self) -> dict:
        return self._core.description()

    @property
    def estimator(self) -> str:
        return self._core.estimator()

    @property
    def coef(self) -> np.ndarray:
        """``coef_``: (n_classes, n_features); a single row for a binary model (as sklearn)."""
        return self._core.coef()

    @property
    def intercept(self) -> np.ndarray:
        return self._core.intercept()

    def to_bytes(self) -> bytes:
        """The model file's bytes (what Dask broadcasts to workers)."""
        if self._bytes is None:
            raise CellTypistError("bad_model", "this model was made in memory (e.g. by convert()) and has no file bytes")
        return self._bytes

    def convert(self, gene_map: Union[str, os.PathLike], unique_only: bool = True) -> "Model":
        """CellTypist's ``Model.convert()``: a model of the other species' genes through a
        two-column ortholog table (e.g. CellTypist's Ensembl105_Human2Mouse_Genes.csv)."""
        with open(os.fspath(gene_map), "r", encoding="utf-8") as f:
            text = f.read()
        try:
            r = self._core.convert(text, unique_only)
        except (ValueError, RuntimeError) as e:
            raise CellTypistError("bad_model", f"cannot convert {self.name}: {e}") from None
        return Model(r["model"], None, f"{self.name} (converted)")

    def __repr__(self) -> str:
        return (f"CellTypist model '{self.name}' ({self.estimator}): {len(self.labels)} cell types, "
                f"{len(self.feature_list):,} features")

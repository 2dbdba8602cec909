"""Shared helpers: the fixtures folder (../shared, read in place) and CellTypist's tables."""
import os

import numpy as np
import pandas as pd
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("CT_SHARED", os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared")))
FIX = os.path.join(SHARED, "fixtures")


def fx(*parts):
    return os.path.join(FIX, *parts)


def read_table(path):
    """A CellTypist CSV as written by pandas (labels kept as text: 'nan' is no NA here)."""
    return pd.read_csv(path, index_col=0, keep_default_na=False, na_values=[], dtype={"over_clustering": str},
                       float_precision="round_trip")


def max_delta(got: pd.DataFrame, want: pd.DataFrame, relative: bool = False) -> float:
    assert list(got.columns) == list(want.columns)
    assert list(map(str, got.index)) == list(map(str, want.index))
    a, b = got.to_numpy(dtype=np.float64), want.to_numpy(dtype=np.float64)
    d = np.abs(a - b)
    if relative:
        d = d / np.maximum(1.0, np.abs(b))
    return float(d.max())


@pytest.fixture(scope="session")
def shared():
    if not os.path.isdir(FIX):
        pytest.fail(f"the shared fixtures are not at {FIX}: set CT_SHARED to the shared folder")
    return SHARED

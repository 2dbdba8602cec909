"""`import celltypist_wasm` works from the installation the README's command makes (scripts/
test-python.sh installs it into a fresh virtual environment and runs this suite from outside the
source tree), with its compiled core beside it."""
import os

import pytest

import celltypist_wasm


def test_imports_from_the_installation_not_the_source_tree():
    if not os.environ.get("CT_INSTALLED_PYTHON"):
        pytest.skip("run through scripts/test-python.sh, which installs the package first")
    here = os.path.dirname(celltypist_wasm.__file__)
    assert "site-packages" in here, here
    assert any(f.startswith("_core.") and f.endswith(".so") for f in os.listdir(here))


def test_public_api():
    import json

    package = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "package.json")
    with open(package, encoding="utf-8") as f:
        assert celltypist_wasm.__version__ == json.load(f)["version"]  # one version for the project
    for name in ["annotate", "Model", "AnnotationResult", "CellTypistError"]:
        assert hasattr(celltypist_wasm, name)
    from celltypist_wasm.dask import annotate_files  # noqa: F401

#!/usr/bin/env bash
# The Python package (python/): installs it as the README says into a fresh virtual environment
# over Debian's /usr/bin/python3 (its numpy, pandas, scipy, anndata, h5py, dask, distributed and
# pytest), then runs its pytest suite against that installation (not python/ itself).
# The build is incremental (python/build/cmake): quick when the core has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=build-python/venv
if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
# The README's install command (no network: its dependencies are Debian's; no pip self-check).
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet ./python --no-build-isolation
# From build-python/, not python/: `import celltypist_wasm` can only find the installed package.
cd build-python
CT_INSTALLED_PYTHON=1 "venv/bin/python" -m pytest -q -p no:cacheprovider ../python/tests "$@"

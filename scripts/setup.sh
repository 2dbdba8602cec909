#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian bookworm machine (root), idempotently:
# system packages (Emscripten, Eigen, HDF5 for native tests, GoogleTest; Chromium, Firefox ESR and
# WebKitGTK's WebDriver with Xvfb and Mesa for the cross-browser e2e; Python sklearn/h5py/anndata
# for tests that check files against Python; pybind11, pytest and Dask for the Python package)
# and npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in build-essential cmake emscripten libeigen3-dev libhdf5-dev libgtest-dev chromium \
    clang libclang-rt-14-dev python3-sklearn python3-h5py python3-anndata \
    firefox-esr webkit2gtk-driver xvfb xauth libgl1-mesa-dri \
    pybind11-dev python3-pybind11 python3-pytest python3-dask python3-distributed python3-pip python3-venv; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi

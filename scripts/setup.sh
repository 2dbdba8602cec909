#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian bookworm machine (root), idempotently:
# system packages (Emscripten, Eigen, HDF5 for native tests, GoogleTest, Chromium for e2e,
# Python sklearn only for the pickle-compatibility test) and npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in build-essential cmake emscripten libeigen3-dev libhdf5-dev libgtest-dev chromium \
    clang libclang-rt-14-dev python3-sklearn python3-h5py python3-anndata; do
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

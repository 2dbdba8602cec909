#!/usr/bin/env bash
# Starts the celltypist-wasm app. Installs and builds what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh >/dev/null
if [ ! -f web/app/vite.config.ts ]; then
    echo "The browser app is not built yet (issue 5). Meanwhile, annotate from the command line:" >&2
    echo "  npx celltypist-wasm annotate -i data.h5ad -m model.pkl -o out/" >&2
    exit 1
fi
exec npx vite --config web/app/vite.config.ts --host 127.0.0.1 --port 5173

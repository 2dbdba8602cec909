#!/usr/bin/env bash
# Starts the celltypist-wasm app. Installs and builds what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh >/dev/null
[ -f web/app/public/demo/demo.h5ad ] || npx tsx scripts/make-demo.ts
echo "celltypist-wasm: open http://127.0.0.1:5173 and click 'Use the demo dataset and model'"
exec npx vite --config web/app/vite.config.ts --host 127.0.0.1 --port 5173

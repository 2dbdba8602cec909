#!/usr/bin/env bash
# Starts the celltypist-wasm app (the production build in dist/app). Installs and builds what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh   # npm run build: wasm core, compiled package (dist/lib), static app (dist/app)
echo "celltypist-wasm: open http://127.0.0.1:5173 and click 'Use the demo dataset and model'"
# The production build, served with COOP/COEP (threaded core); `npm run dev` is the dev server.
exec npx vite preview --config web/app/vite.config.ts --host 127.0.0.1 --port 5173 --strictPort

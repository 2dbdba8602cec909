#!/usr/bin/env bash
# `npm run build`: the package (engine, CLI, web component and worker compiled to ESM + .d.ts in
# dist/lib, with the wasm core and the registry) and the static app (dist/app, Vite).
# The wasm core is (re)built first (incremental: quick when nothing changed). Run by
# scripts/start.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
bash scripts/build-wasm.sh >/dev/null
[ -f web/app/public/demo/demo.h5ad ] || node --import tsx scripts/make-demo.ts
node --import tsx scripts/build-package.ts
npx vite build --config web/app/vite.config.ts --logLevel warn
echo "build: dist/app (static app)"

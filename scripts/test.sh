#!/usr/bin/env bash
# Runs every test: the structure check (imports flow one way, no circles, file sizes:
# docs/architecture.md), native GoogleTest suites (CTest), the WebAssembly engine and CLI under Node, the
# Python package (pytest, over the same C++ core),
# then the build (npm run build: compiled package + static app) and the Playwright e2e tests (app, package) (production build in Debian's Chromium). Installs what it needs first (scripts/setup.sh). Non-zero exit if any suite fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export NODE_PATH=/usr/share/nodejs

failed=()
passed=0
run() { local name=$1; shift; echo "=== $name"; if "$@"; then passed=$((passed + 1)); else failed+=("$name"); fi; }

run structure bash -c "node --import tsx --test scripts/import-graph.test.ts && node --import tsx scripts/check-imports.ts"
run native bash scripts/test-native.sh
run fuzz bash scripts/fuzz.sh 20
run wasm-build bash scripts/build-wasm.sh
run typecheck npx tsc -p tsconfig.json --noEmit
run engine bash scripts/test-engine.sh
run python bash scripts/test-python.sh
run build bash scripts/build.sh
run e2e bash -c "node --import tsx --test --test-concurrency=1 e2e/*.test.ts"

echo "suites: $passed passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED suites: ${failed[*]}"
    exit 1
fi

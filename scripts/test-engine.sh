#!/usr/bin/env bash
# Runs the TypeScript tests of the engine and CLI (web/**/*.test.ts) under Node with the wasm builds.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
mapfile -t files < <(find web -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=1 "${files[@]}"

#!/usr/bin/env bash
# Benchmarks (not tests): native predictor and both wasm builds vs CellTypist's recorded timings.
#   bash scripts/bench.sh [--cells 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
bash scripts/build-native.sh >/dev/null
bash scripts/build-wasm.sh >/dev/null
mkdir -p build-bench
node --import tsx scripts/bench-engine.ts "$@"

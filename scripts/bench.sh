#!/usr/bin/env bash
# Benchmarks (not tests): native predictor and both wasm builds, CSV formatting, and whole CLI commands
# (1k, 20k, 20k + voting, 200k, 1M cells) vs CellTypist's recorded timings.
#   bash scripts/bench.sh [--cells 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
bash scripts/build-native.sh >/dev/null
bash scripts/build-wasm.sh >/dev/null
mkdir -p build-bench
node --import tsx scripts/bench-engine.ts "$@"
# CSV number formatting in the core vs TypeScript, then whole `annotate` commands (1k .. 1M cells).
node --import tsx scripts/bench-csv.ts
node --import tsx scripts/build-package.ts >/dev/null   # the compiled CLI users run (dist/lib)
node --import tsx scripts/bench-cli.ts

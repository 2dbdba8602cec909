#!/usr/bin/env bash
# Builds the native core + GoogleTest suites and runs them with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh
ctest --test-dir build-native --output-on-failure -j2

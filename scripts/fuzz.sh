#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a bounded time.
#   bash scripts/fuzz.sh [seconds per target, default 20]
# A crash stops with the reproducer file; turn it into a regression test in tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_BUILD_FUZZ=ON -DCT_BUILD_TESTS=OFF -DCT_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j2 >/dev/null
shared=${CT_SHARED:-../shared}
for target in pickle_reader_fuzz csr_ingest_fuzz; do
    corpus=$(mktemp -d)
    seeds=()
    # Seeds: the real models, and every crash found so far (run first, under ASan, each time).
    [ "$target" = pickle_reader_fuzz ] && seeds=("$shared/fixtures/models" tests/fuzz/pickle_regressions)
    echo "fuzzing $target for ${secs}s"
    log="$corpus.log"
    rc=0
    ./build-fuzz/$target -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix=build-fuzz/ "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
    grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Done" "$log" || true
    if [ "$rc" -ne 0 ]; then
        tail -40 "$log"
        echo "FUZZ FAILURE in $target (reproducer in build-fuzz/)"
        exit 1
    fi
    rm -rf "$corpus" "$log"
done

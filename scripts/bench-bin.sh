#!/usr/bin/env bash
# Whole-command benchmark of the shipped CLI: the compiled bin (dist/lib/cli/bin.js, what
# `npx celltypist-wasm` runs) vs the same CLI from sources through tsx (web/cli/bin.mjs), from
# process start to exit, with peak RSS and CPU time (user+sys; the machine is shared, so wall
# times are inflated by the load shown). CellTypist's whole `celltypist` command for reference:
# 1k fixture 1.82 s (issue 12, same machine kind); 20k x 98 types best match 10.4 s (../shared/bench).
# Usage: bash scripts/bench-bin.sh [runs=3]   (npm run build first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${CT_SHARED:-../shared}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -f dist/lib/cli/bin.js ] || { echo "run 'npm run build' first"; exit 1; }

measure() { # label ref_seconds args...
    local label=$1 ref=$2; shift 2
    local walls=() cpus=() rss=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -f '%e %U %S %M' -o "$out/t" "$@" >/dev/null 2>"$out/err" || { cat "$out/err"; exit 1; }
        read -r w u s m <"$out/t"
        walls+=("$w"); cpus+=("$(echo "$u + $s" | bc)"); rss+=("$m")
    done
    local med=$(( (runs + 1) / 2 ))
    local w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${med}p")
    local c=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${med}p")
    local m=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
    local ratio=''
    [ "$ref" = - ] || ratio=$(printf '  CellTypist/ours %5.2fx (cpu: %5.2fx)' "$(echo "$ref / $w" | bc -l)" "$(echo "$ref / $c" | bc -l)")
    printf '%-44s wall %6.2f s  cpu %6.2f s  peak %5d MB%s\n' "$label" "$w" "$c" $((m / 1024)) "$ratio"
}

echo "load: $(uptime | sed 's/.*load average: //')   (runs: $runs, median wall/cpu, max RSS)"
q1k="$shared/fixtures/synthetic/query_1k.h5ad"; m1k="$shared/fixtures/models/toy_lr.pkl"
measure "1k, compiled bin" 1.82 node dist/lib/cli/bin.js annotate -i "$q1k" -m "$m1k" -o "$out/a" --quiet
measure "1k, sources via tsx (before the build)" 1.82 env NODE_PATH=/usr/share/nodejs node web/cli/bin.mjs annotate -i "$q1k" -m "$m1k" -o "$out/b" --quiet
measure "start-up only (--help), compiled bin" - node dist/lib/cli/bin.js --help
measure "start-up only (--help), sources via tsx" - node web/cli/bin.mjs --help
# The 20k bench query, generated once into build-bench/ (scripts/bench-data.ts).
q20k=$(NODE_PATH=/usr/share/nodejs node --import tsx -e "import('./scripts/bench-data.ts').then((m) => console.log(m.benchQuery('q20k.h5ad')))" | tail -1)
measure "20k x 98 types, 3 tables, compiled bin" 10.4 node dist/lib/cli/bin.js annotate -i "$q20k" -m "$shared/bench/bench98.pkl" -o "$out/c" --quiet
echo "load: $(uptime | sed 's/.*load average: //')"

#!/usr/bin/env bash
# Builds both WebAssembly variants (SIMD, SIMD+pthreads) into web/engine/wasm/generated/.
# Incremental: re-running only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten finds its JS deps here
for variant in simd threads; do
    dir=build-wasm-$variant
    threads=OFF; [ "$variant" = threads ] && threads=ON
    if [ ! -f "$dir/CMakeCache.txt" ]; then
        emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCT_WASM_THREADS=$threads \
            -DEigen3_DIR=/usr/share/eigen3/cmake >/dev/null
    fi
    cmake --build "$dir" -j2
done
out=web/engine/wasm/generated
# The generated loaders are CommonJS; this package is "type": "module".
echo '{ "type": "commonjs" }' > $out/package.json
ls -la $out
# Browsers get the core as assets bundled from web/engine/wasm/generated (new URL(..., import.meta.url));
# the old copy in the app's public folder would be shipped twice.
rm -rf web/app/public/wasm

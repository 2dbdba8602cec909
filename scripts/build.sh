#!/usr/bin/env bash
# `npm run build`: the package (engine, CLI, web component and worker compiled to ESM + .d.ts in
# dist/lib, with the wasm core and the registry) and the static app (dist/app, Vite).
# The wasm core is (re)built first (incremental: quick when nothing changed). Run by
# scripts/start.sh and scripts/test.sh.
#
#   npm run build -- [--mirror "NAME NAME…"] [--mirror-from FOLDER|URL]
#
# --mirror: catalog models copied into dist/app/models (beside index.html) with their
# registry.json, so the app loads them from its own server (docs/hosting.md, "Models on your own
# server"); --mirror-from: where from (default: the catalog URLs, through the model cache).
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=() mirror_from=()
while [ $# -gt 0 ]; do
    case "$1" in
        --mirror) [ $# -ge 2 ] || { echo "build: --mirror needs a list of catalog model names" >&2; exit 2; }
                  IFS=', ' read -r -a names <<< "$2"; mirror+=("${names[@]}"); shift 2 ;;
        --mirror=*) IFS=', ' read -r -a names <<< "${1#--mirror=}"; mirror+=("${names[@]}"); shift ;;
        --mirror-from) [ $# -ge 2 ] || { echo "build: --mirror-from needs a folder or URL" >&2; exit 2; }
                       mirror_from=(--from "$2"); shift 2 ;;
        *) echo "build: unknown option '$1' (usage: npm run build -- [--mirror \"NAME ...\"] [--mirror-from FOLDER|URL])" >&2; exit 2 ;;
    esac
done
if [ ${#mirror_from[@]} -gt 0 ] && [ ${#mirror[@]} -eq 0 ]; then echo "build: --mirror-from without --mirror" >&2; exit 2; fi
export NODE_PATH=/usr/share/nodejs
bash scripts/build-wasm.sh >/dev/null
[ -f web/app/public/demo/demo.h5ad ] || node --import tsx scripts/make-demo.ts
node --import tsx scripts/build-package.ts
npx vite build --config web/app/vite.config.ts --logLevel warn
echo "build: dist/app (static app)"
if [ ${#mirror[@]} -gt 0 ]; then
    # After Vite, which empties dist/app.
    node --import tsx web/cli/bin.ts models --mirror dist/app/models "${mirror[@]}" "${mirror_from[@]}"
fi

/**
 * Loads a wasm core build in Node: the classic Emscripten factory with require(), the .wasm
 * bytes read from disk (web/engine/wasm/generated, or $CT_WASM_DIR). Imported lazily by load.ts.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreModule, Variant } from './core.ts';
import { coreNames } from './core-files.ts';
import { unrefPthreadWorkers } from './pthread-pool.ts';

export async function loadNode(variant: Variant): Promise<CoreModule> {
  const dir = process.env.CT_WASM_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'generated');
  const { file } = coreNames(variant);
  const js = path.join(dir, `${file}.js`);
  if (!existsSync(js)) {
    throw new Error(`the WebAssembly core is not built (${js} is missing): run 'bash scripts/build-wasm.sh'`);
  }
  const require = createRequire(import.meta.url);
  const factory = require(js) as (m: object) => Promise<CoreModule>;
  const core = await factory({
    wasmBinary: readFileSync(path.join(dir, `${file}.wasm`)),
    locateFile: (f: string) => path.join(dir, f),
    mainScriptUrlOrBlob: js,
  });
  unrefPthreadWorkers(core);
  return core;
}


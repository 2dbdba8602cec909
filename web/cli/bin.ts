#!/usr/bin/env node
// The celltypist-wasm command of the package (compiled to dist/lib/cli/bin.js by `npm run build`).
// From sources, web/cli/bin.mjs runs main.ts through tsx instead.
import { h5wasmNode } from '../engine/h5ad/h5wasm-node.ts';

const argv = process.argv.slice(2);
// An .h5ad input needs h5wasm (a 4 MB module whose WebAssembly compiles in the background): start
// it before the CLI's own modules load, so that it is ready when the file is opened.
if (argv.some((a) => /\.(h5ad|h5)$/i.test(a))) h5wasmNode().catch(() => undefined);
const { main } = await import('./main.ts');
process.exitCode = await main(argv);

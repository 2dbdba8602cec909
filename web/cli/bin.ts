#!/usr/bin/env node
// The celltypist-wasm command of the package (compiled to dist/lib/cli/bin.js by `npm run build`).
// From sources, web/cli/bin.mjs runs main.ts through tsx instead.
import { main } from './main.ts';
import { endQuietlyOnClosedPipe } from './pipe.ts';

endQuietlyOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));

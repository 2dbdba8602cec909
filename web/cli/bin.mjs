#!/usr/bin/env node
// celltypist-wasm command line: registers the TypeScript loader, then runs web/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { endQuietlyOnClosedPipe } = await import('./pipe.ts');
endQuietlyOnClosedPipe();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

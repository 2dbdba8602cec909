// Vite config of the celltypist-wasm app. COOP/COEP make the page cross-origin isolated so the
// SIMD+pthreads build can run (SharedArrayBuffer); production hosting must send the same headers
// (see web/app/public/_headers).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: 'public',
  build: { outDir: fileURLToPath(new URL('../../dist/app', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  // Classic (iife) worker: it loads the Emscripten core with importScripts.
  worker: { format: 'iife' },
  server: { headers: isolation },
  preview: { headers: isolation },
});

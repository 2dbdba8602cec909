// Vite config of the celltypist-wasm app. COOP/COEP make the page cross-origin isolated so the
// SIMD+pthreads build can run (SharedArrayBuffer); production hosting must send the same headers
// (see web/app/public/_headers).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { modelHosts, parseRegistry } from '../engine/models/registry.ts';
import { serviceWorker } from './service-worker-plugin.ts';

/**
 * Content-Security-Policy connect-src: this origin plus the model hosts of the registry (and
 * CT_EXTRA_CONNECT, e.g. the loopback fake CDN of the e2e tests). Nothing else can be contacted.
 */
function cspFromRegistry(): Plugin {
  const reg = parseRegistry(JSON.parse(readFileSync(fileURLToPath(new URL('../../models/registry.json', import.meta.url)), 'utf8')));
  const hosts = [...modelHosts(reg), ...(process.env.CT_EXTRA_CONNECT ?? '').split(/\s+/).filter(Boolean)];
  return { name: 'csp-from-registry', transformIndexHtml: (html) => html.replace('%CONNECT_SRC%', ["'self'", ...hosts].join(' ')) };
}

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../../dist/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The app, and an example page embedding the <celltypist-annotator> web component.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        component: fileURLToPath(new URL('component-example.html', import.meta.url)),
      },
    },
  },
  // Classic (iife) worker: it loads the Emscripten core with importScripts.
  worker: { format: 'iife' },
  plugins: [cspFromRegistry(), serviceWorker()],
  server: { headers: isolation },
  preview: { headers: isolation },
});

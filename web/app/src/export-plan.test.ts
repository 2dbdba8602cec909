// The export path for each kind of browser and size: Blobs only for small files, the service
// worker's stream where one runs, OPFS only within the quota, and a refusal naming the real limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOB_MAX, BLOB_SMALL, estimateBytes, type ExportCaps, planExport } from './export-plan.ts';

const GB = 1e9;
const chromium: ExportCaps = { picker: false, serviceWorker: true, opfs: true, storage: { quota: 100 * GB, usage: 0 } };
// A private window: the quota Chromium reports (10 GiB) is not what it keeps in memory.
const privateChromium: ExportCaps = { ...chromium, storage: { quota: 10 * 2 ** 30, usage: 0 } };
const noServiceWorker: ExportCaps = { ...chromium, serviceWorker: false, storage: { quota: 2 * GB, usage: 1.8 * GB } };
const webkitgtk: ExportCaps = { picker: false, serviceWorker: true, opfs: false, storage: null };
const bare: ExportCaps = { picker: false, serviceWorker: false, opfs: false, storage: null };

describe('export plan', () => {
  it('small files are Blobs; large ones stream through the service worker (an .h5ad staged on OPFS when it has room)', () => {
    assert.deepEqual(planExport('labels', BLOB_SMALL, chromium), { sink: 'blob' });
    assert.deepEqual(planExport('probability', 440e6, chromium), { sink: 'service-worker', h5ad: 'auto' });
    assert.deepEqual(planExport('h5ad', 1.41 * GB, privateChromium), { sink: 'service-worker', h5ad: 'auto' });
    assert.deepEqual(planExport('h5ad', 1.41 * GB, webkitgtk), { sink: 'service-worker', h5ad: 'replay' });
    // A quota that does not cover the file: the .h5ad is written twice rather than staged.
    assert.deepEqual(planExport('h5ad', 1.41 * GB, { ...chromium, storage: { quota: 300e6, usage: 0 } }), { sink: 'service-worker', h5ad: 'replay' });
  });

  it('the Blob limits can be made small (tests of a private window at small scale)', () => {
    const tiny: ExportCaps = { ...chromium, storage: { quota: 3e6, usage: 0 } };
    assert.deepEqual(planExport('h5ad', 8e6, tiny, { blobSmall: 1e6 }), { sink: 'service-worker', h5ad: 'replay' });
    const r = planExport('probability', 8e6, { ...tiny, serviceWorker: false }, { blobSmall: 1e6, blobMax: 2e6 }) as { refuse: string };
    assert.match(r.refuse, /^This file is about 8 MB: the browser lets this page store only 3 MB/);
  });

  it('the save dialog when asked for', () => {
    assert.deepEqual(planExport('h5ad', 5e6, { ...chromium, picker: true }), { sink: 'picker', h5ad: 'blob' });
    assert.deepEqual(planExport('h5ad', 3 * GB, { ...bare, picker: true }), { sink: 'picker', h5ad: 'replay' });
  });

  it('without a service worker: OPFS only when the quota covers the file, Blobs only up to their limit, else a refusal naming the quota', () => {
    assert.deepEqual(planExport('probability', 200e6, { ...noServiceWorker, storage: { quota: 2 * GB, usage: 0 } }), { sink: 'opfs' });
    assert.deepEqual(planExport('probability', BLOB_MAX, noServiceWorker), { sink: 'blob' });
    const r = planExport('probability', 440e6, noServiceWorker) as { refuse: string };
    assert.match(r.refuse, /^This file is about 440 MB: the browser lets this page store only 200 MB \(a private window keeps that storage in memory/);
    assert.match(r.refuse, /Nothing was saved\. Open the page in a normal \(not private\) window/);
    assert.doesNotMatch(r.refuse, /disk is full|\d{7,}/);
    const h = planExport('h5ad', 3 * GB, bare) as { refuse: string };
    assert.match(h.refuse, /about 3\.0 GB: this browser gives the page no storage .* choose the annotations-only \.h5ad/);
  });

  it('size estimates are upper bounds of the written tables', () => {
    // 200k cells × 98 types: the probability table is 440 MB (CLI), the .h5ad 1.41 GB.
    const run = { n: 200_000, labels: 98, cellIdChars: 200_000 * 19, labelChars: 1200, inputBytes: 1.23 * GB, voting: false };
    const p = estimateBytes('probability', run);
    assert.ok(p >= 440e6 && p < 550e6, String(p));
    assert.ok(estimateBytes('h5ad', run) >= 1.39 * GB);
    assert.ok(estimateBytes('labels', run) > 200_000 * 40);
  });
});

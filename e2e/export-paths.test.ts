// End-to-end (Chromium, a private window: a non-persistent context, whose storage lives in memory
// with a small quota): exports that fit the browser. The private window's storage is made small
// and deterministic with ?export-quota (bytes the staging file may hold). One page, one run of
// query_1k as the CLI ran it; then, with the override changed between clicks:
// - the planned path: the .h5ad does not fit the storage, so it is streamed through the page's
//   service worker (written twice, front to back), equal to the CLI's file;
// - a staging forced onto that storage: the message names the private window's storage (not a
//   full disk), with no raw byte counts, and nothing is downloaded;
// - a quota too small for the file and no service worker: the export is refused before it starts,
//   saying why and what to do.
// (The cross-browser file, browsers.test.ts, streams in Firefox and WebKitGTK too.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportIdle, openApp, runAndWait, setField, waitRunnable } from './support/app-steps.ts';
import { compareH5ad, INPUT_1K, MODEL_TOY } from './support/cli-reference.ts';
import { type BPage, type BrowserSession, launchBrowser } from './support/drivers.ts';
import { useServedAppAndCli } from './support/served-app.ts';

const app = useServedAppAndCli();

const exportVia = (p: BPage, query: string) => p.eval((q) => history.replaceState(null, '', `${location.pathname}${q}`), query);
const state = (p: BPage) => p.eval(() => [document.getElementById('export-status')!.dataset.state ?? '', document.getElementById('export-status')!.dataset.via ?? '']);

describe('Chromium private window: exports that fit the browser', () => {
  let b: BrowserSession;
  before(async () => {
    b = await launchBrowser('chromium');
  });
  after(async () => {
    await b?.close();
  });

  it('a small storage quota: the .h5ad is streamed instead of staged; forced staging says the storage is full, not the disk; no path at all is refused up front', async () => {
    const p = await b.newPage();
    try {
      await openApp(p, app.url);
      await p.waitFor(() => !!navigator.serviceWorker?.controller, null, 30_000);
      await p.setFiles('#model-file', [MODEL_TOY]);
      await p.setFiles('#data-file', [INPUT_1K]);
      await waitRunnable(p);
      await setField(p, '#mode', 'prob_match');
      await setField(p, '#majority', true);
      await setField(p, '#cluster-col', 'given_clusters');
      await setField(p, '#min-prop', '0.6');
      await runAndWait(p);
      await p.waitFor(() => document.body.dataset.plot === 'ready', null, 120_000);

      // 1. The planned path (the 8 MB .h5ad counts as large here: ?export-blob-small).
      await exportVia(p, '?export-quota=3000000&export-blob-small=1000000');
      const h5 = await p.download('query_1k_celltypist.h5ad', () => p.click('#dl-h5ad'), { timeout: 180_000 });
      assert.match(await exportIdle(p), /^Saved query_1k_celltypist\.h5ad/);
      assert.deepEqual(await state(p), ['done', 'service-worker+replay']);
      compareH5ad(h5, path.join(app.cliDir, 'annotated.h5ad'), 'export-paths');

      // 2. Staging forced onto the small storage.
      await exportVia(p, '?export-staging=opfs&export-quota=3000000');
      await p.click('#dl-h5ad');
      const said = await exportIdle(p);
      assert.match(said, /^query_1k_celltypist\.h5ad: The browser’s storage for this page is full \(it reports .* free of .*, but a private window keeps this storage in memory and holds far less\)/);
      assert.doesNotMatch(said, /disk is full|\d{7,}/);
      assert.equal((await state(p))[0], 'failed');

      // 3. No service worker and too little storage: refused before anything is written.
      await exportVia(p, '?export-quota=3000000&export-blob-small=1000000&export-blob-max=2000000&export-no-sw=1');
      await p.click('#dl-h5ad');
      const refused = await exportIdle(p);
      assert.match(refused, /^query_1k_celltypist\.h5ad: This file is about \d+ MB: the browser lets this page store only 3 MB .*Nothing was saved\. Open the page in a normal \(not private\) window/);
      assert.doesNotMatch(refused, /disk is full|\d{7,}/);
      assert.equal((await state(p))[0], 'failed');
    } finally {
      await p.close();
    }
  });
});

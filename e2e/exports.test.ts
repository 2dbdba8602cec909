// End-to-end exports (production build, Chromium): every download is streamed by the export worker.
// The files equal the CLI's for the same input, model and options; the annotated .h5ad opens in
// Python anndata; the File System Access path writes acknowledged chunks into the picked file; a
// failing write (full disk) and a refused picker give clear messages, Cancel works, and the page
// can export again and keeps answering clicks meanwhile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { runAndWait, useHarness, waitRunnable } from './support/harness.ts';

const h = useHarness();
const INPUT = sharedPath('fixtures/synthetic/query_1k.h5ad');
const MODEL = sharedPath('fixtures/models/toy_lr.pkl');
const OUT = repoPath('e2e/out/exports');

/** The fake File System Access API: files kept in the page; writes fail while `__failWrites` is set, wait while `__holdWrites` is. */
function fakePicker() {
  const w = window as unknown as Record<string, unknown>;
  const saved: Record<string, number[][]> = {};
  w.__saved = saved;
  w.__pickerMode = 'ok';
  w.showSaveFilePicker = async ({ suggestedName }: { suggestedName: string }) => {
    if (w.__pickerMode === 'abort') throw new DOMException('The user aborted a request.', 'AbortError');
    if (w.__pickerMode === 'refuse') throw new DOMException('Not allowed here', 'NotAllowedError');
    return {
      async createWritable() {
        const parts: number[][] = [];
        return {
          async write(b: Uint8Array) {
            while (w.__holdWrites) await new Promise((r) => setTimeout(r, 20));
            if (w.__failWrites) throw new DOMException('There is not enough space on the disk.', 'QuotaExceededError');
            parts.push(Array.from(b));
          },
          async close() {
            saved[suggestedName] = parts;
          },
          async abort() {
            w.__aborted = ((w.__aborted as number) ?? 0) + 1;
          },
        };
      },
    };
  };
}

async function savedText(page: Page, name: string): Promise<string> {
  const parts = (await page.evaluate((n) => (window as unknown as { __saved: Record<string, number[][]> }).__saved[n], name)) as number[][];
  return Buffer.concat(parts.map((p) => Buffer.from(p))).toString('utf8');
}

async function downloadTo(page: Page, button: string, file: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click(button)]);
  const to = path.join(OUT, file);
  copyFileSync((await dl.path())!, to);
  await idle(page);
  return to;
}

/** Waits until no export runs; returns the status line. */
async function idle(page: Page): Promise<string> {
  await page.waitForFunction(() => document.getElementById('export-status')?.dataset.state !== 'running', null, { timeout: 60000 });
  return (await page.textContent('#export-text'))!;
}

async function annotated(page: Page) {
  await page.setInputFiles('#model-file', MODEL);
  await page.setInputFiles('#data-file', INPUT);
  await waitRunnable(page);
  await page.selectOption('#mode', 'prob_match');
  await page.check('#majority');
  await page.selectOption('#cluster-col', 'given_clusters');
  await page.fill('#min-prop', '0.6');
  await runAndWait(page);
}

describe('exports (production build)', () => {
  let cliDir = '';
  before(() => {
    mkdirSync(OUT, { recursive: true });
    cliDir = mkdtempSync(path.join(tmpdir(), 'ctw-e2e-cli-'));
    const r = spawnSync(process.execPath, [repoPath('web/cli/bin.mjs'), 'annotate', '-i', INPUT, '-m', MODEL, '-o', cliDir, '--mode', 'prob_match', '--majority-voting', '--over-clustering', 'given_clusters', '--min-prop', '0.6', '--write-h5ad', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
    });
    assert.equal(r.status, 0, r.stderr);
  });

  for (const staging of ['opfs', 'blob']) {
    it(`downloads (${staging} staging) equal the CLI's files; the .h5ad opens in anndata`, async (t) => {
      const page = await h.openApp(`${h.server.url}?export-staging=${staging}`);
      await annotated(page);
      for (const [button, file] of [
        ['#dl-labels', 'predicted_labels.csv'],
        ['#dl-decision', 'decision_matrix.csv'],
        ['#dl-probability', 'probability_matrix.csv'],
      ]) {
        const got = await downloadTo(page, button, `${staging}_${file}`);
        assert.equal(readFileSync(got, 'utf8'), readFileSync(path.join(cliDir, file), 'utf8'), file);
      }
      const full = await downloadTo(page, '#dl-h5ad', `${staging}_annotated.h5ad`);
      assert.match(await idle(page), /Saved query_1k_celltypist\.h5ad \([\d.]+ MB\) to your downloads/);
      const light = await downloadTo(page, '#dl-h5ad-light', `${staging}_light.h5ad`);
      await page.close();
      if (spawnSync('/usr/bin/python3', ['-c', 'import anndata']).status !== 0) return t.skip('python3-anndata is not installed');
      const py = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          `import sys, numpy as np, anndata as ad
app, cli, light = ad.read_h5ad(sys.argv[1]), ad.read_h5ad(sys.argv[2]), ad.read_h5ad(sys.argv[3])
for c in ['predicted_labels', 'over_clustering', 'majority_voting', 'conf_score']:
    assert list(app.obs[c]) == list(cli.obs[c]) == list(light.obs[c]), c
assert np.array_equal(app.obsm['probability_matrix'], cli.obsm['probability_matrix'])
assert np.array_equal(light.obsm['probability_matrix'], cli.obsm['probability_matrix'])
assert (app.X != cli.X).nnz == 0
print(app.shape, light.shape, app.uns['celltypist']['model'], app.uns['celltypist']['options']['over_clustering'])`,
          full,
          path.join(cliDir, 'annotated.h5ad'),
          light,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(py.status, 0, py.stderr);
      assert.equal(py.stdout.trim(), '(1000, 1550) (1000, 0) toy_lr.pkl given_clusters');
    });
  }

  it('"Ask where to save": chunks written into the picked file; a full disk, a refused picker and Cancel get clear messages; exporting again works', async () => {
    const page = await h.browser.newPage({ acceptDownloads: true });
    await page.addInitScript(fakePicker);
    await page.goto(h.server.url);
    await page.waitForSelector('#engine-status:not(:empty)', { timeout: 30000 });
    await annotated(page);
    await page.check('#export-ask');
    // A write error (disk full): message, partial file discarded, buttons usable again.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__failWrites = true));
    await page.click('#dl-probability');
    assert.match(await idle(page), /probability_matrix\.csv: The disk is full .*free some disk space.*export again/);
    assert.equal(await page.getAttribute('#export-status', 'data-state'), 'failed');
    assert.equal(await page.evaluate(() => (window as unknown as Record<string, unknown>).__aborted), 1);
    // The same export again, now succeeding: identical to the CLI's file.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__failWrites = false));
    await page.click('#dl-probability');
    assert.match(await idle(page), /Saved probability_matrix\.csv \([\d.]+ MB\)\.$/);
    assert.equal(await savedText(page, 'probability_matrix.csv'), readFileSync(path.join(cliDir, 'probability_matrix.csv'), 'utf8'));
    // Cancel while a write is pending; the page answers clicks meanwhile.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__holdWrites = true));
    await page.click('#dl-h5ad');
    await page.waitForFunction(() => /Exporting/.test(document.getElementById('export-text')!.textContent!));
    const t0 = Date.now();
    await page.selectOption('#color-by', 'predicted_labels');
    await page.click('#legend tbody tr:first-child button.legend-item');
    assert.ok(Date.now() - t0 < 2000, 'the page did not answer clicks during the export');
    await page.click('#export-cancel');
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__holdWrites = false));
    assert.match(await idle(page), /Export cancelled; nothing was saved/);
    // The user closes the picker: nothing happens but a note.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__pickerMode = 'abort'));
    await page.click('#dl-labels');
    assert.match(await idle(page), /Export cancelled: no file was chosen/);
    // The browser refuses the picker: the file goes to the downloads folder instead.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__pickerMode = 'refuse'));
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-labels')]);
    assert.match(await idle(page), /refused the save dialog .*downloads folder instead.*Saved predicted_labels\.csv/);
    assert.equal(readFileSync((await dl.path())!, 'utf8'), readFileSync(path.join(cliDir, 'predicted_labels.csv'), 'utf8'));
    // And the annotated .h5ad through the picker.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__pickerMode = 'ok'));
    await page.click('#dl-h5ad');
    assert.match(await idle(page), /Saved query_1k_celltypist\.h5ad/);
    const parts = (await page.evaluate(() => (window as unknown as { __saved: Record<string, number[][]> }).__saved['query_1k_celltypist.h5ad'])) as number[][];
    const bytes = Buffer.concat(parts.map((p) => Buffer.from(p)));
    assert.equal(bytes.subarray(0, 8).toString('latin1'), '\x89HDF\r\n\x1a\n');
    await page.close();
  });
});

/**
 * The 98-type model named like Immune_All_Low and its seeded 3k-cell query with an embedding,
 * made once into e2e/out/biology and shared by the e2e files that need encyclopedia labels
 * (biology.test.ts, a11y.test.ts), and the app's results for them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { makeSynthetic } from '../../scripts/make-synthetic-h5ad.ts';
import { repoPath, sharedPath } from '../../web/engine/testing/fixtures.ts';
import { addEmbedding, writeImmuneLikeModel } from '../../web/engine/testing/immune-like.ts';
import { type Harness, runAndWait, waitRunnable } from './harness.ts';

export const IMMUNE_OUT = repoPath('e2e/out/biology');
export const IMMUNE_MODEL = `${IMMUNE_OUT}/immune_like98.pkl`;
export const IMMUNE_DATA = `${IMMUNE_OUT}/immune_3k.h5ad`;

/** Writes the model and the query unless they exist. */
export async function ensureImmuneLikeFiles(): Promise<void> {
  mkdirSync(IMMUNE_OUT, { recursive: true });
  if (!existsSync(IMMUNE_MODEL)) await writeImmuneLikeModel(IMMUNE_MODEL);
  if (!existsSync(IMMUNE_DATA)) {
    await makeSynthetic({ out: IMMUNE_DATA, cells: 3000, genes: 8000, density: 0.06, types: 30, model: sharedPath('bench/bench98.pkl'), seed: 5 });
    await addEmbedding(IMMUNE_DATA);
  }
}

/** Opens the app, annotates the query with the model, and waits for the plot and the grouped legend. */
export async function openImmuneLikeResults(h: Harness, viewport: { width: number; height: number }): Promise<Page> {
  const page = await h.openApp(h.server.url, viewport);
  await page.setInputFiles('#model-file', IMMUNE_MODEL);
  await page.waitForFunction(() => /98 cell types/.test(document.getElementById('model-summary')!.textContent!), null, { timeout: 30000 });
  await page.setInputFiles('#data-file', IMMUNE_DATA);
  await waitRunnable(page);
  await runAndWait(page);
  await page.waitForFunction(() => document.body.dataset.plot === 'ready' && document.querySelectorAll('#legend tr.legend-group').length > 0, null, { timeout: 60000 });
  return page;
}

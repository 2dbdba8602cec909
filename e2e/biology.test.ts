// End-to-end (production build, Debian's Chromium): checking labels against biology (issue 28).
// Colour by a gene on a real fixture (pbmc68k, dense X, its own X_umap): the drawn colours are
// the gene's values in the file through the colour scale; a 98-type model named like
// Immune_All_Low: the legend grouped by parent types (expand/collapse by keyboard), "Colour by"
// parent types, a label card with its Cell Ontology link and markers (a marker colours the plot,
// "Dotplot" plots them all); a model without encyclopedia data gets a card without those parts.
// Screenshots in e2e/out/biology.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { geneRgba, geneScale } from '../web/engine/figure/gene-scale.ts';
import { sharedPath } from '../web/engine/testing/fixtures.ts';
import { fnv1a } from '../web/app/src/plot.ts';
import { runAndWait, useHarness, waitRunnable } from './support/harness.ts';
import { ensureImmuneLikeFiles, openImmuneLikeResults, IMMUNE_DATA, IMMUNE_OUT } from './support/immune-like-files.ts';

const h = useHarness();
const OUT = IMMUNE_OUT;
const DATA = IMMUNE_DATA;

before(ensureImmuneLikeFiles);

/** Column `gene` of a dense X, its values read straight with h5wasm (not the engine's matrix reader). */
async function denseColumn(file: string, gene: string): Promise<Float32Array> {
  const { openH5adPath } = await import('../web/engine/node.ts');
  const r = await openH5adPath(file);
  const j = r.varNames().indexOf(gene);
  r.close();
  assert.ok(j >= 0, `${gene} in var`);
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(file, 'r');
  try {
    const x = f.get('X') as unknown as { shape: number[]; slice(r: number[][]): Float32Array };
    assert.equal(x.shape.length, 2, 'a dense X');
    return Float32Array.from(x.slice([[0, x.shape[0]], [j, j + 1]]));
  } finally {
    f.close();
  }
}

async function colourByGene(page: Page, gene: string): Promise<void> {
  await page.fill('#colour-gene', gene);
  await page.press('#colour-gene', 'Enter');
  await page.waitForFunction((g) => document.getElementById('plot')!.dataset.colour === `gene:${g}` || /⚠/.test(document.getElementById('colour-gene-status')!.textContent!), gene, { timeout: 30000 });
  assert.doesNotMatch((await page.textContent('#colour-gene-status'))!, /⚠/);
}

describe('labels against biology', () => {
  it('colours the embedding by a gene: the drawn colours are the file\'s values on the scale', async () => {
    const page = await h.openApp(h.server.url, { width: 1400, height: 1000 });
    const file = sharedPath('fixtures/real/pbmc68k_reduced.h5ad');
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
    await page.setInputFiles('#data-file', file);
    await waitRunnable(page);
    await runAndWait(page);
    await page.waitForFunction(() => document.body.dataset.plot === 'ready', null, { timeout: 60000 });
    // Completion over the file's genes.
    await page.fill('#colour-gene', 'S100A');
    await page.waitForFunction(() => document.querySelectorAll('#colour-gene-list option').length > 0, null, { timeout: 20000 });
    const options = await page.$$eval('#colour-gene-list option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    assert.ok(options.includes('S100A8') && options.every((o) => /s100a/i.test(o)), options.join(' '));
    for (const gene of ['S100A8', 'CD79A']) {
      await colourByGene(page, gene);
      const want = await denseColumn(file, gene);
      const digest = await page.$eval('#plot', (p) => (p as HTMLElement).dataset.colourDigest);
      assert.equal(digest, fnv1a(geneRgba(want, geneScale(want))), `${gene}: drawn colours`);
      assert.match((await page.textContent('#gene-legend'))!, new RegExp(`${gene}[^]*0 \\(`));
    }
    await page.locator('#plot-wrap').screenshot({ path: `${OUT}/gene-colour.png` });
    // A gene the file lacks: a message, the plot keeps its colours.
    await page.fill('#colour-gene', 'NOTAGENE');
    await page.press('#colour-gene', 'Enter');
    await page.waitForFunction(() => /not a gene of this file/.test(document.getElementById('colour-gene-status')!.textContent!), null, { timeout: 20000 });
    assert.equal(await page.$eval('#plot', (p) => (p as HTMLElement).dataset.colour), 'gene:CD79A');
    // "Colour by" again: back to labels.
    await page.selectOption('#color-by', 'predicted_labels');
    await page.waitForFunction(() => document.getElementById('plot')!.dataset.colour === 'predicted_labels', null, { timeout: 10000 });
    assert.equal(await page.isHidden('#gene-legend'), true);
    await page.close();
  });

  it('a gene reader that fails to start: the colour box names it instead of waiting, and the next try works', async () => {
    const page = await h.openApp(h.server.url, { width: 1400, height: 1000 });
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/real/pbmc68k_reduced.h5ad'));
    await waitRunnable(page);
    await runAndWait(page);
    await page.waitForFunction(() => document.body.dataset.plot === 'ready', null, { timeout: 60000 });
    await page.route('**/gene-worker*', (r) => r.abort());
    await page.fill('#colour-gene', 'CD79A');
    await page.press('#colour-gene', 'Enter');
    await page.waitForFunction(() => /⚠ the gene reader stopped/.test(document.getElementById('colour-gene-status')!.textContent!), null, { timeout: 20000 });
    assert.notEqual(await page.$eval('#plot', (p) => (p as HTMLElement).dataset.colour), 'gene:CD79A');
    await page.unroute('**/gene-worker*');
    await colourByGene(page, 'CD79A');
    await page.close();
  });

  it('groups the 98-type legend by parent types and opens a card with its ontology ID and markers', async () => {
    const page = await openImmuneLikeResults(h, { width: 1400, height: 1000 });
    assert.match((await page.evaluate(() => document.body.dataset.encyclopedia))!, /^Immune_All_Low v2 \(names, 98\/98\)$/);
    const groups = await page.$$eval('#legend tr.legend-group', (t) => t.map((r) => (r as HTMLElement).dataset.group!));
    assert.ok(groups.length >= 5 && groups.length <= 32, groups.join(', '));
    assert.match((await page.textContent('#legend-count'))!, new RegExp(`cell types in ${groups.length} parent groups`));
    assert.equal(await page.locator('#legend tr[data-label]').count(), 0, 'groups start collapsed');
    // Keyboard: the first group's button, Enter expands it (its types appear), again collapses.
    await page.focus('#legend button.legend-expand');
    await page.keyboard.press('Enter');
    const first = groups[0];
    await page.waitForFunction((g) => document.querySelector(`#legend button.legend-expand[data-group="${g}"]`)!.getAttribute('aria-expanded') === 'true', first);
    const children = await page.$$eval('#legend tr[data-label]', (t) => t.map((r) => (r as HTMLElement).dataset.label!));
    assert.ok(children.length >= 1);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.group), first, 'focus stays on the group');
    // Colour by the parent level: the legend lists parents, flat.
    const cb = await page.$$eval('#color-by option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    assert.ok(cb.includes('predicted_labels:parent'), cb.join(' '));
    await page.locator('#legend-panel').screenshot({ path: `${OUT}/legend-groups.png` });

    // The card of the first child type, from its "about" button.
    const label = children[0];
    await page.click(`#legend tr[data-label="${label}"] button.legend-card`);
    await page.waitForSelector('#label-card[open]');
    assert.equal(await page.$eval('#label-card', (d) => (d as HTMLElement).dataset.label), label);
    const link = await page.$eval('#label-card a[href*="ols4"]', (a) => ({ text: a.textContent, href: (a as HTMLAnchorElement).href, target: (a as HTMLAnchorElement).target }));
    assert.match(link.text!, /^CL:\d{7}$/);
    assert.match(link.href, /^https:\/\/www\.ebi\.ac\.uk\/ols4\/ontologies\/cl\/classes\/http%253A%252F%252Fpurl\.obolibrary\.org%252Fobo%252FCL_\d{7}$/);
    assert.equal(link.target, '_blank');
    const markers = await page.$$eval('#label-card button[data-gene]', (b) => b.map((x) => (x as HTMLElement).dataset.gene!));
    assert.ok(markers.length >= 3, markers.join(' '));
    assert.match((await page.textContent('#label-card'))!, new RegExp(`Parent type${first.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match((await page.textContent('#label-card'))!, /In this file[\d,]+ cells \([\d.]+%\), mean confidence 0\.\d{3}/);
    assert.match((await page.textContent('#label-card'))!, /PubMed \d+/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'label-card-title', 'focus moves into the card');
    await page.locator('#label-card').screenshot({ path: `${OUT}/label-card.png` });
    // Esc closes it and gives the focus back.
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#label-card'), false);

    // A card whose curated marker is among the file's genes: one click colours the plot by it,
    // and "Dotplot" sends all its markers to the Markers panel.
    const { type, gene } = await markerInFile(DATA);
    await page.fill('#legend-search', type);
    await page.click(`#legend tr[data-label="${type}"] button.legend-card`);
    await page.waitForFunction((t) => (document.getElementById('label-card') as HTMLDialogElement).open && document.getElementById('label-card')!.dataset.label === t, type);
    await page.click(`#label-card button[data-gene="${gene}"]`);
    await page.waitForFunction((g) => document.getElementById('plot')!.dataset.colour === `gene:${g}`, gene, { timeout: 30000 });
    await page.locator('#plot-wrap').screenshot({ path: `${OUT}/card-marker-colour.png` });
    const cardMarkers = await page.$$eval('#card-markers button[data-gene]', (b) => b.map((x) => (x as HTMLElement).dataset.gene!));
    await page.click('#card-dotplot');
    await page.waitForFunction((g) => (document.getElementById('markers-genes') as HTMLInputElement).value === g, cardMarkers.join(', '), { timeout: 30000 });
    await page.close();
  });

  it('a model without encyclopedia data: the card has the file\'s figures only', async () => {
    const page = await h.openApp(h.server.url, { width: 1400, height: 1000 });
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/real/pbmc68k_reduced.h5ad'));
    await waitRunnable(page);
    await runAndWait(page);
    await page.waitForFunction(() => !!document.body.dataset.encyclopedia, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => document.body.dataset.encyclopedia), 'none');
    assert.equal(await page.locator('#legend tr.legend-group').count(), 0);
    const label = await page.$eval('#legend tr[data-label]', (t) => (t as HTMLElement).dataset.label!);
    await page.focus(`#legend tr[data-label="${label}"] button.legend-item`);
    await page.keyboard.press('i');
    await page.waitForSelector('#label-card[open]');
    const text = (await page.textContent('#label-card'))!;
    assert.match(text, /In this file[\d,]+ cells/);
    assert.match(text, /No cell-type encyclopedia describes this label/);
    assert.equal(await page.locator('#label-card a').count(), 0, 'no ontology or PubMed links');
    await page.click('#label-card .card-close');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.about), label, 'focus back on the about button');
    await page.close();
  });
});

/** An encyclopedia type with a curated marker that is a gene of `file` (first in the encyclopedia's order). */
async function markerInFile(file: string): Promise<{ type: string; gene: string }> {
  const { openH5adPath } = await import('../web/engine/node.ts');
  const { readFileSync } = await import('node:fs');
  const r = await openH5adPath(file);
  const genes = new Set(r.varNames());
  r.close();
  const enc = JSON.parse(readFileSync(sharedPath('catalog/encyclopedia/Immune_All_Low_v2.json'), 'utf8')) as { cell_types: { name: string; curated_markers: string[] }[] };
  for (const t of enc.cell_types) {
    const g = t.curated_markers.find((m) => genes.has(m));
    if (g) return { type: t.name, gene: g };
  }
  throw new Error('no curated marker among the file genes');
}

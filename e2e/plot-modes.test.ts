// End-to-end (Chromium): the plot never stays blank. Without WebGL (--disable-webgl
// --disable-3d-apis) and after the WebGL context is lost mid-session, the page draws the embedding
// on a 2D canvas with the same colours, legend highlighting and hover, and one line
// says that the plot is in basic mode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hoverCell, waitHighlighted, openApp, plotColours, runAndWait, text, waitPlotted, waitRunnable } from './support/app-steps.ts';
import { type BPage, type BrowserSession, launchBrowser } from './support/drivers.ts';
import { buildApp, DIST } from './support/harness.ts';
import { serveStatic } from './support/serve.ts';
import { existsSync } from 'node:fs';
import { repoPath } from '../web/engine/testing/fixtures.ts';

let server: Awaited<ReturnType<typeof serveStatic>>;
before(async () => {
  if (!existsSync(`${DIST}/index.html`)) buildApp('');
  server = await serveStatic(DIST, true);
});
after(async () => {
  await server?.close();
});

async function demo(b: BrowserSession): Promise<BPage> {
  const p = await b.newPage();
  await openApp(p, server.url);
  await p.click('#load-demo');
  await waitRunnable(p);
  await runAndWait(p);
  return p;
}

/** Colours, highlighting and hover of the basic plot. */
async function checkBasicPlot(p: BPage, note: RegExp) {
  assert.equal(await p.eval(() => document.getElementById('plot')!.dataset.plotMode), 'basic');
  assert.match(await text(p, '#plot .plot-note'), note);
  await waitPlotted(p, 2000);
  const all = await plotColours(p);
  // Highlighting one of the six types greys the others out.
  await p.click('#legend tbody tr:first-child button.legend-item');
  await p.waitFor(() => document.querySelectorAll('#legend tbody tr.dim').length === 5);
  await waitHighlighted(p, all.saturated);
  // The hovered cell is one of the highlighted type's (the only coloured ones left).
  const label = await p.eval(() => (document.querySelector('#legend tbody tr.on') as HTMLElement).dataset.label!);
  const tip = await hoverCell(p);
  assert.match(tip, /^demo_\d{4}-1/);
  assert.ok(tip.includes(label), `${tip} (highlighted: ${label})`);
}

describe('plot without WebGL (Chromium --disable-webgl --disable-3d-apis)', () => {
  let b: BrowserSession;
  before(async () => {
    b = await launchBrowser('chromium', { args: ['--disable-webgl', '--disable-3d-apis'] });
  });
  after(async () => {
    await b?.close();
  });
  it('draws the plot in basic mode and says so; colours, highlighting and hover work', async () => {
    const p = await demo(b);
    try {
      assert.equal(await p.eval(() => !!document.createElement('canvas').getContext('webgl2')), false);
      await checkBasicPlot(p, /^Basic plot mode: no WebGL in this browser/);
      await p.screenshot(repoPath('e2e/out/plot-basic.png'));
    } finally {
      await p.close();
    }
  });
});

describe('WebGL context lost mid-session (Chromium)', () => {
  let b: BrowserSession;
  before(async () => {
    b = await launchBrowser('chromium');
  });
  after(async () => {
    await b?.close();
  });
  it('switches to the basic plot with the same points and colours, and says why', async () => {
    const p = await demo(b);
    try {
      await waitPlotted(p, 2000);
      assert.equal(await p.eval(() => document.getElementById('plot')!.dataset.plotMode), 'webgl');
      await p.eval(() => (document.querySelector('#plot canvas') as HTMLCanvasElement).getContext('webgl2')!.getExtension('WEBGL_lose_context')!.loseContext());
      await p.waitFor(() => document.getElementById('plot')!.dataset.plotMode === 'basic');
      await checkBasicPlot(p, /^Basic plot mode: the browser lost WebGL/);
    } finally {
      await p.close();
    }
  });
});

// `annotate --plot`: the three-panel results figure through the CLI, on a computed UMAP (file
// without an embedding) and on the file's obsm X_umap; SVG parsed, PNG decoded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { unzlibSync } from 'fflate';
import { column, readCsv, repoPath, sharedPath } from '../engine/testing/fixtures.ts';

const BIN = repoPath('web/cli/bin.mjs');

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

/** PNG → { width, height, pixel(x, y) } (our encoder writes one IDAT, filter 0 rows). */
function decodePng(file: string) {
  const b = readFileSync(file);
  assert.deepEqual([...b.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const raw = unzlibSync(b.subarray(b.indexOf('IDAT') + 4, b.indexOf('IEND') - 8));
  assert.equal(raw.length, (width * 4 + 1) * height);
  const colors = new Set<string>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * (width * 4 + 1) + 1 + x * 4;
      colors.add(((raw[i] << 16) | (raw[i + 1] << 8) | raw[i + 2]).toString(16).padStart(6, '0'));
    }
  }
  return { width, height, colors };
}

describe('annotate --plot (results figure)', () => {
  it('draws majority voting, predicted labels and confidence on a computed UMAP as SVG', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-plot-'));
    const svg = path.join(out, 'fig.svg');
    const r = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', out,
      '--majority-voting', '--over-clustering', 'given_clusters', '--min-prop', '0.6', '--plot', svg, '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /results figure on a computed UMAP/);
    const labels = readCsv(path.join(out, 'predicted_labels.csv'));
    const nLegend = new Set(column(labels, 'majority_voting')).size + new Set(column(labels, 'predicted_labels')).size;
    const py = spawnSync('python3', ['-c', `
import sys, base64, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
texts = [t.text for t in root.iter(ns + 'text')]
titles = [t for t in texts if t in ('majority_voting', 'predicted_labels', 'conf_score')]
images = [i.get('href') for i in root.iter(ns + 'image')]
pngs = [base64.b64decode(h.split(',', 1)[1])[:8] == b'\\x89PNG\\r\\n\\x1a\\n' for h in images]
legend = [c for c in root.iter(ns + 'circle') if c.get('class') == 'legend']
het = [t for t in texts if t and t.startswith('Heterogeneous (')]
print(','.join(titles), len(images), all(pngs), len(legend), len(het))
`, svg], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), `majority_voting,predicted_labels,conf_score 3 True ${nLegend} 1`);
  });

  it("uses the file's obsm X_umap and writes a PNG with a shared colour per cell type", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-plot-'));
    const png = path.join(out, 'fig.png');
    const r = cli(['annotate', '-i', sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), '-m', sharedPath('fixtures/models/pbmc68k_bulk.pkl'), '-o', out,
      '--majority-voting', '--over-clustering', 'louvain', '--plot', png, '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /results figure on obsm\['X_umap'\]/);
    const { width, height, colors } = decodePng(png);
    assert.ok(width > 2000 && height > 700, `${width}×${height}`);
    // scanpy's first palette colours (sorted labels) and viridis' top are drawn.
    for (const c of ['1f77b4', 'ff7f0e', 'fde725']) assert.ok(colors.has(c), c);
  });

  it('refuses a figure file that is neither .png nor .svg before annotating', () => {
    const r = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', tmpdir(), '--plot', 'fig.pdf']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: --plot must end in \.png or \.svg \(got 'fig\.pdf'\)/);
  });
});

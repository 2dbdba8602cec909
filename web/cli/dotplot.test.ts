// `celltypist-wasm dotplot` end to end: spawned like a user runs it, on an .h5ad annotated by
// the CLI itself; the table against scanpy's values, the SVG parsed (one dot per group × gene),
// the PNG decoded, and the error paths.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { unzlibSync } from 'fflate';
import { repoPath, sharedPath } from '../engine/testing/fixtures.ts';

const BIN = repoPath('web/cli/bin.mjs');
const DIR = sharedPath('fixtures/expected/toy_lr__query_1k/dotplot_predicted_labels');
const MODEL = sharedPath('fixtures/models/toy_lr.pkl');
const QUERY = sharedPath('fixtures/synthetic/query_1k.h5ad');
const GENES = readFileSync(`${DIR}/genes.txt`, 'utf8').trim();

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

function table(text: string): { group: string; gene: string; fraction: number; mean: number }[] {
  const [head, ...rows] = text.trim().split('\n');
  assert.equal(head, 'group,gene,fraction,mean_expression');
  return rows.map((l) => {
    const [group, gene, f, m] = l.split(',');
    return { group, gene, fraction: Number(f), mean: Number(m) };
  });
}

describe('celltypist-wasm dotplot', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ctw-dotplot-'));
  const annotated = path.join(out, 'ann', 'annotated.h5ad');

  before(() => {
    const r = cli(['annotate', '-i', QUERY, '-m', MODEL, '-o', path.join(out, 'ann'), '--write-h5ad', '--quiet', '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
  });

  it("writes scanpy's values grouped by the annotated predicted_labels (fraction 1e-9, scaled mean 1e-6)", () => {
    const csv = path.join(out, 'dp.csv');
    const r = cli(['dotplot', '-i', annotated, '--groupby', 'predicted_labels', '--genes', GENES, '--table', csv]);
    assert.equal(r.status, 0, r.stderr);
    const got = table(readFileSync(csv, 'utf8'));
    const want = table(readFileSync(`${DIR}/expected_dotplot.csv`, 'utf8'));
    assert.equal(got.length, want.length);
    got.forEach((g, i) => {
      assert.equal(g.group, want[i].group);
      assert.equal(g.gene, want[i].gene);
      assert.ok(Math.abs(g.fraction - want[i].fraction) <= 1e-9, `${g.group}/${g.gene}`);
      assert.ok(Math.abs(g.mean - want[i].mean) <= 1e-6, `${g.group}/${g.gene}`);
    });
    assert.match(r.stderr, /dotplot of 11 genes over 6 groups of 'predicted_labels' \(1,000 cells\)/);
  });

  it('takes the model top markers without --genes and draws an SVG with one dot per group × gene', () => {
    const svg = path.join(out, 'dp.svg');
    const r = cli(['dotplot', '-i', annotated, '--groupby', 'predicted_labels', '-m', MODEL, '--top', '2', '--out', svg]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /top 2 markers of 6 cell types: 12 genes/);
    assert.match(r.stderr, /gene not found in the data: GENE0141; plotted the other 11/);
    // Parsed by a real XML parser (Python's ElementTree): 6 groups × 11 genes dots, each with its title.
    const py = spawnSync('python3', ['-c', `
import sys, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
dots = [c for c in root.iter(ns + 'circle') if c.get('class') == 'dot']
texts = [t.text for t in root.iter(ns + 'text')]
print(len(dots), sum(1 for d in dots if d.find(ns + 'title') is not None), 'CD8A' in texts, 'Platelets' in texts)
`, svg], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), '66 66 True True');
  });

  it('draws a PNG (valid chunks, the size of the figure at --scale)', () => {
    const png = path.join(out, 'dp.png');
    const r = cli(['dotplot', '-i', annotated, '--groupby', 'predicted_labels', '--genes', GENES, '--out', png, '--scale', '1', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const b = readFileSync(png);
    assert.deepEqual([...b.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const width = b.readUInt32BE(16);
    const height = b.readUInt32BE(20);
    assert.ok(width > 300 && height > 150, `${width}×${height}`);
    const idat = b.subarray(b.indexOf('IDAT') + 4, b.indexOf('IEND') - 8);
    const raw = unzlibSync(idat);
    assert.equal(raw.length, (width * 4 + 1) * height);
    // The darkest red of the colour map (a scaled mean of 1) is drawn.
    let dark = 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const i = y * (width * 4 + 1) + 1 + x * 4;
      if (raw[i] === 0x67 && raw[i + 1] === 0x00 && raw[i + 2] === 0x0d) dark++;
    }
    assert.ok(dark > 100, `dark pixels ${dark}`);
  });

  it('--standard-scale none writes the unscaled group means; group scales each group to [0, 1]', () => {
    const none = table(cli(['dotplot', '-i', annotated, '--groupby', 'sample', '--genes', 'CD3D,LYZ', '--standard-scale', 'none', '--quiet']).stdout);
    assert.deepEqual([...new Set(none.map((r) => r.group))], ['S1', 'S2', 'S3']);
    assert.ok(none.some((r) => r.mean > 1));
    const group = table(cli(['dotplot', '-i', annotated, '--groupby', 'sample', '--genes', 'CD3D,LYZ', '--standard-scale', 'group', '--quiet']).stdout);
    for (const g of ['S1', 'S2', 'S3']) assert.deepEqual(group.filter((r) => r.group === g).map((r) => r.mean).sort(), [0, 1]);
  });

  it('errors: one clear line for a missing column, a continuous numeric column, unknown genes only, a bad option', () => {
    const cases: [string[], RegExp][] = [
      [['--groupby', 'nope', '--genes', 'CD3D'], /^\nerror: obs has no column 'nope' to group cells by\. Columns: .*predicted_labels.*\n$/],
      [['--groupby', 'n_counts', '--genes', 'CD3D'], /^\nerror: obs column 'n_counts' is numeric with [\d,]+ distinct values, too many groups for a dotplot \(at most 100\): group by a categorical column/],
      [['--groupby', 'cell_type', '--genes', 'NOPE1,NOPE2'], /error: none of the genes is in the data: genes not found in the data: NOPE1, NOPE2\n$/],
      [['--groupby', 'cell_type', '--genes', 'CD3D', '--standard-scale', 'zscore'], /error: --standard-scale must be var, group or none, not 'zscore'/],
      [['--groupby', 'cell_type', '--genes', 'CD3D', '--out', path.join(out, 'x.pdf')], /error: --out must end in \.svg or \.png/],
    ];
    for (const [args, re] of cases) {
      const r = cli(['dotplot', '-i', annotated, ...args]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+|HDF5-DIAG/);
    }
    const usage = cli(['dotplot', '-i', annotated]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /dotplot needs --input, --groupby and --genes \(or --model\)/);
  });

  it('names unknown genes and plots the rest', () => {
    const r = cli(['dotplot', '-i', annotated, '--groupby', 'cell_type', '--genes', 'CD3D,FOO1,LYZ']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: gene not found in the data: FOO1; plotted the other 2/);
    const t = table(r.stdout);
    assert.deepEqual([...new Set(t.map((x) => x.gene))], ['CD3D', 'LYZ']);
    assert.equal(t.length, 2 * new Set(t.map((x) => x.group)).size);
  });
});

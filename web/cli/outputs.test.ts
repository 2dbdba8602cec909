// The CLI's output files as a user meets them: streamed tables equal to the engine's whole-table
// writer, --no-matrices, and every way writing can fail ending in one clear line, exit 1, and no
// file that looks complete.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { toTable } from '../engine/export/csv.ts';
import { annotate } from '../engine/node.ts';
import { repoPath, sharedPath } from '../engine/testing/fixtures.ts';

const BIN = repoPath('web/cli/bin.mjs');
const INPUT = sharedPath('fixtures/synthetic/query_1k.h5ad');
const MODEL = sharedPath('fixtures/models/toy_lr.pkl');

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'ctw-out-'));

/** Exit 1 and exactly one non-empty stderr line: "error: ...", no stack trace. */
function assertOneLineError(r: ReturnType<typeof cli>, pattern: RegExp) {
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], pattern);
}

describe('CLI annotate output files', () => {
  it('streams tables byte-identical to the whole-table writer (with --prefix)', async () => {
    const out = tmp();
    const r = cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', out, '--prefix', 'run1_', '--quiet', '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    const result = await annotate(INPUT, MODEL, { variant: 'simd' });
    const want = toTable(result, 'run1_');
    assert.deepEqual(readdirSync(out).sort(), want.map((f) => f.name).sort());
    for (const f of want) assert.equal(readFileSync(path.join(out, f.name), 'utf8'), f.content, f.name);
  });

  it('--no-matrices writes predicted_labels.csv only; --help says why', () => {
    const out = tmp();
    const r = cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', out, '--no-matrices', '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out), ['predicted_labels.csv']);
    assert.match(r.stderr, /wrote \S+predicted_labels\.csv\n/);
    assert.match(cli(['--help']).stdout, /--no-matrices[^]*MemoryError/);
  });

  it('an output folder that cannot be created: one line, exit 1, before any work', () => {
    const r = cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', '/sys/ctw-out', '--variant', 'simd']);
    assertOneLineError(r, /cannot create the output folder \/sys\/ctw-out: permission denied; choose another output folder \(-o\)/);
    // Node's recursive mkdir never returns under /proc: ours does.
    assertOneLineError(cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', '/proc/ctw-out/x', '--variant', 'simd']), /cannot create the output folder/);
    const dir = tmp();
    writeFileSync(path.join(dir, 'afile'), 'x');
    assertOneLineError(cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', path.join(dir, 'afile', 'out')]), /a file is in the way of the output folder/);
  });

  it('a full disk mid-run: one line, exit 1, no partial or complete-looking table, older results kept', () => {
    const out = tmp();
    assert.equal(cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', out, '--quiet', '--variant', 'simd']).status, 0);
    const before = readFileSync(path.join(out, 'probability_matrix.csv'), 'utf8');
    // The probability table's bytes go to /dev/full, which fails every write with ENOSPC.
    symlinkSync('/dev/full', path.join(out, 'probability_matrix.csv.partial'));
    const r = cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', out, '--mode', 'prob_match', '--variant', 'simd']);
    assertOneLineError(r, /the disk is full \(ENOSPC\) while writing \S+probability_matrix\.csv: free some space or choose another output folder/);
    assert.deepEqual(readdirSync(out).sort(), ['decision_matrix.csv', 'predicted_labels.csv', 'probability_matrix.csv']);
    assert.equal(readFileSync(path.join(out, 'probability_matrix.csv'), 'utf8'), before);
    const fresh = tmp();
    symlinkSync('/dev/full', path.join(fresh, 'decision_matrix.csv.partial'));
    assertOneLineError(cli(['annotate', '-i', INPUT, '-m', MODEL, '-o', fresh, '--variant', 'simd']), /disk is full/);
    assert.deepEqual(readdirSync(fresh), []);
  });

  it('models written by subset (and train, convert) are all or nothing too', () => {
    const dir = tmp();
    const out = path.join(dir, 'sub.pkl');
    symlinkSync('/dev/full', `${out}.partial`);
    assertOneLineError(cli(['subset', '-m', MODEL, '--types', 'B cells,NK cells,Platelets', '-o', out]), /the disk is full \(ENOSPC\) while writing \S+sub\.pkl/);
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(cli(['subset', '-m', MODEL, '--types', 'B cells,NK cells,Platelets', '-o', out]).status, 0);
    assert.deepEqual(readdirSync(dir), ['sub.pkl']);
  });

  it('Ctrl-C during a run removes the partial files and exits 130', async () => {
    const out = tmp();
    const child = spawn(process.execPath, [BIN, 'annotate', '-i', INPUT, '-m', MODEL, '-o', out, '--majority-voting', '--umap', '--quiet', '--variant', 'simd'], {
      env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the run has opened its tables (they are opened before any work).
    while (!readdirSync(out).some((f) => f.endsWith('.partial'))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /interrupted \(SIGINT\): no output was written/);
    assert.deepEqual(readdirSync(out), []);
  });

  it('a model too large for WebAssembly memory: one line, exit 1, the file is not read', () => {
    const dir = tmp();
    const huge = path.join(dir, 'huge.pkl');
    const fd = openSync(huge, 'w');
    closeSync(fd);
    spawnSync('truncate', ['-s', '3G', huge]); // sparse: no disk space used
    const r = cli(['annotate', '-i', INPUT, '-m', huge, '-o', path.join(dir, 'out')]);
    assertOneLineError(r, /the model '\S+huge\.pkl' is 3\.2 GB: models up to 1\.5 GB fit in WebAssembly's 4 GB memory/);
    assert.equal(existsSync(path.join(dir, 'out', 'predicted_labels.csv')), false);
  });
});

/**
 * The compiled CLI's whole-command figure for one file (process start to exit, all tables
 * written), for benchmarks that print another front end beside it on the same machine in the
 * same minute (scripts/bench-app.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled CLI (`npm run build`); the TypeScript one starts seconds slower, not what users run. */
export const CLI_BIN = path.join(repo, 'dist/lib/cli/bin.js');

export interface CliFigure {
  wall: number;
  cpu: number;
  rssMb: number;
  load: number;
}

/** One `annotate` run of the compiled CLI, or a sentence saying why there is none. */
export function cliFigure(input: string, model: string, args: string[] = []): CliFigure | string {
  if (!existsSync(CLI_BIN)) return `no compiled CLI (${path.relative(repo, CLI_BIN)}): run \`npm run build\``;
  const out = mkdtempSync(path.join(tmpdir(), 'ct-cli-figure-'));
  try {
    const stats = path.join(out, '.time');
    const load = loadavg()[0];
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', stats, process.execPath, CLI_BIN, 'annotate', '-i', input, '-m', model, '-o', out, '--quiet', ...args], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
    });
    if (r.status !== 0) return `the CLI failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`;
    const [wall, user, sys, kb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return { wall, cpu: user + sys, rssMb: kb / 1024, load };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** "CLI 0.91 s wall (1.6 s CPU, 210 MB; load 1.2)", or why there is no figure. */
export function describeCli(f: CliFigure | string): string {
  return typeof f === 'string' ? `CLI: ${f}` : `CLI ${f.wall.toFixed(2)} s wall (${f.cpu.toFixed(1)} s CPU, peak RSS ${f.rssMb.toFixed(0)} MB; load ${f.load.toFixed(1)})`;
}

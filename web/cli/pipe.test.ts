import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs a script that writes 8 MB to stdout, reads its first bytes only, then closes the pipe. */
function readHeadOnly(withHandler: boolean): Promise<{ code: number | null; stderr: string }> {
  const script = `${withHandler ? `(await import(${JSON.stringify(path.join(here, 'pipe.ts'))})).endQuietlyOnClosedPipe();` : ''}
for (let i = 0; i < 8192; i++) process.stdout.write('x'.repeat(1023) + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('endQuietlyOnClosedPipe', () => {
  it('ends with status 0 and nothing on stderr when the reader closes the pipe early (`| head`)', async () => {
    const r = await readHeadOnly(true);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('without it, Node crashes with EPIPE and a stack trace (what the handler prevents)', async () => {
    const r = await readHeadOnly(false);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /EPIPE/);
  });
});

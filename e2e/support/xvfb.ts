/**
 * A virtual X display (Xvfb) for the browsers that need one: Firefox ESR draws WebGL through Mesa
 * only with a display, and WebKitGTK's MiniBrowser has no headless mode. Xvfb picks a free display
 * number itself (-displayfd); one display serves every browser of a test file.
 */
import { spawn } from 'node:child_process';

export interface Display {
  /** ':N', for DISPLAY. */
  name: string;
  stop(): Promise<void>;
}

let shared: { display: Promise<Display>; users: number } | null = null;

/** Starts Xvfb (or reuses the one this process started); `stop()` ends it when its last user stops. */
export function startXvfb(): Promise<Display> {
  if (shared) {
    shared.users++;
    return shared.display;
  }
  const display = launch().then((d) => ({
    name: d.name,
    stop: async () => {
      if (!shared || --shared.users > 0) return;
      shared = null;
      await d.stop();
    },
  }));
  shared = { display, users: 1 };
  display.catch(() => (shared = null));
  return display;
}

function launch(): Promise<Display> {
  return new Promise((resolve, reject) => {
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1000x24', '-nolisten', 'tcp', '-noreset'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`Xvfb did not start within 20 s: ${err.trim().split('\n').pop() ?? ''}`)), 20_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.on('error', (e) => fail(new Error(`cannot start Xvfb (${e.message}): install the xvfb package (scripts/setup.sh)`)));
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdio[3]!.on('data', (b: Buffer) => {
      out += b.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const name = `:${out.trim()}`;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        name,
        stop: async () => {
          child.kill();
          await exited;
        },
      });
    });
  });
}

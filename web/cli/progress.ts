/** A one-line progress bar on a TTY; silent otherwise. */
import type { Progress } from '../engine/types.ts';

export function progressPrinter(stream: NodeJS.WriteStream, quiet: boolean): (p: Progress) => void {
  if (quiet || !stream.isTTY) return () => {};
  let last = '';
  return (p) => {
    const width = 30;
    const filled = Math.round(p.fraction * width);
    const line = `${p.stage.padEnd(15)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)}% ${p.message ?? ''}`;
    if (line !== last) {
      stream.write(`\r${line.slice(0, (stream.columns ?? 100) - 1)}\x1b[K`);
      last = line;
    }
    if (p.fraction >= 1 && p.stage === 'predict') stream.write('\n');
  };
}

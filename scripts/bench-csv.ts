/**
 * CSV number formatting throughput (not a test): a 20k cells x 98 types probability table and a
 * decision table formatted by the core (Python repr, shortest round trip) through the chunked
 * producer, vs the TypeScript pyFloat it replaced. MB/s of CSV on process CPU time.
 *
 *   tsx scripts/bench-csv.ts [--cells 20000] [--types 98] [--variant simd|simd-threads]
 */
import { parseArgs } from 'node:util';
import { matrixCsv } from '../web/engine/export/csv.ts';
import { matrixCsvChunks } from '../web/engine/export/csv-stream.ts';
import type { AnnotationResult } from '../web/engine/types.ts';
import { loadCore } from '../web/engine/wasm/load.ts';

const { values } = parseArgs({ options: { cells: { type: 'string', default: '20000' }, types: { type: 'string', default: '98' }, variant: { type: 'string', default: 'simd' } } });
const n = Number(values.cells);
const L = Number(values.types);
const { core } = await loadCore({ variant: values.variant as 'simd' | 'simd-threads' });
const ids = Array.from({ length: n }, (_, i) => `AAACCTGAGAAGGCCT-${i}`);
const labels = Array.from({ length: L }, (_, i) => `type ${i}`);
let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const decision = Float64Array.from({ length: n * L }, () => (rand() - 0.8) * 30);
const probability = decision.map((d) => 1 / (1 + Math.exp(-d)));

function cpu<T>(fn: () => T): { seconds: number; value: T } {
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { seconds: (c.user + c.system) / 1e6, value };
}

for (const [name, m] of [['probability', probability], ['decision', decision]] as const) {
  const core_ = cpu(() => {
    let bytes = 0;
    for (const chunk of matrixCsvChunks(core, ids, labels, m)) bytes += chunk.length;
    return bytes;
  });
  const ts = cpu(() => matrixCsv({ cell_ids: ids, labels } as unknown as AnnotationResult, m).length);
  console.log(
    `${name} table ${n} x ${L}: core ${(core_.value / 1e6).toFixed(1)} MB in ${core_.seconds.toFixed(2)} s CPU = ${(core_.value / 1e6 / core_.seconds).toFixed(0)} MB/s; ` +
      `TypeScript pyFloat ${(ts.value / 1e6 / ts.seconds).toFixed(0)} MB/s (${(ts.seconds / core_.seconds).toFixed(1)}x slower)`,
  );
}

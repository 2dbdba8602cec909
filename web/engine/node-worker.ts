/**
 * Node worker-thread entry: runs `annotate` off the main thread (the Node counterpart of the
 * browser worker). Protocol: one request in (workerData), progress/result/error messages out;
 * result arrays are transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { annotate, type NodeAnnotateOptions } from './node.ts';
import { CellTypistError } from './types.ts';

const { input, model, options } = workerData as { input: string; model: string | Uint8Array; options: NodeAnnotateOptions };
const port = parentPort!;
let cancel: AbortController | null = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') cancel?.abort();
});
try {
  const result = await annotate(input, model, { ...options, signal: cancel.signal }, (progress) => port.postMessage({ type: 'progress', progress }));
  const transfer = [result.conf_score.buffer, result.decision_matrix?.buffer, result.probability_matrix?.buffer].filter((b): b is ArrayBuffer => !!b);
  port.postMessage({ type: 'result', result }, transfer);
} catch (e) {
  port.postMessage({ type: 'error', code: e instanceof CellTypistError ? e.code : 'error', message: (e as Error).message });
} finally {
  cancel = null;
  port.close();
}

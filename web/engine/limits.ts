/**
 * What cannot fit: the wasm32 core addresses at most 4 GB, and a model is held twice while it is
 * parsed (its file bytes and its arrays). These turn "cannot fit" into one clear message before
 * anything crashes.
 */
import { CellTypistError } from './types.ts';

/** Largest model file accepted: CellTypist's catalog models are under 100 MB. */
export const MAX_MODEL_BYTES = 1_500_000_000;

const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;

/** Refuses a model file too large for the 4 GB WebAssembly memory. */
export function checkModelSize(bytes: number, name: string): void {
  if (bytes > MAX_MODEL_BYTES) {
    throw new CellTypistError(
      'model_too_large',
      `the model ${name} is ${gb(bytes)}: models up to ${gb(MAX_MODEL_BYTES)} fit in WebAssembly's 4 GB memory (CellTypist's models are under 0.1 GB); check that it is a CellTypist .pkl, or subset it to fewer cell types/genes`,
    );
  }
}

/** Out-of-memory errors from wasm (bad_alloc, failed growth) or JS allocations, as one clear message. */
export function memoryError(e: unknown): CellTypistError | null {
  const m = (e as Error)?.message ?? '';
  if (!/bad_alloc|out of WebAssembly memory|Cannot enlarge memory|Array buffer allocation failed|Invalid typed array length|Aborted\(OOM\)|Out of memory|could not allocate memory/i.test(m)) return null;
  // A refusal by the system (a memory limit, ulimit -v, a full machine) reads "Out of memory: Cannot
  // allocate Wasm memory" or "could not allocate memory"; growth past 4 GB reads "Cannot enlarge memory".
  const refused = /Out of memory|could not allocate memory/i.test(m);
  return new CellTypistError(
    'out_of_memory',
    refused
      ? 'the system refused the memory this run needs (a memory limit such as ulimit -v or a container limit, or other programs using it): free memory or raise the limit, then annotate with --no-matrices and without --write-h5ad, or split the file into fewer cells per run'
      : 'the run needs more memory than WebAssembly can address (4 GB): annotate with --no-matrices and without --write-h5ad, or split the file into fewer cells per run',
  );
}

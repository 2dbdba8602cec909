/** Test helper: writes a small .h5ad (CSR X, obs, var) with our writer into a fresh temp folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsrWriter, type WGroup, WRITE_LIBVER, writeDataframe, writeRootSkeleton } from '../h5ad/write.ts';

export interface TestMatrix {
  data: Float32Array;
  indices: Int32Array;
  indptr: ArrayLike<number>;
  n_cols: number;
}

/** Returns the path of `name` written in a new temp folder. */
export async function writeTestH5ad(
  name: string,
  x: TestMatrix,
  obsNames: string[],
  varNames: string[],
  varColumns: Record<string, string[] | Float64Array> = {},
): Promise<string> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-test-')), name);
  const f = new h5.File(out, 'w', { libver: WRITE_LIBVER });
  const root = f as unknown as WGroup;
  writeRootSkeleton(root);
  const w = new CsrWriter(root, 'X', x.n_cols);
  w.append(x.data, x.indices, Array.from(x.indptr));
  w.finish();
  writeDataframe(root, 'obs', obsNames, {});
  writeDataframe(root, 'var', varNames, varColumns);
  f.close();
  return out;
}

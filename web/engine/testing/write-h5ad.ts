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

/** What writeLayoutH5ad writes: X of n cells × g genes holding value(cell, gene), zeros left out. */
export interface LayoutMatrix {
  n: number;
  g: number;
  value: (cell: number, gene: number) => number;
  obsNames: string[];
  varNames: string[];
  varColumns?: Record<string, string[] | Float64Array>;
  /** Each nonzero stored as two halves in the same column (a non-canonical sparse file). */
  split?: boolean;
  /** Writes more into the file (e.g. an obs column) before it is closed. */
  extend?: (root: WGroup) => void;
}

/** A small .h5ad with X stored as CSR, CSC or dense, in a new temp folder; returns its path. */
export async function writeLayoutH5ad(layout: 'csr' | 'csc' | 'dense', m: LayoutMatrix): Promise<string> {
  const { n: N, g: G, value } = m;
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-layout-')), `${layout}.h5ad`);
  const f = new h5.File(out, 'w', { libver: WRITE_LIBVER });
  const root = f as unknown as WGroup;
  writeRootSkeleton(root);
  if (layout === 'dense') {
    const x = new Float32Array(N * G);
    for (let i = 0; i < N; i++) for (let j = 0; j < G; j++) x[i * G + j] = value(i, j);
    const ds = root.create_dataset({ name: 'X', data: x, shape: [N, G] });
    ds.create_attribute('encoding-type', 'array');
    ds.create_attribute('encoding-version', '0.2.0');
  } else {
    const [outer, inner] = layout === 'csr' ? [N, G] : [G, N];
    const data: number[] = [];
    const indices: number[] = [];
    const indptr = [0];
    for (let a = 0; a < outer; a++) {
      for (let b = 0; b < inner; b++) {
        const v = layout === 'csr' ? value(a, b) : value(b, a);
        if (v === 0) continue;
        if (m.split) data.push(v / 2, v / 2), indices.push(b, b);
        else data.push(v), indices.push(b);
      }
      indptr.push(data.length);
    }
    const g = root.create_group('X');
    g.create_attribute('encoding-type', `${layout}_matrix`);
    g.create_attribute('encoding-version', '0.1.0');
    g.create_attribute('shape', new Int32Array([N, G]) as never);
    g.create_dataset({ name: 'data', data: Float32Array.from(data) });
    g.create_dataset({ name: 'indices', data: Int32Array.from(indices) });
    g.create_dataset({ name: 'indptr', data: Int32Array.from(indptr) });
  }
  writeDataframe(root, 'obs', m.obsNames, {});
  writeDataframe(root, 'var', m.varNames, m.varColumns ?? {});
  m.extend?.(root);
  f.close();
  return out;
}

/**
 * Generates the app's embedded demo (web/app/public/demo/): a small synthetic PBMC-like dataset
 * (demo.h5ad: 1,500 cells × 400 genes, log1p-normalized to 10,000 counts, obs sample/leiden,
 * obsm X_umap) and a matching CellTypist-format model (demo_model.pkl: L2 logistic regression
 * one-vs-rest trained here on standardized data, pickled with the same dict layout as
 * CellTypist's Model.write). Deterministic (seeded); re-run to regenerate.
 *
 *   tsx scripts/make-demo.ts [--out web/app/public/demo]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom as rng } from './seeded-random.ts';
import { writeModelPickle } from '../web/engine/models/pickle-writer.ts';
import { CsrWriter, type WGroup, WRITE_LIBVER, writeDataframe, writeRootSkeleton } from '../web/engine/h5ad/write.ts';


const TYPES: Record<string, string[]> = {
  'B cells': ['MS4A1', 'CD79A', 'CD79B', 'CD19', 'BANK1', 'IGHM'],
  'CD4+ T cells': ['CD3D', 'CD3E', 'CD4', 'IL7R', 'CCR7', 'LEF1'],
  'CD8+ T cells': ['CD3D', 'CD3E', 'CD8A', 'CD8B', 'GZMK', 'CCL5'],
  'Classical monocytes': ['CD14', 'LYZ', 'S100A8', 'S100A9', 'FCN1', 'VCAN'],
  'NK cells': ['NKG7', 'GNLY', 'KLRD1', 'PRF1', 'GZMB', 'FCGR3A'],
  Platelets: ['PPBP', 'PF4', 'GP9', 'ITGA2B', 'TUBB1', 'SPARC'],
};
const HOUSEKEEPING = ['ACTB', 'GAPDH', 'MALAT1', 'B2M', 'TMSB4X', 'EEF1A1', 'RPL13', 'RPS27'];

function normal(r: () => number) {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}


// ---- data ---------------------------------------------------------------------------------
export async function makeDemo(outDir: string) {
  const r = rng(20260101);
  const labels = Object.keys(TYPES);
  const markers = [...new Set(Object.values(TYPES).flat())];
  const genes = [...HOUSEKEEPING, ...markers];
  while (genes.length < 400) genes.push(`GENE${String(genes.length).padStart(4, '0')}`);
  const G = genes.length;
  const gi = new Map(genes.map((g, i) => [g, i]));
  // Per-type expected counts: background + markers (+ a few random type-specific genes).
  const profile = labels.map((t) => {
    const mu = new Float64Array(G);
    for (let g = 0; g < G; g++) mu[g] = 0.05 + 0.6 * r() ** 3;
    for (const h of HOUSEKEEPING) mu[gi.get(h)!] = 8 + 10 * r();
    for (const mk of TYPES[t]) mu[gi.get(mk)!] += 3 + 4 * r();
    return mu;
  });
  const N = 1500;
  const sizes = [0.17, 0.3, 0.2, 0.18, 0.1, 0.05];
  const cellType: string[] = [];
  for (let t = 0; t < labels.length; t++) for (let i = 0; i < Math.round(sizes[t] * N); i++) cellType.push(labels[t]);
  while (cellType.length < N) cellType.push(labels[1]);
  cellType.length = N;
  // shuffle
  for (let i = N - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [cellType[i], cellType[j]] = [cellType[j], cellType[i]];
  }
  const X = new Float32Array(N * G); // dense for training; written as CSR
  for (let c = 0; c < N; c++) {
    const mu = profile[labels.indexOf(cellType[c])];
    const depth = 0.5 + r();
    let total = 0;
    const counts = new Float64Array(G);
    for (let g = 0; g < G; g++) {
      // Poisson via inversion (small means)
      const lam = mu[g] * depth;
      let k = 0;
      let p = Math.exp(-lam);
      let s = p;
      const u = r();
      while (u > s && k < 200) {
        k++;
        p *= lam / k;
        s += p;
      }
      counts[g] = k;
      total += k;
    }
    for (let g = 0; g < G; g++) X[c * G + g] = counts[g] > 0 ? Math.log1p((counts[g] / Math.max(total, 1)) * 1e4) : 0;
  }
  // Standardize and fit one-vs-rest L2 logistic regression by gradient descent.
  const mean = new Float64Array(G);
  const scale = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    let s = 0;
    let s2 = 0;
    for (let c = 0; c < N; c++) {
      s += X[c * G + g];
      s2 += X[c * G + g] ** 2;
    }
    mean[g] = s / N;
    const v = s2 / N - mean[g] ** 2;
    scale[g] = v > 0 ? Math.sqrt(v) : 1;
  }
  const Z = new Float64Array(N * G);
  for (let c = 0; c < N; c++) for (let g = 0; g < G; g++) Z[c * G + g] = Math.min((X[c * G + g] - mean[g]) / scale[g], 10);
  const L = labels.length;
  const coef = new Float64Array(L * G);
  const intercept = new Float64Array(L);
  const lr = 0.5;
  for (let t = 0; t < L; t++) {
    const w = coef.subarray(t * G, (t + 1) * G);
    let b = 0;
    for (let it = 0; it < 150; it++) {
      const grad = new Float64Array(G);
      let gb = 0;
      for (let c = 0; c < N; c++) {
        let z = b;
        for (let g = 0; g < G; g++) z += w[g] * Z[c * G + g];
        const e = 1 / (1 + Math.exp(-z)) - (cellType[c] === labels[t] ? 1 : 0);
        gb += e;
        for (let g = 0; g < G; g++) grad[g] += e * Z[c * G + g];
      }
      for (let g = 0; g < G; g++) w[g] -= lr * (grad[g] / N + w[g] / N);
      b -= lr * (gb / N);
    }
    intercept[t] = b;
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    path.join(outDir, 'demo_model.pkl'),
    writeModelPickle({
      estimator: 'LogisticRegression',
      labels,
      features: genes,
      coef,
      intercept,
      mean,
      var: scale.map((s) => s * s),
      scale,
      with_mean: true,
      n_samples_seen: N,
      description: {
        date: '2026-01-01 00:00:00.000000',
        details: 'celltypist-wasm demo model: 6 PBMC-like cell types (synthetic)',
        url: '',
        source: 'celltypist-wasm demo (synthetic)',
        version: 'v1',
        number_celltypes: labels.length,
      },
    }),
  );

  // The dataset: CSR X, obs (sample, leiden-like clusters), obsm X_umap (blobs per type).
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const file = new h5.File(path.join(outDir, 'demo.h5ad'), 'w', { libver: WRITE_LIBVER });
  const root = file as unknown as WGroup;
  writeRootSkeleton(root, ['obsm']);
  const w = new CsrWriter(root, 'X', G);
  const data: number[] = [];
  const indices: number[] = [];
  const indptr = [0];
  for (let c = 0; c < N; c++) {
    for (let g = 0; g < G; g++) {
      const v = X[c * G + g];
      if (v !== 0) {
        data.push(v);
        indices.push(g);
      }
    }
    indptr.push(data.length);
  }
  w.append(Float32Array.from(data), Int32Array.from(indices), indptr);
  w.finish();
  const centers = labels.map((_, t) => [8 * Math.cos((2 * Math.PI * t) / L), 8 * Math.sin((2 * Math.PI * t) / L)]);
  const umap = new Float32Array(N * 2);
  const leiden: string[] = [];
  for (let c = 0; c < N; c++) {
    const t = labels.indexOf(cellType[c]);
    const sub = Math.floor(r() * 3);
    umap[2 * c] = centers[t][0] + 1.2 * normal(r) + (sub - 1) * 0.8;
    umap[2 * c + 1] = centers[t][1] + 1.2 * normal(r);
    leiden.push(String(t * 3 + sub));
  }
  const ids = Array.from({ length: N }, (_, c) => `demo_${String(c).padStart(4, '0')}-1`);
  writeDataframe(root, 'obs', ids, { sample: ids.map((_, c) => `donor${1 + (c % 3)}`), leiden, cell_type: cellType });
  writeDataframe(root, 'var', genes, {});
  const obsm = root.create_group('obsm');
  obsm.create_attribute('encoding-type', 'dict');
  obsm.create_attribute('encoding-version', '0.1.0');
  const ds = obsm.create_dataset({ name: 'X_umap', data: umap, shape: [N, 2] });
  ds.create_attribute('encoding-type', 'array');
  ds.create_attribute('encoding-version', '0.2.0');
  file.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'web/app/public/demo' } } });
  await makeDemo(values.out!);
  console.log(`wrote ${values.out}/demo.h5ad and demo_model.pkl`);
}

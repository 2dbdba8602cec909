/**
 * Generates a large synthetic query .h5ad (log1p-normalized to 10,000 counts, CSR, written in
 * row chunks with bounded memory) shaped like 10x data and like ../shared/bench's query:
 * the model's genes (5% dropped) plus extra genes, shuffled; ~15% of genes nonzero per cell.
 * Cells belong to `--types` groups, each with 200 marker genes expressed more often and more
 * strongly, so that clustering has structure to find (0 = no structure).
 *
 *   tsx scripts/make-synthetic-h5ad.ts --out FILE [--cells 20000] [--genes 19639]
 *        [--density 0.15] [--types 30] [--model ../shared/bench/bench98.pkl] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { seededRandom as rng } from './seeded-random.ts';
import { modelInfo } from '../web/engine/node.ts';
import { CsrWriter, type WGroup, WRITE_LIBVER, writeDataframe, writeRootSkeleton } from '../web/engine/h5ad/write.ts';


export async function makeSynthetic(opts: { out: string; cells: number; genes: number; density: number; types?: number; model?: string; seed: number }) {
  const rand = rng(opts.seed);
  const features = opts.model ? (await modelInfo(opts.model, 0, true)).features ?? [] : [];
  const genes = features.filter(() => rand() > 0.05);
  for (let i = 0; genes.length < opts.genes; i++) genes.push(`XGENE${String(i).padStart(5, '0')}`);
  for (let i = genes.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [genes[i], genes[j]] = [genes[j], genes[i]];
  }
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(opts.out, 'w', { libver: WRITE_LIBVER });
  const root = f as unknown as WGroup;
  writeRootSkeleton(root);
  const nG = genes.length;
  const nTypes = Math.max(0, opts.types ?? 0);
  const markers = Array.from({ length: nTypes }, () => {
    const m = new Uint8Array(nG);
    for (let k = 0; k < 200; k++) m[Math.floor(rand() * nG)] = 1;
    return m;
  });
  const mIdx = new Int32Array(200);
  const mVal = new Float32Array(200);
  const markerList = markers.map((m) => m.reduce<number[]>((acc, v, g) => (v ? (acc.push(g), acc) : acc), []));
  const types: string[] = [];
  const chunk = 2048;
  // int32 row pointers when the nonzeros surely fit, as scipy and anndata write them: CellTypist
  // 1.7.1 with scipy 1.10 fails on int64 row pointers next to int32 column indices.
  const maxNnz = opts.cells * nG * opts.density * 1.3 + (opts.cells / chunk + 1) * (nG + 1);
  const w = new CsrWriter(root, 'X', nG, 'float32', maxNnz < 0x7fffffff ? 'int32' : 'int64');
  const cellIds: string[] = [];
  const samples: string[] = [];
  const t0 = performance.now();
  for (let start = 0; start < opts.cells; start += chunk) {
    const rows = Math.min(chunk, opts.cells - start);
    const cap = Math.ceil(rows * nG * opts.density * 1.3) + nG;
    const data = new Float32Array(cap);
    const indices = new Int32Array(cap);
    const indptr = new Int32Array(rows + 1);
    let k = 0;
    for (let r = 0; r < rows; r++) {
      const rowStart = k;
      let total = 0;
      // Cell-specific depth makes the density vary around the target.
      const p = opts.density * (0.6 + 0.8 * rand());
      const t = nTypes ? (start + r) % nTypes : -1;
      const mk = t >= 0 ? markers[t] : null;
      if (t >= 0) types.push(`type${t}`);
      // Nonzero genes by geometric skips (O(nonzeros), not O(genes): 1M-cell files are fast),
      // then the markers of the cell's type with a higher rate and counts, merged in order.
      const pm = Math.min(0.9, 4 * p);
      const logq = Math.log(1 - p);
      let nm = 0;
      if (mk) {
        for (const g of markerList[t]) {
          if (rand() < pm) {
            mIdx[nm] = g;
            mVal[nm++] = (1 + Math.floor(-Math.log(1 - rand()) * 2.5)) * 3;
          }
        }
      }
      let mi = 0;
      const push = (g: number, c: number) => {
        if (k >= cap) return;
        data[k] = c;
        indices[k++] = g;
        total += c;
      };
      for (let g = Math.floor(Math.log(1 - rand()) / logq); g < nG; g += 1 + Math.floor(Math.log(1 - rand()) / logq)) {
        if (mk !== null && mk[g] === 1) continue; // markers are drawn above
        while (mi < nm && mIdx[mi] < g) push(mIdx[mi], mVal[mi++]);
        push(g, 1 + Math.floor(-Math.log(1 - rand()) * 2.5)); // geometric-like counts
      }
      while (mi < nm) push(mIdx[mi], mVal[mi++]);
      for (let q = rowStart; q < k; q++) data[q] = Math.log1p((data[q] / total) * 1e4);
      indptr[r + 1] = k;
      cellIds.push(`cell${start + r}`);
      samples.push(`S${1 + ((start + r) % 3)}`);
    }
    w.append(data.subarray(0, k), indices.subarray(0, k), indptr);
  }
  w.finish();
  writeDataframe(root, 'obs', cellIds, nTypes ? { sample: samples, true_type: types } : { sample: samples });
  writeDataframe(root, 'var', genes, {});
  f.close();
  return { seconds: (performance.now() - t0) / 1000, genes: nG };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      cells: { type: 'string', default: '20000' },
      genes: { type: 'string', default: '19639' },
      density: { type: 'string', default: '0.15' },
      types: { type: 'string', default: '30' },
      model: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  if (!values.out) {
    console.error('usage: make-synthetic-h5ad.ts --out FILE [--cells N] [--genes N] [--density 0.15] [--types 30] [--model M.pkl] [--seed 1]');
    process.exit(2);
  }
  const r = await makeSynthetic({
    out: values.out,
    cells: Number(values.cells),
    genes: Number(values.genes),
    density: Number(values.density),
    types: Number(values.types),
    model: values.model,
    seed: Number(values.seed),
  });
  console.log(`wrote ${values.out}: ${values.cells} cells x ${r.genes} genes in ${r.seconds.toFixed(1)} s`);
}

/**
 * Generates a synthetic Cell Ranger v3 feature-barcode .h5 (filtered_feature_bc_matrix.h5 layout:
 * matrix/{data int32, indices int64, indptr int64, shape, barcodes, features/{id,name,
 * feature_type,genome,_all_tag_keys}}, gzip-chunked like Cell Ranger's) with raw counts, written
 * cell chunk by cell chunk (bounded memory) for the input-format benchmark. Genes: the model's
 * (5% dropped) plus extra genes, shuffled; `--types` groups of cells with marker genes; IDs are
 * Ensembl-like (ENSG…), names are the symbols. Optionally also a Cell Ranger folder
 * (matrix.mtx.gz + features.tsv.gz + barcodes.tsv.gz) with the same counts (--folder DIR).
 *
 *   tsx scripts/make-synthetic-10x.ts --out FILE.h5 [--cells 1000000] [--genes 19639]
 *        [--density 0.02] [--types 30] [--model ../shared/bench/bench98.pkl] [--seed 5] [--folder DIR]
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createGzip, gzipSync } from 'node:zlib';
import { modelInfo } from '../web/engine/node.ts';
import { seededRandom as rng } from './seeded-random.ts';

interface Opts {
  out: string;
  cells: number;
  genes: number;
  density: number;
  types: number;
  model?: string;
  seed: number;
  folder?: string;
}

/** Gene symbols: the model's (5% dropped) plus extras, shuffled. */
async function geneList(opts: Opts, rand: () => number): Promise<string[]> {
  const features = opts.model ? ((await modelInfo(opts.model, 0, true)).features ?? []) : [];
  const genes = features.filter(() => rand() > 0.05);
  for (let i = 0; genes.length < opts.genes; i++) genes.push(`XGENE${String(i).padStart(5, '0')}`);
  for (let i = genes.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [genes[i], genes[j]] = [genes[j], genes[i]];
  }
  return genes;
}

/** Counts of one chunk of cells (CSR, cells × genes), from the seeded generator. */
function* cellChunks(opts: Opts, nG: number, rand: () => number, chunk = 8192) {
  const markers = Array.from({ length: opts.types }, () => {
    const m = new Uint8Array(nG);
    for (let k = 0; k < 200; k++) m[Math.floor(rand() * nG)] = 1;
    return m;
  });
  const markerList = markers.map((m) => m.reduce<number[]>((acc, v, g) => (v ? (acc.push(g), acc) : acc), []));
  const mIdx = new Int32Array(200);
  const mVal = new Int32Array(200);
  for (let start = 0; start < opts.cells; start += chunk) {
    const rows = Math.min(chunk, opts.cells - start);
    const cap = Math.ceil(rows * nG * opts.density * 1.6) + 400 * rows;
    const data = new Int32Array(cap);
    const indices = new Int32Array(cap);
    const indptr = new Int32Array(rows + 1);
    let k = 0;
    for (let r = 0; r < rows; r++) {
      const p = opts.density * (0.6 + 0.8 * rand());
      const t = opts.types ? (start + r) % opts.types : -1;
      const mk = t >= 0 ? markers[t] : null;
      // Marker genes of the cell's type (sorted), merged with geometric skips over all genes.
      let nm = 0;
      if (t >= 0) {
        for (const g of markerList[t]) {
          if (rand() < Math.min(0.9, 4 * p)) {
            mIdx[nm] = g;
            mVal[nm++] = (1 + Math.floor(-Math.log(1 - rand()) * 2.5)) * 3;
          }
        }
      }
      let mi = 0;
      const logq = Math.log(1 - p);
      for (let g = Math.floor(Math.log(1 - rand()) / logq); g < nG && k < cap; g += 1 + Math.floor(Math.log(1 - rand()) / logq)) {
        if (mk !== null && mk[g] === 1) continue;
        while (mi < nm && mIdx[mi] < g) {
          data[k] = mVal[mi];
          indices[k++] = mIdx[mi++];
        }
        data[k] = 1 + Math.floor(-Math.log(1 - rand()) * 2.5);
        indices[k++] = g;
      }
      while (mi < nm && k < cap) {
        data[k] = mVal[mi];
        indices[k++] = mIdx[mi++];
      }
      indptr[r + 1] = k;
    }
    yield { start, rows, data: data.subarray(0, k), indices: indices.subarray(0, k), indptr };
  }
}

export async function make10x(opts: Opts) {
  const t0 = performance.now();
  const genes = await geneList(opts, rng(opts.seed));
  const nG = genes.length;
  const ids = genes.map((_, i) => `ENSG${String(100000 + i).padStart(11, '0')}`);
  const barcodes = (start: number, n: number) => Array.from({ length: n }, (_, i) => `${(start + i).toString(4).replace(/[0-3]/g, (d) => 'ACGT'[Number(d)]).padStart(16, 'A')}-1`);
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(opts.out, 'w');
  const m = f.create_group('matrix');
  const chunk = [1 << 18];
  const data = m.create_dataset({ name: 'data', data: new Int32Array(0), shape: [0], maxshape: [null], chunks: chunk, compression: 'gzip', compression_opts: 4 });
  const indices = m.create_dataset({ name: 'indices', data: new BigInt64Array(0), shape: [0], maxshape: [null], chunks: chunk, compression: 'gzip', compression_opts: 4 });
  const allBarcodes: string[] = [];
  const indptr = new Float64Array(opts.cells + 1);
  let nnz = 0;
  const mtxEntries: string[] = [];
  for (const c of cellChunks(opts, nG, rng(opts.seed + 1))) {
    const n = c.data.length;
    data.resize([nnz + n]);
    data.write_slice([[nnz, nnz + n]], c.data);
    indices.resize([nnz + n]);
    indices.write_slice([[nnz, nnz + n]], BigInt64Array.from(c.indices, (x) => BigInt(x)));
    for (let r = 0; r < c.rows; r++) indptr[c.start + r + 1] = nnz + c.indptr[r + 1];
    if (opts.folder) for (let r = 0; r < c.rows; r++) for (let q = c.indptr[r]; q < c.indptr[r + 1]; q++) mtxEntries.push(`${c.indices[q] + 1} ${c.start + r + 1} ${c.data[q]}`);
    nnz += n;
    allBarcodes.push(...barcodes(c.start, c.rows));
    if (c.start % 102400 === 0) process.stderr.write(`\r${(c.start + c.rows).toLocaleString('en-US')} cells, ${nnz.toLocaleString('en-US')} nonzeros`);
  }
  m.create_dataset({ name: 'indptr', data: BigInt64Array.from(indptr, (x) => BigInt(x)) });
  m.create_dataset({ name: 'shape', data: new Int32Array([nG, opts.cells]) });
  m.create_dataset({ name: 'barcodes', data: allBarcodes });
  const feat = m.create_group('features');
  feat.create_dataset({ name: 'id', data: ids });
  feat.create_dataset({ name: 'name', data: genes });
  feat.create_dataset({ name: 'feature_type', data: genes.map(() => 'Gene Expression') });
  feat.create_dataset({ name: 'genome', data: genes.map(() => 'GRCh38') });
  feat.create_dataset({ name: '_all_tag_keys', data: ['genome'] });
  f.close();
  if (opts.folder) {
    mkdirSync(opts.folder, { recursive: true });
    writeFileSync(path.join(opts.folder, 'features.tsv.gz'), gzipSync(genes.map((g, i) => `${ids[i]}\t${g}\tGene Expression`).join('\n') + '\n'));
    writeFileSync(path.join(opts.folder, 'barcodes.tsv.gz'), gzipSync(allBarcodes.join('\n') + '\n'));
    const gz = createGzip();
    const out = createWriteStream(path.join(opts.folder, 'matrix.mtx.gz'));
    gz.pipe(out);
    gz.write(`%%MatrixMarket matrix coordinate integer general\n%metadata_json: {"software_version": "synthetic"}\n${nG} ${opts.cells} ${nnz}\n`);
    for (let i = 0; i < mtxEntries.length; i += 100000) gz.write(mtxEntries.slice(i, i + 100000).join('\n') + '\n');
    gz.end();
    await new Promise<void>((ok) => out.on('finish', () => ok()));
  }
  process.stderr.write('\n');
  return { seconds: (performance.now() - t0) / 1000, genes: nG, nnz };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      cells: { type: 'string', default: '1000000' },
      genes: { type: 'string', default: '19639' },
      density: { type: 'string', default: '0.02' },
      types: { type: 'string', default: '30' },
      model: { type: 'string' },
      seed: { type: 'string', default: '5' },
      folder: { type: 'string' },
    },
  });
  if (!values.out) {
    console.error('usage: make-synthetic-10x.ts --out FILE.h5 [--cells N] [--genes N] [--density 0.02] [--types 30] [--model M.pkl] [--seed 5] [--folder DIR]');
    process.exit(2);
  }
  const r = await make10x({ out: values.out, cells: Number(values.cells), genes: Number(values.genes), density: Number(values.density), types: Number(values.types), model: values.model, seed: Number(values.seed), folder: values.folder });
  console.log(`wrote ${values.out}: ${values.cells} cells x ${r.genes} genes, ${r.nnz.toLocaleString('en-US')} nonzeros in ${r.seconds.toFixed(1)} s`);
}

/**
 * Test helper: variants of ../shared/fixtures/formats written into a temp folder (never into
 * ../shared): gzip-compressed tables and mtx, a gene-major and a shuffled .mtx (bucket-sort path),
 * uncompressed and v2 Cell Ranger folders, extra non-Gene-Expression features, a v2 .h5, and the
 * bad inputs the readers must refuse with one clear line.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sharedPath } from './fixtures.ts';

export const FORMATS = sharedPath('fixtures/formats');
export const EXPECTED = sharedPath('fixtures/expected/toy_lr__formats');
export const TOY_MODEL = sharedPath('fixtures/models/toy_lr.pkl');

const read = (f: string) => readFileSync(path.join(FORMATS, f));
const readGz = (f: string) => gunzipSync(read(f)).toString('utf8');

/** Lines of CellTypist's cells × genes .mtx: header, size, entries. */
function mtxParts() {
  const lines = read('query_1k_cells_by_genes.mtx').toString('utf8').trimEnd().split('\n');
  const body = lines.filter((l) => !l.startsWith('%'));
  const [rows, cols, nnz] = body[0].split(/\s+/).map(Number);
  return { banner: lines[0], rows, cols, nnz, entries: body.slice(1) };
}

/** Deterministic shuffle (LCG) so the test data never changes. */
function shuffled<T>(a: T[]): T[] {
  const out = a.slice();
  let s = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface Variants {
  dir: string;
  csvGz: string;
  tsvGz: string;
  mtxGz: string;
  genesGz: string;
  cellsGz: string;
  /** genes × cells .mtx (entries grouped by gene): needs --transpose-input; the bucket-sort path. */
  mtxGeneMajor: string;
  /** cells × genes with entries in random order: the bucket-sort path without transposing. */
  mtxShuffled: string;
  /** Cell Ranger v3 folder, uncompressed, with 3 extra 'Antibody Capture' features. */
  tenxPlus: string;
  /** Cell Ranger v2 folder (genes.tsv with id and name, no types). */
  tenxV2: string;
  /** v3 folder whose feature IDs are the model's genes and names are not. */
  tenxIds: string;
  bad: Record<string, string>;
}

export function makeVariants(): Variants {
  const dir = mkdtempSync(path.join(tmpdir(), 'ctw-formats-'));
  const p = (f: string) => path.join(dir, f);
  writeFileSync(p('cells_by_genes.csv.gz'), gzipSync(read('query_1k_cells_by_genes.csv')));
  writeFileSync(p('genes_by_cells.tsv.gz'), gzipSync(read('query_1k_genes_by_cells.tsv')));
  writeFileSync(p('cells_by_genes.mtx.gz'), gzipSync(read('query_1k_cells_by_genes.mtx')));
  writeFileSync(p('genes.tsv.gz'), gzipSync(read('query_1k_genes.tsv')));
  writeFileSync(p('cells.tsv.gz'), gzipSync(read('query_1k_cells.tsv')));
  const m = mtxParts();
  const transposed = m.entries.map((e) => e.split(/\s+/)).sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[0]) - Number(b[0])).map(([i, j, v]) => `${j} ${i} ${v}`);
  writeFileSync(p('genes_by_cells.mtx'), `${m.banner}\n%\n${m.cols} ${m.rows} ${m.nnz}\n${transposed.join('\n')}\n`);
  writeFileSync(p('shuffled.mtx'), `${m.banner}\n${m.rows} ${m.cols} ${m.nnz}\n${shuffled(m.entries).join('\n')}\n`);

  // Cell Ranger folders derived from the shared v3 folder.
  const features = readGz('query_1k_10x/features.tsv.gz').trimEnd().split('\n');
  const barcodes = readGz('query_1k_10x/barcodes.tsv.gz');
  const matrix = readGz('query_1k_10x/matrix.mtx.gz').trimEnd().split('\n');
  const size = matrix.findIndex((l) => !l.startsWith('%'));
  const [nf, nc, nnz] = matrix[size].split(/\s+/).map(Number);
  const plus = p('tenx_plus');
  mkdirSync(plus);
  const extra = ['CD3_TotalSeqB', 'CD4_TotalSeqB', 'CD8_TotalSeqB'];
  writeFileSync(path.join(plus, 'features.tsv'), [...features, ...extra.map((a) => `${a}\t${a}\tAntibody Capture`)].join('\n') + '\n');
  writeFileSync(path.join(plus, 'barcodes.tsv'), barcodes);
  // Antibody counts for every cell, interleaved cell by cell as Cell Ranger writes them.
  const byCell = new Map<number, string[]>();
  for (const l of matrix.slice(size + 1)) {
    const c = Number(l.split(/\s+/)[1]);
    if (!byCell.has(c)) byCell.set(c, []);
    byCell.get(c)!.push(l);
  }
  const out: string[] = [];
  for (let c = 1; c <= nc; c++) {
    out.push(...(byCell.get(c) ?? []));
    extra.forEach((_, k) => out.push(`${nf + k + 1} ${c} ${(c % 7) + 1}`));
  }
  writeFileSync(path.join(plus, 'matrix.mtx'), `${matrix.slice(0, size).join('\n')}\n${nf + extra.length} ${nc} ${nnz + extra.length * nc}\n${out.join('\n')}\n`);
  const v2 = p('tenx_v2');
  mkdirSync(v2);
  writeFileSync(path.join(v2, 'genes.tsv'), features.map((l) => l.split('\t').slice(0, 2).join('\t')).join('\n') + '\n');
  writeFileSync(path.join(v2, 'barcodes.tsv'), barcodes);
  copyFileSync(path.join(FORMATS, 'query_1k_10x/matrix.mtx.gz'), path.join(v2, 'matrix.mtx.gz'));
  const ids = p('tenx_ids');
  mkdirSync(ids);
  writeFileSync(path.join(ids, 'features.tsv'), features.map((l) => l.split('\t')).map(([id, , t]) => `${id}\tsym_${id}\t${t}`).join('\n') + '\n');
  writeFileSync(path.join(ids, 'barcodes.tsv'), barcodes);
  copyFileSync(path.join(FORMATS, 'query_1k_10x/matrix.mtx.gz'), path.join(ids, 'matrix.mtx.gz'));

  // Bad inputs.
  const csv = read('query_1k_cells_by_genes.csv').toString('utf8').split('\n');
  const bad: Record<string, string> = {};
  const put = (name: string, content: string | Buffer) => {
    writeFileSync(p(name), content);
    return p(name);
  };
  bad.shortGenes = put('short_genes.tsv', read('query_1k_genes.tsv').toString('utf8').split('\n').slice(0, 1500).join('\n') + '\n');
  const nonNumeric = csv.slice();
  nonNumeric[5] = nonNumeric[5].replace(/,(\d+),/, ',abc,');
  bad.nonNumeric = put('non_numeric.csv', nonNumeric.join('\n'));
  const negative = m.entries.slice();
  negative[10] = negative[10].replace(/\s\d+$/, ' -3');
  bad.negativeMtx = put('negative.mtx', `${m.banner}\n${m.rows} ${m.cols} ${m.nnz}\n${negative.join('\n')}\n`);
  const ragged = csv.slice();
  ragged[7] = ragged[7].replace(/,[^,]*$/, '');
  bad.ragged = put('ragged.csv', ragged.join('\n'));
  bad.empty = put('empty.csv', '');
  bad.truncatedMtx = put('truncated.mtx', `${m.banner}\n${m.rows} ${m.cols} ${m.nnz}\n${m.entries.slice(0, 1000).join('\n')}\n`);
  const gz = gzipSync(read('query_1k_cells_by_genes.csv'));
  bad.truncatedGz = put('truncated.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
  bad.lonelyMtx = put('lonely.mtx', read('query_1k_cells_by_genes.mtx'));
  return {
    dir,
    csvGz: p('cells_by_genes.csv.gz'),
    tsvGz: p('genes_by_cells.tsv.gz'),
    mtxGz: p('cells_by_genes.mtx.gz'),
    genesGz: p('genes.tsv.gz'),
    cellsGz: p('cells.tsv.gz'),
    mtxGeneMajor: p('genes_by_cells.mtx'),
    mtxShuffled: p('shuffled.mtx'),
    tenxPlus: plus,
    tenxV2: v2,
    tenxIds: ids,
    bad,
  };
}

/** A Cell Ranger v2 .h5 (GRCh38 group) and an HDF5 file that is neither format, written with h5wasm. */
export async function makeHdf5Variants(dir: string): Promise<{ v2: string; neither: string }> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const src = new h5.File(path.join(FORMATS, 'query_1k_filtered_feature_bc_matrix.h5'), 'r');
  const get = (k: string) => (src.get(`matrix/${k}`) as unknown as { value: unknown }).value;
  const v2 = path.join(dir, 'v2_filtered_gene_bc_matrices_h5.h5');
  const f = new h5.File(v2, 'w');
  const g = f.create_group('GRCh38');
  const toStrings = (v: unknown) => (v as unknown[]).map(String);
  g.create_dataset({ name: 'data', data: get('data') as Int32Array });
  g.create_dataset({ name: 'indices', data: get('indices') as BigInt64Array });
  g.create_dataset({ name: 'indptr', data: get('indptr') as BigInt64Array });
  g.create_dataset({ name: 'shape', data: get('shape') as Int32Array });
  g.create_dataset({ name: 'barcodes', data: toStrings(get('barcodes')) });
  g.create_dataset({ name: 'genes', data: toStrings(get('features/id')) });
  g.create_dataset({ name: 'gene_names', data: toStrings(get('features/name')) });
  f.close();
  src.close();
  const neither = path.join(dir, 'neither.h5');
  const n = new h5.File(neither, 'w');
  n.create_group('images');
  n.create_dataset({ name: 'values', data: new Float32Array([1, 2, 3]) });
  n.close();
  return { v2, neither };
}

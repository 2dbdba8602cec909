/**
 * `annotate --plot FILE.png|svg`: CellTypist's three-panel results figure (majority voting,
 * predicted labels, confidence) on the file's embedding (obsm X_umap, else another 2-D obsm),
 * or on a UMAP computed from the over-clustering graph when the file has none.
 */
import { resultsFigure, type Panel } from '../engine/figure/results-figure.ts';
import { openH5adPath } from '../engine/node.ts';
import { CellTypistError, type AnnotationResult } from '../engine/types.ts';
import { writeFigure } from './figure-file.ts';

/** The obsm embedding to plot: X_umap, then any X_* with 2+ dimensions (X_pca last); null when none. */
export async function findEmbedding(input: string): Promise<string | null> {
  const reader = await openH5adPath(input);
  try {
    const usable = reader.summary.obsm.filter((e) => e.dims >= 2).map((e) => e.name);
    const order = (n: string) => (n === 'X_umap' ? 0 : n === 'X_pca' ? 2 : 1);
    return usable.sort((a, b) => order(a) - order(b))[0] ?? null;
  } finally {
    reader.close();
  }
}

async function readEmbedding(input: string, name: string): Promise<Float32Array> {
  const reader = await openH5adPath(input);
  try {
    const { dims, data } = reader.readObsm(name);
    if (dims === 2) return data;
    const xy = new Float32Array((data.length / dims) * 2);
    for (let i = 0; i < xy.length / 2; i++) {
      xy[2 * i] = data[i * dims];
      xy[2 * i + 1] = data[i * dims + 1];
    }
    return xy;
  } finally {
    reader.close();
  }
}

/** The panels CellTypist shows: majority voting (when run), predicted labels, conf_score. */
export function resultPanels(r: AnnotationResult): Panel[] {
  const panels: Panel[] = [];
  if (r.majority_voting) panels.push({ title: 'majority_voting', kind: 'labels', labels: r.majority_voting });
  panels.push({ title: 'predicted_labels', kind: 'labels', labels: r.predicted_labels });
  panels.push({ title: 'conf_score', kind: 'values', values: r.conf_score, min: 0, max: 1 });
  return panels;
}

/**
 * Writes the figure; `embedding` names the obsm key used, or null for the computed UMAP; `extra`
 * panels (e.g. genes, gene-panels.ts) follow CellTypist's three.
 */
export async function writeResultsPlot(input: string, r: AnnotationResult, embedding: string | null, file: string, scale: number, extra: Panel[] = []): Promise<string> {
  let xy: ArrayLike<number>;
  let basis: string;
  if (embedding) {
    xy = await readEmbedding(input, embedding);
    basis = embedding.replace(/^X_/, '').toUpperCase();
  } else if (r.umap) {
    xy = r.umap;
    basis = 'UMAP';
  } else throw new CellTypistError('no_embedding', 'no embedding to plot: the file has no 2-D obsm and no UMAP was computed');
  if (xy.length !== r.predicted_labels.length * 2) throw new CellTypistError('bad_embedding', `obsm['${embedding}'] has ${xy.length / 2} rows for ${r.predicted_labels.length} cells`);
  writeFigure(resultsFigure({ embedding: xy, basis, panels: [...resultPanels(r), ...extra], pixel_ratio: scale }), file, scale);
  return `${embedding ? `obsm['${embedding}']` : 'a computed UMAP'}`;
}

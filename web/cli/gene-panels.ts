/**
 * `annotate --plot FILE --colour-genes CD3E,MS4A1`: one more results-figure panel per gene, the
 * embedding coloured by the gene's expression in X (zeros grey, clipped at p99, as the app's
 * colour by gene). Each gene's column alone is read, in chunks.
 */
import type { Panel } from '../engine/figure/results-figure.ts';
import { openH5adPath } from '../engine/h5ad/open-node.ts';
import { geneNamesOf, readGeneValues } from '../engine/markers/gene-values.ts';
import { CellTypistError } from '../engine/types.ts';

/** Most gene panels in one figure (each adds a panel's width). */
export const MAX_GENE_PANELS = 12;

/** The genes of a --colour-genes value ('CD3E,MS4A1' or 'CD3E MS4A1'), checked. */
export function parseGeneList(value: string): string[] {
  const genes = [...new Set(value.split(/[,\s]+/).map((g) => g.trim()).filter(Boolean))];
  if (!genes.length) throw new CellTypistError('bad_option', '--colour-genes needs gene names, e.g. --colour-genes CD3E,MS4A1');
  if (genes.length > MAX_GENE_PANELS) throw new CellTypistError('bad_option', `--colour-genes takes at most ${MAX_GENE_PANELS} genes (got ${genes.length}): one panel each`);
  return genes;
}

/** A panel per gene, read from the .h5ad at `input`; an unknown gene fails with near names. */
export async function genePanels(input: string, genes: string[]): Promise<Panel[]> {
  const reader = await openH5adPath(input);
  try {
    const names = geneNamesOf(reader);
    return genes.map((g) => {
      const v = readGeneValues(reader, g, { names });
      return { title: v.gene, kind: 'gene', values: v.values } as Panel;
    });
  } finally {
    reader.close();
  }
}

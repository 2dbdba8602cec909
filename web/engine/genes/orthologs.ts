/**
 * Species conversion of a model, as CellTypist's `Model.convert()`: when the data's gene symbols
 * are of the other species than the model's (mouse `Cd3e` vs human `CD3E`), the model is
 * converted through CellTypist's Ensembl 105 human-mouse ortholog table (1:1 orthologs by
 * default, 1:N averaged otherwise). The table is fetched on demand through the context (a
 * download with checksum and cache, or a file the user gave).
 */
import { type AnnotateOptions, CellTypistError } from '../types.ts';
import type { CoreModel, CoreModule } from '../wasm/core.ts';
import { HeapBuffer } from '../wasm/heap.ts';
import { symbolSpecies } from './identifiers.ts';
import { featuresOf } from '../models/features.ts';

/** Registry name of the ortholog table CellTypist uses by default. */
export const ORTHOLOG_TABLE = 'Ensembl105_Human2Mouse_Genes';
/** Registry name of CellTypist's human Ensembl ID → symbol table. */
export const ID_TABLE = 'GENCODEv44_Gene_id2name';

/** Provides the bytes of a two-column gene map (CSV). */
export type GeneMapSource = () => Promise<Uint8Array>;

export interface Conversion {
  /** The model to use: the given one, or a converted copy (then `owned`, to be deleted). */
  model: CoreModel;
  owned: boolean;
  warning?: string;
  /** Data and (given) model are of one detected species: gene case differences are spellings. */
  same_species: boolean;
}

/** Converts the model when data and model are of different species; otherwise returns it as is. */
export async function convertForSpecies(
  core: CoreModule,
  model: CoreModel,
  dataGenes: string[],
  options: Pick<AnnotateOptions, 'convert_orthologs' | 'ortholog_unique_only'>,
  geneMap?: GeneMapSource,
): Promise<Conversion> {
  const data = symbolSpecies(dataGenes);
  const mine = symbolSpecies(featuresOf(model));
  const same = data === mine;
  if (options.convert_orthologs === false || data === 'unknown' || mine === 'unknown' || same) return { model, owned: false, same_species: same };
  if (!geneMap) {
    throw new CellTypistError(
      'species_mismatch',
      `the data has ${data} gene symbols but the model is a ${mine} model, and no ortholog table is available to convert it: use a ${data} model, or give the ortholog table (CLI: --gene-map Ensembl105_Human2Mouse_Genes.csv)`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await geneMap();
  } catch (e) {
    throw new CellTypistError(
      'species_mismatch',
      `the data has ${data} gene symbols but the model is a ${mine} model; converting it needs CellTypist's ortholog table, which could not be loaded (${(e as Error).message}). Use a ${data} model, give a local copy of the table (CLI: --gene-map FILE), or annotate without converting (CLI: --no-convert; most model genes will be missing).`,
    );
  }
  const unique = options.ortholog_unique_only ?? true;
  const buf = new HeapBuffer(core, 'u8');
  try {
    const r = model.convert(buf.write(bytes), bytes.length, unique);
    const after = r.model.n_features();
    return {
      model: r.model,
      owned: true,
      same_species: false,
      warning:
        `the data has ${data} genes and the model ${mine} genes: the model was converted to ${data} genes by ` +
        `${unique ? '1:1 orthologs' : 'orthologs (1:N averaged)'} as CellTypist's Model.convert() does (Ensembl 105 table): ` +
        `${after.toLocaleString('en-US')} of its ${r.n_features_before.toLocaleString('en-US')} genes kept.`,
    };
  } catch (e) {
    throw new CellTypistError('convert_failed', `could not convert the ${mine} model to ${data} genes: ${(e as Error).message}`);
  } finally {
    buf.free();
  }
}

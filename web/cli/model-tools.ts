/**
 * `celltypist-wasm subset` and `convert`: a model transformed in the core (restricted to some
 * cell types; carried to the other species' genes by orthologs), written as a CellTypist .pkl.
 */
import { readFileSync } from 'node:fs';
import { loadModel } from '../engine/annotate.ts';
import { writeFileAtomic } from '../engine/export/atomic-file.ts';
import { ORTHOLOG_TABLE } from '../engine/genes/orthologs.ts';
import { fetchGeneTable } from '../engine/models/fetch.ts';
import { FileStore } from '../engine/models/file-store.ts';
import { modelDataOf, writeModelPickle } from '../engine/models/pickle-writer.ts';
import { findGeneTable } from '../engine/models/registry.ts';
import { nodeRegistry } from '../engine/models/registry-node.ts';
import { CellTypistError } from '../engine/types.ts';
import { loadCore } from '../engine/wasm/load.ts';
import { parseOptions } from './options.ts';
import { resolveModel } from './resolve-model.ts';
import { USAGE } from './usage.ts';

/** subset's and convert's flags (--types is subset's, --gene-map and --all-orthologs convert's). */
export const MODEL_TOOL_OPTIONS = ['model', 'out', 'types', 'gene-map', 'all-orthologs', 'model-mirror'] as const;

/** subset / convert: load a model, transform it in the core, write it as a CellTypist .pkl. */
export async function modelToolCommand(command: 'subset' | 'convert', args: string[]): Promise<number> {
  const values = parseOptions(args, MODEL_TOOL_OPTIONS);
  if (!values.model || !values.out || (command === 'subset' && !values.types)) {
    process.stderr.write(`error: ${command} needs --model and --out${command === 'subset' ? ' and --types' : ''}\n${USAGE}`);
    return 2;
  }
  const { core } = await loadCore({ variant: 'simd' });
  const bytes = await resolveModel(values.model, true, { mirror: values['model-mirror'] });
  const m = loadModel(core, typeof bytes === 'string' ? readFileSync(bytes) : bytes);
  try {
    let out;
    if (command === 'subset') {
      try {
        out = m.subset(values.types!.split(',').map((t) => t.trim()).filter(Boolean));
      } catch (e) {
        throw new CellTypistError('bad_subset', (e as Error).message);
      }
    } else {
      const map = values['gene-map'] ? readFileSync(values['gene-map']) : (await fetchGeneTable(findGeneTable(nodeRegistry(), ORTHOLOG_TABLE), { store: new FileStore() })).bytes;
      const buf = core._malloc(map.length);
      try {
        core.HEAPU8.set(map, buf);
        out = m.convert(buf, map.length, !values['all-orthologs']).model;
      } catch (e) {
        throw new CellTypistError('convert_failed', (e as Error).message);
      } finally {
        core._free(buf);
      }
    }
    try {
      writeFileAtomic(values.out, writeModelPickle(modelDataOf(out)));
      process.stderr.write(`${command}: ${m.labels().length} cell types, ${m.n_features().toLocaleString('en-US')} genes -> ${out.labels().length} cell types, ${out.n_features().toLocaleString('en-US')} genes; wrote ${values.out}\n`);
    } finally {
      out.delete();
    }
  } finally {
    m.delete();
  }
  return 0;
}

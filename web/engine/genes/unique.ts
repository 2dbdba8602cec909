/**
 * anndata's var_names_make_unique (the core's make_unique), skipped when the names are already
 * unique, as they nearly always are: then it changes nothing, and the check here (a Set) costs
 * ~2 ms where handing 20,000 names to the core and back costs ~10-15 ms of a command's start.
 */
import type { CoreModule } from '../wasm/core.ts';

export function makeUnique(core: Pick<CoreModule, 'make_unique'>, names: string[]): string[] {
  return new Set(names).size === names.length ? names : core.make_unique(names);
}

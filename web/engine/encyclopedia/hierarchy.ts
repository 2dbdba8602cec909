/**
 * The parent level of a model's labels (Immune_All_Low's 98 types under Immune_All_High's 32),
 * for the grouped legend, "colour by parent type" and proportions of both levels. A model has a
 * parent level when most of its labels are encyclopedia types that are not themselves parent
 * names: Immune_All_Low has it; Immune_All_High (whose labels are the parents) and a model that
 * shares a few names with the encyclopedia do not.
 */
import type { Encyclopedia } from './format.ts';

/** Each label's parent type (labels without one are absent), or null: no parent level. */
export function parentLevel(labels: string[], e: Encyclopedia | null): Map<string, string> | null {
  if (!e) return null;
  const parentNames = new Set(e.parents);
  const childOnly = labels.filter((l) => e.types.get(l)?.parent && !parentNames.has(l)).length;
  if (childOnly * 2 <= labels.length) return null;
  const out = new Map<string, string>();
  for (const l of labels) {
    const p = e.types.get(l)?.parent;
    if (p) out.set(l, p);
  }
  return out;
}

/** Name of the group of labels that have no parent type (Unassigned, another model's types). */
export const NO_PARENT = '(no parent type)';

/** A label's group in the parent level: its parent, or NO_PARENT. */
export const parentGroup = (parents: Map<string, string>, label: string): string => parents.get(label) ?? NO_PARENT;

/**
 * A categorical column (codes into categories) at the parent level: categories are the parents
 * present (and a label without a parent stands for itself), codes remapped.
 */
export function parentColumn<C extends { categories: string[]; codes: Uint16Array | Uint32Array }>(col: C, parents: Map<string, string>): { categories: string[]; codes: Uint16Array | Uint32Array } {
  const index = new Map<string, number>();
  const categories: string[] = [];
  const remap = col.categories.map((l) => {
    const p = parents.get(l) ?? l;
    let k = index.get(p);
    if (k === undefined) index.set(p, (k = categories.push(p) - 1));
    return k;
  });
  const codes = categories.length > 0xffff ? new Uint32Array(col.codes.length) : new Uint16Array(col.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = remap[col.codes[i]];
  return { categories, codes };
}

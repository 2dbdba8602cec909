/**
 * A dropped model file checked against the catalog: its sha256 equals a model's known one
 * ("Immune_All_Low v2, verified"); or its name is a catalog model's but the sha256 differs from
 * the known one or from the one recorded at that model's first download here (a warning); or
 * nothing to compare with. A verified file is cached as that catalog model.
 */
import { cacheKey, type ModelStore, sha256Hex } from '../../engine/models/fetch.ts';
import type { Registry, RegistryModel } from '../../engine/models/registry.ts';
import { readRecord } from '../../engine/models/trust.ts';

export interface DropCheck {
  /** What the page calls the model: "Immune_All_Low v2, verified", or the file name. */
  name: string;
  status: 'verified' | 'mismatch' | 'unchecked' | 'custom';
  /** A sentence for the page (warnings and unchecked catalog names). */
  note?: string;
  model?: RegistryModel;
}

/** The catalog model a file name refers to: "Immune_All_Low.pkl", "immune_all_low (1).pkl", "Immune_All_Low-2.pkl". */
export function modelOfFileName(reg: Registry, fileName: string): RegistryModel | undefined {
  const stem = fileName.replace(/\.pkl$/i, '').replace(/\s*\(\d+\)$|-\d+$/, '').toLowerCase();
  return reg.models.find((m) => m.name.toLowerCase() === stem || m.file.toLowerCase() === `${stem}.pkl`);
}

export async function checkDroppedModel(fileName: string, bytes: Uint8Array, reg: Registry | null, store?: ModelStore): Promise<DropCheck> {
  if (!reg) return { name: fileName, status: 'custom' };
  const sha = await sha256Hex(bytes);
  const known = reg.models.find((m) => m.sha256 === sha);
  if (known) {
    await store?.put(cacheKey(known), bytes).catch(() => {}); // a full quota only loses the offline copy
    return { name: `${known.name} ${known.version}, verified`, status: 'verified', model: known };
  }
  const m = modelOfFileName(reg, fileName);
  if (!m) return { name: fileName, status: 'custom' };
  const expected = m.sha256 ?? (await readRecord(store, cacheKey(m)).catch(() => null));
  if (!expected) {
    return { name: fileName, status: 'unchecked', model: m, note: `${fileName}: the catalog lists no sha256 for ${m.name} ${m.version}, so this file could not be checked.` };
  }
  const against = m.sha256 ? "the catalog's" : 'the one recorded at its first download here';
  return {
    name: fileName,
    status: 'mismatch',
    model: m,
    note: `Warning: ${fileName} is named like ${m.name} ${m.version}, but its sha256 (${sha.slice(0, 12)}…) is not ${against} (${expected.slice(0, 12)}…): another version, another model or a damaged file. It is used as given.`,
  };
}

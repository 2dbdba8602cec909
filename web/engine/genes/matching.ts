/**
 * Gene-name harmonization before matching data genes to a model's features, for names that
 * differ only in ways that do not change the gene: Ensembl version suffixes (ENSG00000141510.17
 * vs ENSG00000141510) and letter case (c1orf112 vs C1orf112, when the data and the model are of
 * the same species; case differences between species are handled by ortholog conversion).
 * Exact matches always win; a data gene is renamed only when it then matches exactly one model
 * feature that no other data gene already has.
 */

const VERSIONED = /^(ENS[A-Z]*[GT]\d{6,})\.\d+$/;

/** ENSG…​.12 → ENSG…; other names unchanged. */
export function stripVersion(name: string): string {
  if (!name.startsWith('ENS')) return name; // most names: no regex run (tens of thousands per input)
  const m = VERSIONED.exec(name);
  return m ? m[1] : name;
}

export interface Harmonized {
  /** Data gene names, some renamed to the model's spelling. */
  genes: string[];
  /** Renamed by dropping a version suffix. */
  n_version: number;
  /** Renamed by ignoring letter case. */
  n_case: number;
}

/**
 * @param ignoreCase also match ignoring letter case; only sensible when data and model are of the
 *   same species (mouse Cd3e vs human CD3E are orthologs, not spellings).
 */
export function harmonizeGenes(dataGenes: string[], modelFeatures: string[], ignoreCase = true): Harmonized {
  const exact = new Set(modelFeatures);
  const byStripped = new Map<string, string | null>();
  const byLower = new Map<string, string | null>();
  const add = (m: Map<string, string | null>, k: string, v: string) => m.set(k, m.has(k) && m.get(k) !== v ? null : v);
  for (const f of modelFeatures) {
    add(byStripped, stripVersion(f), f);
    add(byLower, f.toLowerCase(), f);
  }
  const present = new Set(dataGenes);
  const taken = new Set<string>();
  let nVersion = 0;
  let nCase = 0;
  const genes = dataGenes.map((g) => {
    if (exact.has(g)) return g;
    const viaVersion = byStripped.get(stripVersion(g));
    if (viaVersion && !present.has(viaVersion) && !taken.has(viaVersion)) {
      taken.add(viaVersion);
      nVersion++;
      return viaVersion;
    }
    const viaCase = ignoreCase ? byLower.get(g.toLowerCase()) : undefined;
    if (viaCase && !present.has(viaCase) && !taken.has(viaCase)) {
      taken.add(viaCase);
      nCase++;
      return viaCase;
    }
    return g;
  });
  return { genes, n_version: nVersion, n_case: nCase };
}

/**
 * Ensembl gene IDs → symbols through a two-column `id,symbol` table (CellTypist's GENCODE v44
 * table): versions are ignored; IDs the table does not know keep their ID.
 */
export function symbolsFromEnsembl(ids: string[], table: Uint8Array): { names: string[]; n_mapped: number } {
  const map = new Map<string, string>();
  const text = new TextDecoder().decode(table);
  for (const line of text.split('\n')) {
    const comma = line.indexOf(',');
    if (comma <= 0) continue;
    const id = line.slice(0, comma).trim();
    const symbol = line.slice(comma + 1).trim();
    if (id && symbol && !map.has(stripVersion(id))) map.set(stripVersion(id), symbol);
  }
  let n = 0;
  const names = ids.map((id) => {
    const s = map.get(stripVersion(id));
    if (s === undefined) return id;
    n++;
    return s;
  });
  return { names, n_mapped: n };
}

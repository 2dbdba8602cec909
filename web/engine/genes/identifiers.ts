/**
 * Gene identifiers as users bring them: Ensembl IDs instead of symbols, mouse symbols with a
 * human model. Pure functions, used by the annotate pipeline to pick the gene names and to say
 * clearly what is wrong when too few model genes are found.
 */

const ENSEMBL = /^ENS[A-Z]*G\d{6,}(\.\d+)?$/;
/** var columns that hold gene symbols in common pipelines (CELLxGENE, 10x/scanpy, Seurat...). */
export const SYMBOL_COLUMNS = ['feature_name', 'gene_symbols', 'gene_symbol', 'gene_name', 'gene_names', 'symbol', 'symbols', 'gene', 'genes'];

function sample(names: string[], n = 2000): string[] {
  if (names.length <= n) return names;
  const step = names.length / n;
  return Array.from({ length: n }, (_, i) => names[Math.floor(i * step)]);
}

/** True when most names are Ensembl gene IDs (ENSG…, ENSMUSG…, optionally versioned). */
export function looksLikeEnsembl(names: string[]): boolean {
  const s = sample(names);
  return s.length > 0 && s.filter((g) => ENSEMBL.test(g)).length >= 0.5 * s.length;
}

/** 'human' (CD3E), 'mouse' (Cd3e) or 'unknown', from the case pattern of gene symbols. */
export function symbolSpecies(names: string[]): 'human' | 'mouse' | 'unknown' {
  const s = sample(names).filter((g) => /^[A-Za-z][A-Za-z0-9-]{1,}$/.test(g) && /[a-zA-Z]{2}/.test(g));
  if (s.length < 20) return 'unknown';
  const upper = s.filter((g) => g === g.toUpperCase()).length;
  const title = s.filter((g) => g[0] === g[0].toUpperCase() && g.slice(1) === g.slice(1).toLowerCase() && g !== g.toUpperCase()).length;
  if (upper >= 0.6 * s.length) return 'human';
  if (title >= 0.6 * s.length) return 'mouse';
  return 'unknown';
}

/** The first var column that holds gene symbols, if any. */
export function findSymbolColumn(columns: string[]): string | undefined {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  for (const c of SYMBOL_COLUMNS) if (lower.has(c)) return lower.get(c);
  return undefined;
}

/** Minimum model genes that must be found for a prediction to be meaningful. */
export function minOverlap(nModel: number): number {
  return Math.min(100, Math.ceil(0.1 * nModel));
}

/** Explains a poor overlap between data genes and model genes: what is wrong, what to do. */
export function explainOverlap(dataGenes: string[], modelGenes: string[], nFound: number): string {
  const nModel = modelGenes.length;
  const head = `only ${nFound.toLocaleString('en-US')} of the model's ${nModel.toLocaleString('en-US')} genes are found in the data`;
  if (looksLikeEnsembl(dataGenes) && !looksLikeEnsembl(modelGenes)) {
    return `${head}: the data's gene names are Ensembl IDs (e.g. ${dataGenes.slice(0, 2).join(', ')}) but the model uses gene symbols. Choose the var column with gene symbols (CLI: --gene-column feature_name), or add one.`;
  }
  const ds = symbolSpecies(dataGenes);
  const ms = symbolSpecies(modelGenes);
  if (ds !== 'unknown' && ms !== 'unknown' && ds !== ms) {
    const eg = dataGenes.filter((g) => /^[A-Z][a-z]/.test(g) || /^[A-Z0-9]+$/.test(g)).slice(0, 2).join(', ');
    return `${head}: the data looks like ${ds} genes (e.g. ${eg}) but the model is a ${ms} model. Use a ${ds} model, or convert this model by orthologs.`;
  }
  return `${head}: check that the data's gene names are symbols of the model's species, or choose the var column that holds them.`;
}

/** Names that are not valid text (undecodable bytes in the file: lone surrogates or U+FFFD). */
export function invalidNames(names: string[]): number[] {
  const bad: number[] = [];
  names.forEach((g, i) => {
    if (g.includes('\uFFFD') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(g)) bad.push(i);
  });
  return bad;
}

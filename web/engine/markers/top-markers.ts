/**
 * Default genes of a marker dotplot: each cell type's top markers (CellTypist's
 * `Model.extract_top_markers(type, top_n)`, computed by the core), in the model's cell-type
 * order, restricted to the types present when any are, duplicates dropped.
 */

/** `markers[type]` = that type's top genes, best first (from modelInfo(..., top_n)). */
export function markerGenes(labels: string[], markers: Record<string, string[]>, present?: Iterable<string>): { types: string[]; genes: string[] } {
  const here = new Set(present ?? []);
  const chosen = labels.filter((l) => here.has(l));
  const types = chosen.length ? chosen : labels;
  const genes: string[] = [];
  const seen = new Set<string>();
  for (const t of types) {
    for (const g of markers[t] ?? []) {
      if (!seen.has(g)) {
        seen.add(g);
        genes.push(g);
      }
    }
  }
  return { types, genes };
}

/**
 * `models --show MODEL --type LABEL`: one cell type's card in the terminal — its parent type,
 * Cell Ontology term (with the ontology browser's address), curated markers, the model's own top
 * genes, tissues and source studies (PubMed addresses) when a shipped encyclopedia describes the
 * label; the model's genes alone otherwise.
 */
import { labelCard, type LabelCard } from '../engine/encyclopedia/card.ts';
import { matchSummary } from '../engine/encyclopedia/match.ts';
import { CellTypistError } from '../engine/types.ts';
import { encyclopediaForModel } from './cell-ontology.ts';

/** The card as terminal text (labels left, values aligned). */
export function cardText(card: LabelCard, model: string): string {
  const lines: string[] = [`${card.label} (${model})`];
  const row = (k: string, v: string) => v && lines.push(`  ${k.padEnd(18)} ${v}`);
  row('parent type:', card.parent ?? '');
  if (card.children.length) row('types under it:', card.children.join(', '));
  row('Cell Ontology:', card.cell_ontology_id ? `${card.cell_ontology_id}  ${card.ontology_url}` : '');
  row('curated markers:', card.markers.join(', '));
  row("model's top genes:", (card.model_genes ?? []).join(', '));
  row('seen in:', card.tissues.join(', '));
  if (card.studies.length) {
    lines.push('  source studies:');
    const w = Math.max(...card.studies.map((s) => s.name.length));
    for (const s of card.studies) lines.push(`    ${s.name.padEnd(w)}  ${s.url || '(no PubMed ID)'}`);
  }
  lines.push(card.described ? `  facts from the ${card.source}` : '  no cell-type encyclopedia describes this label: only the model\'s genes are shown');
  return lines.join('\n') + '\n';
}

/** Near names for a label that is not the model's: same letters ignoring case, or containing what was typed. */
function nearLabels(labels: string[], wanted: string): string[] {
  const w = wanted.toLowerCase();
  const exact = labels.filter((l) => l.toLowerCase() === w);
  return exact.length ? exact : labels.filter((l) => l.toLowerCase().includes(w) || w.includes(l.toLowerCase())).slice(0, 8);
}

/**
 * The card of `type` among the model's labels. `markers`: the model's top genes per label (by
 * coefficient); `name`/`version`: the model's catalog or file name and version.
 */
export async function typeCardText(o: { name: string; version: string; labels: string[]; markers?: Record<string, string[]>; type: string }): Promise<string> {
  if (!o.labels.includes(o.type)) {
    const near = nearLabels(o.labels, o.type);
    throw new CellTypistError(
      'not_a_label',
      `'${o.type}' is not a cell type of ${o.name} (${o.labels.length} types)${near.length ? `; did you mean ${near.map((l) => `'${l}'`).join(', ')}?` : ''} (models --show ${o.name} lists them)`,
    );
  }
  const match = await encyclopediaForModel(o.name, o.version, o.labels);
  const card = labelCard(o.type, match?.encyclopedia ?? null, { model_genes: o.markers?.[o.type] });
  return cardText(card, `${o.name}${o.version ? ` ${o.version}` : ''}`) + (match && match.by === 'names' ? `  (${matchSummary(match)})\n` : '');
}

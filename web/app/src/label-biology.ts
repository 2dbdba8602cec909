/**
 * Checking labels against biology (issue 28), wired to the shown run: the encyclopedia that
 * describes the model's labels (loaded lazily), its parent level (grouped legend, "Colour by"
 * parent types, proportions of both levels), label cards (from the legend, a click on a cell,
 * the proportions table) and colouring the cells by a gene (#colour-gene, the Markers panel's
 * gene buttons, a card's genes).
 */
import { labelCard } from '../../engine/encyclopedia/card.ts';
import { parentLevel } from '../../engine/encyclopedia/hierarchy.ts';
import type { EncyclopediaMatch } from '../../engine/encyclopedia/match.ts';
import { type Categorical, valueAt } from '../../engine/worker/compact.ts';
import type { Colouring } from './colouring.ts';
import { encyclopediaFor } from './encyclopedia.ts';
import type { AppBus } from './events.ts';
import { GeneColour } from './gene-colour.ts';
import { closeLabelCard, showLabelCard } from './label-card.ts';
import { callMarkers } from './markers-client.ts';
import { COLOUR_GENE_EVENT, dotplotGenes } from './markers-panel.ts';
import type { MarkersResponse } from './markers-protocol.ts';
import { $ } from './panel-dom.ts';
import type { RunState } from './run-state.ts';

/** The model's own top genes shown on a card. */
const MODEL_GENES = 8;

export class LabelBiology {
  private run: RunState | null = null;
  private match: EncyclopediaMatch | null = null;
  private modelGenes: Promise<Record<string, string[]>> | null = null;
  private readonly genes: GeneColour;

  constructor(
    private readonly bus: AppBus,
    private readonly colouring: Colouring,
  ) {
    this.genes = new GeneColour(document.querySelector('.plot-controls') as HTMLElement, $('gene-legend'), {
      current: () => {
        const r = this.run;
        const one = r && (r.spec.files?.length ?? 1) <= 1 && /\.h5ad$/i.test(r.spec.file.name);
        return one ? { file: r.spec.file, n_cells: r.result.cell_ids.length } : null;
      },
      show: (c) => colouring.setGene(c),
    });
    bus.on('results', (r) => void this.results(r));
    bus.on('cleared', () => {
      this.run = null;
      this.match = null;
      this.modelGenes = null;
      this.genes.reset();
      closeLabelCard();
    });
    bus.on('colours', () => {
      // "Colour by" chosen again: the gene's legend goes.
      if (!colouring.geneShown && this.genes.gene) this.genes.reset();
    });
    bus.on('card', ({ label, from }) => void this.card(label, from ?? null));
    $('plot').addEventListener('cell-click', (e) => {
      if (!this.run) return;
      const col = colouring.geneShown ? this.run.result.predicted : colouring.column(this.run);
      this.bus.emit('card', { label: valueAt(col, (e as CustomEvent<number>).detail), from: $('plot') });
    });
    document.addEventListener(COLOUR_GENE_EVENT, (e) => void this.colourBy((e as CustomEvent<string>).detail));
  }

  /** Colours the plot by `gene` and brings the plot into view. */
  private async colourBy(gene: string): Promise<void> {
    $('plot-wrap').scrollIntoView({ block: 'nearest' });
    await this.genes.colourBy(gene);
  }

  private async results(run: RunState): Promise<void> {
    this.run = run;
    this.genes.reset();
    const match = await encyclopediaFor({ name: run.model.name, version: run.model.version, labels: run.result.labels });
    if (this.run !== run) return;
    this.match = match;
    const parents = parentLevel(run.result.labels, match?.encyclopedia ?? null);
    this.colouring.parents = parents;
    document.body.dataset.encyclopedia = match ? `${match.encyclopedia.model} ${match.encyclopedia.version} (${match.by}, ${match.matched}/${match.of})` : 'none';
    if (parents) {
      const cb = $<HTMLSelectElement>('color-by');
      const at = (v: string) => [...cb.options].findIndex((o) => o.value === v);
      cb.add(new Option('predicted labels: parent types', 'predicted_labels:parent'), cb.options[at('predicted_labels') + 1] ?? null);
      if (run.result.majority_voting) cb.add(new Option('majority voting: parent types', 'majority_voting:parent'), cb.options[at('majority_voting') + 1] ?? null);
    }
    this.bus.emit('colours', 'scheme'); // legend groups and proportion levels follow
  }

  /** Count, share and mean confidence of `label` in the run (its column: majority voting's when it has the label). */
  private stats(run: RunState, label: string) {
    const r = run.result;
    const cols: Categorical[] = [this.colouring.column(run), ...(r.majority_voting ? [r.majority_voting] : []), r.predicted];
    for (const col of cols) {
      const k = col.categories.indexOf(label);
      if (k < 0) continue;
      let n = 0;
      let sum = 0;
      for (let i = 0; i < col.codes.length; i++) {
        if (col.codes[i] !== k) continue;
        n++;
        sum += r.conf_score[i];
      }
      return { cells: n, total: col.codes.length, mean_confidence: n ? sum / n : 0 };
    }
    return undefined;
  }

  /** The model's top genes per label (asked of the Markers worker once per run). */
  private topGenes(run: RunState): Promise<Record<string, string[]>> {
    this.modelGenes ??= callMarkers({ type: 'markers', model: run.spec.model, top: MODEL_GENES })
      .then((r) => (r as Extract<MarkersResponse, { type: 'markers' }>).markers)
      .catch(() => ({}));
    return this.modelGenes;
  }

  private async card(label: string, from: HTMLElement | null): Promise<void> {
    const run = this.run;
    if (!run) return;
    const genes = run.result.labels.includes(label) ? (await this.topGenes(run))[label] : undefined;
    if (this.run !== run) return;
    const card = labelCard(label, this.match?.encyclopedia ?? null, { stats: this.stats(run, label), model_genes: genes });
    showLabelCard(card, {
      colourByGene: (g) => void this.colourBy(g),
      dotplot: (g) => void dotplotGenes(g),
      open: (l) => this.bus.emit('card', { label: l }),
    }, from);
  }
}

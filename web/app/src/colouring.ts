/**
 * How cells are coloured: by predicted label, majority-voting label (either at its parent level
 * when the model has one), over-clustering cluster, confidence or a gene's expression, in a
 * palette, with highlighted labels and a selection dimming the rest. The pure
 * functions build deck.gl's binary colour attribute; `Colouring` holds the page's choices.
 */
import type { Categorical, CompactResult } from '../../engine/worker/compact.ts';
import type { AppBus } from './events.ts';
import { type PaletteName, paletteColors } from './palette.ts';
import { $ } from './panel-dom.ts';
import { parentColumn } from '../../engine/encyclopedia/hierarchy.ts';
import type { GeneColouring } from './gene-colour.ts';
import type { RunState } from './run-state.ts';

export type ColourBy = 'predicted_labels' | 'majority_voting' | 'over_clustering' | 'conf_score' | 'predicted_labels:parent' | 'majority_voting:parent';
type Rgb = [number, number, number];

/** The categorical column shown by the legend, proportions and (unless confidence) the plot. */
export function shownColumn(r: CompactResult, by: ColourBy): Categorical {
  if (by.startsWith('majority_voting') && r.majority_voting) return r.majority_voting;
  if (by === 'over_clustering' && r.over_clustering) return r.over_clustering;
  return r.predicted;
}

/** Colour of each category of `col`: palette order = category names sorted, as scanpy. */
export function categoryColors(col: Categorical, palette: PaletteName): Rgb[] {
  const order = col.categories.map((_, k) => k).sort((a, b) => (col.categories[a] < col.categories[b] ? -1 : col.categories[a] > col.categories[b] ? 1 : 0));
  const pal = paletteColors(palette, col.categories.length);
  const out: Rgb[] = new Array(col.categories.length);
  order.forEach((k, rank) => (out[k] = pal[rank]));
  return out;
}

export interface CellColourInput {
  col: Categorical;
  colors: Rgb[];
  /** Per-cell confidence, when cells are coloured by it (a blue-to-red scale) instead of label. */
  conf?: ArrayLike<number>;
  highlighted: Set<string>;
  selected: Uint32Array | null;
}

/** Per-cell RGBA (binary attribute for deck.gl): highlight and selection dim the others. */
export function cellColors({ col, colors, conf, highlighted, selected }: CellColourInput): Uint8Array {
  const n = col.codes.length;
  const out = new Uint8Array(n * 4);
  const sel = selected ? new Uint8Array(n) : null;
  if (sel) for (const i of selected!) sel[i] = 1;
  const keep = new Uint8Array(col.categories.length).fill(1);
  if (highlighted.size) col.categories.forEach((c, k) => (keep[k] = highlighted.has(c) ? 1 : 0));
  for (let i = 0; i < n; i++) {
    const k = col.codes[i];
    const o = 4 * i;
    if (!keep[k] || (sel && !sel[i])) {
      out[o] = out[o + 1] = out[o + 2] = 215;
      out[o + 3] = 90;
      continue;
    }
    if (conf) {
      const c = conf[i];
      out[o] = Math.round(255 * (1 - c));
      out[o + 1] = Math.round(80 + 120 * c);
      out[o + 2] = Math.round(255 * c);
    } else {
      const [R, G, B] = colors[k];
      out[o] = R;
      out[o + 1] = G;
      out[o + 2] = B;
    }
    out[o + 3] = 230;
  }
  return out;
}

const PALETTE_KEY = 'ctw-palette';

/** What the plot draws: per-cell RGBA, an optional drawing order, and a name for it (data-colour). */
export interface PlotColours {
  colors: Uint8Array;
  order: Uint32Array | null;
  key: string;
}

/** The page's colour choices ("Colour by", palette, highlighted labels, a gene). */
export class Colouring {
  /** Highlighted labels of the shown column (empty: none). */
  readonly highlighted = new Set<string>();
  /** The run's parent level (label -> parent type), when its model has one (label-biology.ts). */
  parents: Map<string, string> | null = null;
  /** A gene the cells are coloured by instead of "Colour by" (gene-colour.ts). */
  private gene: GeneColouring | null = null;
  private parentCache: { of: Categorical; col: Categorical } | null = null;

  constructor(private readonly bus: AppBus) {
    $('color-by').addEventListener('change', () => {
      this.highlighted.clear();
      this.gene = null;
      bus.emit('colours', 'scheme');
    });
    // The colour-blind-safe palette is one click away, and remembered.
    const cb = $<HTMLInputElement>('palette-colorblind');
    cb.checked = localStorage.getItem(PALETTE_KEY) === 'colorblind';
    cb.addEventListener('change', () => {
      localStorage.setItem(PALETTE_KEY, cb.checked ? 'colorblind' : 'default');
      bus.emit('colours', 'scheme');
    });
    bus.on('cleared', () => {
      this.highlighted.clear();
      this.gene = null;
      this.parents = null;
      this.parentCache = null;
    });
  }

  /** Colours the cells by a gene (null: back to "Colour by"). */
  setGene(g: GeneColouring | null): void {
    this.gene = g;
    this.bus.emit('colours', 'scheme');
  }

  get geneShown(): string | null {
    return this.gene?.gene ?? null;
  }

  /** `col` at the parent level (cached for the last column). */
  parentColumn(col: Categorical): Categorical {
    if (!this.parents) return col;
    if (this.parentCache?.of !== col) this.parentCache = { of: col, col: parentColumn(col, this.parents) };
    return this.parentCache.col;
  }

  /** The plot's colours: the gene's when one is shown, else "Colour by"'s. */
  plotColours(run: RunState): PlotColours {
    if (this.gene && this.gene.rgba.length === 4 * run.result.cell_ids.length) return { colors: this.gene.rgba, order: this.gene.order, key: `gene:${this.gene.gene}` };
    return { colors: this.cellColors(run), order: null, key: this.by };
  }

  get by(): ColourBy {
    return $<HTMLSelectElement>('color-by').value as ColourBy;
  }

  get palette(): PaletteName {
    return $<HTMLInputElement>('palette-colorblind').checked ? 'colorblind' : 'default';
  }

  /** The shown column of `run` (at the parent level when "Colour by" asks for it). */
  column(run: RunState): Categorical {
    const col = shownColumn(run.result, this.by);
    return this.by.endsWith(':parent') ? this.parentColumn(col) : col;
  }

  /** Colours of the categories of `col` in the chosen palette. */
  colors(col: Categorical): Rgb[] {
    return categoryColors(col, this.palette);
  }

  /** The plot's per-cell colours for `run`. */
  cellColors(run: RunState): Uint8Array {
    const col = this.column(run);
    const conf = this.by === 'conf_score' ? run.result.conf_score : undefined;
    return cellColors({ col, colors: this.colors(col), conf, highlighted: this.highlighted, selected: run.selected });
  }

  /** Highlights `name` alone (again: none), or adds/removes it (`additive`). */
  toggle(name: string, additive: boolean): void {
    if (additive) {
      if (this.highlighted.has(name)) this.highlighted.delete(name);
      else this.highlighted.add(name);
    } else {
      const only = this.highlighted.size === 1 && this.highlighted.has(name);
      this.highlighted.clear();
      if (!only) this.highlighted.add(name);
    }
    this.bus.emit('colours', 'highlight');
  }
}

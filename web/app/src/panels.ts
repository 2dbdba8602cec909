/**
 * The result panels of issue 16, added below the results section: the results figure, the
 * Markers dotplot and the comparison of any number of models. main.ts calls `showPanels` once per
 * annotation result; everything else lives in the panel modules.
 */
import type { PanelResult } from './panel-result.ts';
import { showCompare } from './compare-panel.ts';
import { showFigure } from './figure-panel.ts';
import { showMarkers } from './markers-panel.ts';
import { showWhy } from './why-panel.ts';
import { stopMarkers } from './markers-client.ts';
import { stopGenes } from './gene-client.ts';
export { whyHover } from './why-panel.ts';
import './panels.css';

export interface PanelsInput {
  file: File;
  result: PanelResult;
  model: Uint8Array;
  modelName: string;
  embedding: { name: string; dims: number; data: Float32Array } | null;
  normalize_counts: boolean;
  annotate: (model: Uint8Array) => Promise<PanelResult>;
  /** Settles when the page's own work on the run is done (the UMAP): the panels read the file after it. */
  ready?: Promise<void>;
}

let current: PanelsInput | null = null;

/** The embedding arrived after the results (a UMAP computed later): redraw the results figure. */
export function panelsEmbedding(embedding: PanelsInput['embedding']): void {
  if (current) showFigure(document.getElementById('why-panel')!, { ...current, embedding });
}

const SECTIONS = ['why-panel', 'figure-panel', 'markers-panel', 'models-panel'];

/** A new run or file: hide the previous run's panels (they would describe other cells). */
export function hidePanels(): void {
  current = null;
  stopMarkers(); // its memory belongs to the previous run
  stopGenes();

  for (const id of SECTIONS) {
    const s = document.getElementById(id);
    if (s) s.hidden = true;
  }
}

export function showPanels(p: PanelsInput): void {
  current = p;
  for (const id of ['why-panel', 'markers-panel', 'models-panel']) {
    const s = document.getElementById(id);
    if (s) s.hidden = false;
  }
  const results = document.getElementById('results')!;
  // Order below the results: why this label (next to the plot it explains), figure, markers,
  // models (each inserted right after the previous).
  const ready = p.ready ?? Promise.resolve();
  showWhy(results, { file: p.file, result: p.result, model: p.model, normalize_counts: p.normalize_counts }, ready);
  showFigure(document.getElementById('why-panel')!, p);
  const figure = document.getElementById('figure-panel')!;
  showMarkers(figure, { file: p.file, result: p.result, model: p.model }, ready);
  showCompare(document.getElementById('markers-panel')!, { result: p.result, modelName: p.modelName, annotate: p.annotate });
}

/**
 * Results-figure export in the app: CellTypist's three panels (majority voting, predicted labels,
 * confidence) on the plotted embedding, previewed and saved as PNG or SVG — the same figure as
 * the CLI's `annotate --plot`, drawn by the same TypeScript code (no canvas needed).
 */
import { encodePng } from '../../engine/figure/png.ts';
import { rasterize } from '../../engine/figure/raster.ts';
import { resultsFigure } from '../../engine/figure/results-figure.ts';
import type { Scene } from '../../engine/figure/scene.ts';
import { toSvg } from '../../engine/figure/svg.ts';
import type { PanelResult } from './panel-result.ts';
import { el, save } from './panel-dom.ts';

export interface FigureInput {
  result: PanelResult;
  /** Row-major n × dims coordinates and the embedding's name. */
  embedding: { name: string; dims: number; data: Float32Array } | null;
}

let scene: (() => Scene) | null = null;

function build(): HTMLElement {
  const s = el('section', { id: 'figure-panel', className: 'panel ctw-panel' });
  s.innerHTML = `<h2>Results figure</h2>
    <div class="ctw-row">Majority voting, predicted labels and confidence side by side, as CellTypist's figure.
      <button id="figure-png" type="button">figure PNG</button><button id="figure-svg" type="button">figure SVG</button></div>
    <div class="ctw-figure"><img id="figure-preview" alt="results figure" style="max-width: 100%" /></div>`;
  return s;
}

function png(): Blob {
  const r = rasterize(scene!(), 2);
  return new Blob([encodePng(r.width, r.height, r.rgba) as BlobPart], { type: 'image/png' });
}

/** Shows the figure panel after `anchor` for a result (nothing when there is no embedding). */
export function showFigure(anchor: HTMLElement, input: FigureInput): void {
  let section = document.getElementById('figure-panel');
  if (!section) {
    section = build();
    anchor.after(section);
    document.getElementById('figure-png')!.addEventListener('click', () => scene && save('celltypist_results.png', png()));
    document.getElementById('figure-svg')!.addEventListener('click', () => scene && save('celltypist_results.svg', new Blob([toSvg(scene())], { type: 'image/svg+xml' })));
  }
  const e = input.embedding;
  section.hidden = !e || e.dims < 2;
  if (!e || e.dims < 2) return;
  const r = input.result;
  const n = r.cell_ids.length;
  const xy = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = e.data[i * e.dims];
    xy[2 * i + 1] = e.data[i * e.dims + 1];
  }
  const basis = e.name.startsWith('X_') ? e.name.slice(2).toUpperCase() : 'UMAP';
  const panels = [
    ...(r.majority_voting ? [{ title: 'majority_voting', kind: 'labels' as const, labels: r.majority_voting }] : []),
    { title: 'predicted_labels', kind: 'labels' as const, labels: r.predicted_labels },
    { title: 'conf_score', kind: 'values' as const, values: r.conf_score, min: 0, max: 1 },
  ];
  scene = () => resultsFigure({ embedding: xy, basis, panels, pixel_ratio: 2 });
  const img = document.getElementById('figure-preview') as HTMLImageElement;
  const old = img.src;
  // Preview at 1× (cheap); the download is drawn at 2×.
  const r1 = rasterize(resultsFigure({ embedding: xy, basis, panels, pixel_ratio: 1 }), 1);
  img.src = URL.createObjectURL(new Blob([encodePng(r1.width, r1.height, r1.rgba) as BlobPart], { type: 'image/png' }));
  if (old.startsWith('blob:')) URL.revokeObjectURL(old);
}

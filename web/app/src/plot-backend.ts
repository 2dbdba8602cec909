/** What the page's plot needs from a renderer (WebGL: plot-deck.ts; 2D canvas: plot-basic.ts). */
import type { Point } from './selection.ts';

export type PlotTool = 'pan' | 'box' | 'lasso';

export interface PlotBackend {
  /** Points as in the file (row-major n × 2, y up); fits the view to them. */
  setPositions(xy: Float32Array): void;
  /** Per-cell RGBA in cell order (alpha is opacity), drawn in `order` (later on top) when given. */
  setColors(colors: Uint8Array, order: Uint32Array | null): void;
  clear(): void;
  setTool(tool: PlotTool): void;
  /** A point of the plot in CSS pixels → data coordinates (null before the first frame). */
  toData(p: Point): Point | null;
  /** PNG data URL of what is shown. */
  toPng(): string;
  /** Releases the renderer and removes its canvas. */
  destroy(): void;
}

/** What a renderer reports to the page (cell indices in cell order). */
export interface PlotCallbacks {
  onHover(index: number, x: number, y: number): void;
  /** A click on a cell with the pan tool. */
  onCellClick(index: number): void;
  /** A frame was drawn. */
  onFrame(): void;
}

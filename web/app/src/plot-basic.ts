/**
 * The basic plot, for browsers without WebGL (or after the WebGL context was lost): the engine's
 * scatter rasterizer (web/engine/figure/scatter-raster.ts) draws every cell into an image shown on
 * a 2D canvas, with the same per-cell colours (dimmed cells stay dimmed), point size, hover (an
 * index image of the drawn discs: the top-most cell under the pointer), wheel zoom and drag pan.
 */
import { bounds, type Bounds, type Placement, scatterPlacement, scatterRasterRgba } from '../../engine/figure/scatter-raster.ts';
import type { PlotBackend, PlotCallbacks, PlotTool } from './plot-backend.ts';
import { pointPixels } from './plot-deck.ts';
import type { Point } from './selection.ts';

const MARGIN = 0.05;

export class BasicPlot implements PlotBackend {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private xy: Float32Array | null = null;
  private colors: Uint8Array | null = null;
  private order: Uint32Array | null = null;
  private view: Bounds | null = null;
  private place: Placement | null = null;
  /** Cell index drawn on top at each device pixel (-1: none), for hover. */
  private pick = new Int32Array(0);
  private image: Uint8ClampedArray | undefined;
  private frame = 0;
  private tool: PlotTool = 'pan';
  private readonly resize: ResizeObserver | null;
  private readonly detach: () => void;

  constructor(
    private readonly container: HTMLElement,
    private readonly cb: PlotCallbacks,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'plot-basic';
    this.canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;touch-action:none;cursor:grab';
    container.prepend(this.canvas);
    this.ctx = this.canvas.getContext('2d')!;
    this.resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.schedule()) : null;
    this.resize?.observe(container);
    this.detach = this.wire();
  }

  setPositions(xy: Float32Array) {
    this.xy = xy;
    this.view = bounds(xy);
    this.schedule();
  }

  setColors(colors: Uint8Array, order: Uint32Array | null) {
    this.colors = colors;
    this.order = order;
    this.schedule();
  }

  clear() {
    this.xy = null;
    this.colors = null;
    this.order = null;
    this.view = null;
    this.schedule();
  }

  setTool(tool: PlotTool) {
    this.tool = tool;
    this.canvas.style.cursor = tool === 'pan' ? 'grab' : 'crosshair';
  }

  toData(p: Point): Point | null {
    if (!this.place) return null;
    const dpr = this.canvas.width / Math.max(1, this.canvas.clientWidth);
    return this.place.toData(p[0] * dpr, p[1] * dpr);
  }

  toPng(): string {
    this.draw();
    return this.canvas.toDataURL('image/png');
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.resize?.disconnect();
    this.detach();
    this.canvas.remove();
  }

  private schedule() {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  /** Rasterizes every cell at the canvas's device resolution (and the pick image beside it). */
  private draw() {
    const dpr = globalThis.devicePixelRatio || 1;
    const width = Math.max(1, Math.round((this.container.clientWidth || 600) * dpr));
    const height = Math.max(1, Math.round((this.container.clientHeight || 500) * dpr));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.ctx.clearRect(0, 0, width, height);
    const { xy, colors, view } = this;
    if (!xy || !colors || !view) {
      this.place = null;
      return;
    }
    const n = xy.length / 2;
    const radius = pointPixels(n) * dpr;
    const order = this.order && this.order.length === n ? this.order : null;
    this.image = scatterRasterRgba(xy, colors, { width, height, margin: MARGIN, radius, view, order: order ?? undefined }, this.image);
    this.ctx.putImageData(new ImageData(this.image as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
    this.place = scatterPlacement(view, width, height, MARGIN);
    this.cb.onFrame();
    if (this.pick.length !== width * height) this.pick = new Int32Array(width * height);
    this.pick.fill(-1);
    const r = Math.ceil(radius);
    // In drawing order: the cell on top at a pixel is the one hovered there.
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      if (!colors[4 * i + 3]) continue;
      const [px, py] = this.place.toPixel(xy[2 * i], xy[2 * i + 1]);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      const fx = Math.floor(px), fy = Math.floor(py);
      for (let y = Math.max(0, fy - r); y <= Math.min(height - 1, fy + r); y++) {
        for (let x = Math.max(0, fx - r); x <= Math.min(width - 1, fx + r); x++) this.pick[y * width + x] = i;
      }
    }
  }

  /** The cell under a CSS-pixel point (within a few pixels), or -1. */
  private cellAt(cssX: number, cssY: number): number {
    const dpr = this.canvas.width / Math.max(1, this.canvas.clientWidth);
    const x = Math.round(cssX * dpr), y = Math.round(cssY * dpr);
    const w = this.canvas.width, h = this.canvas.height;
    for (let d = 0; d <= Math.ceil(2 * dpr); d++) {
      for (let dy = -d; dy <= d; dy++) {
        for (let dx = -d; dx <= d; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const i = this.pick[yy * w + xx];
          if (i >= 0) return i;
        }
      }
    }
    return -1;
  }

  /** Hover, wheel zoom about the pointer, and drag pan (pan tool); returns the unwiring. */
  private wire(): () => void {
    const c = this.canvas;
    let drag: { x: number; y: number; view: Bounds; moved: boolean } | null = null;
    const local = (e: PointerEvent | WheelEvent): Point => {
      const r = c.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    const move = (e: PointerEvent) => {
      const [x, y] = local(e);
      if (drag && this.place && this.view) {
        if (Math.abs(x - drag.x) + Math.abs(y - drag.y) < 3 && !drag.moved) return;
        drag.moved = true;
        const k = this.place.scale / (c.width / Math.max(1, c.clientWidth));
        const dx = (x - drag.x) / k, dy = (y - drag.y) / k;
        this.view = { x0: drag.view.x0 - dx, x1: drag.view.x1 - dx, y0: drag.view.y0 + dy, y1: drag.view.y1 + dy };
        this.schedule();
        return;
      }
      const i = this.cellAt(x, y);
      this.cb.onHover(i, x, y);
    };
    const down = (e: PointerEvent) => {
      if (this.tool !== 'pan' || !this.view) return;
      const [x, y] = local(e);
      drag = { x, y, view: this.view, moved: false };
      c.setPointerCapture(e.pointerId);
      c.style.cursor = 'grabbing';
    };
    const up = (e: PointerEvent) => {
      // A click (no drag) on a cell.
      if (drag && !drag.moved) {
        const i = this.cellAt(...local(e));
        if (i >= 0) this.cb.onCellClick(i);
      }
      drag = null;
      c.style.cursor = this.tool === 'pan' ? 'grab' : 'crosshair';
    };
    const leave = () => this.cb.onHover(-1, 0, 0);
    const wheel = (e: WheelEvent) => {
      if (!this.view || !this.place) return;
      e.preventDefault();
      const at = this.toData(local(e));
      if (!at) return;
      const f = Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300)));
      const v = this.view;
      this.view = { x0: at[0] + (v.x0 - at[0]) * f, x1: at[0] + (v.x1 - at[0]) * f, y0: at[1] + (v.y0 - at[1]) * f, y1: at[1] + (v.y1 - at[1]) * f };
      this.schedule();
    };
    c.addEventListener('pointermove', move);
    c.addEventListener('pointerdown', down);
    c.addEventListener('pointerup', up);
    c.addEventListener('pointerleave', leave);
    c.addEventListener('wheel', wheel, { passive: false });
    return () => {
      c.removeEventListener('pointermove', move);
      c.removeEventListener('pointerdown', down);
      c.removeEventListener('pointerup', up);
      c.removeEventListener('pointerleave', leave);
      c.removeEventListener('wheel', wheel);
    };
  }
}

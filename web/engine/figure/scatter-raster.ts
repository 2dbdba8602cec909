/**
 * Points of an embedding stamped into a transparent RGBA raster (one disc per cell), so a plot
 * of a million cells is one image in an SVG or PNG, and the app's basic (no-WebGL) plot is one
 * image on a 2D canvas. Discs are drawn in cell order (or a given order); the point size follows
 * the number of cells as scanpy's default (size ∝ 1/n), within readable bounds. The view is the
 * points' bounds unless given (zoom and pan); `scatterPlacement` maps between data and raster
 * pixels both ways.
 */
import { rgb } from './scene.ts';

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface ScatterRasterOptions {
  /** Raster side in pixels. */
  width: number;
  height: number;
  /** Fraction of the side left empty around the points (default 0.04). */
  margin?: number;
  /** Disc radius in pixels (default from the number of cells). */
  radius?: number;
  /** Drawing order (later cells on top); default: cell order. */
  order?: ArrayLike<number>;
  /** The data box shown (default: the points' bounds), fitted and centred with equal axis scales. */
  view?: Bounds;
}

/** Bounds of the finite points of an n × 2 array. */
export function bounds(xy: ArrayLike<number>): Bounds {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x0, x1, y0, y1 };
}

/** Default disc radius (px, for a ~400 px panel at 1×): big for hundreds of cells, a pixel for millions. */
export function pointRadius(n: number, side: number): number {
  return Math.max(0.7, Math.min(5, (side / 400) * 0.5 * Math.sqrt(12000 / Math.max(1, n))));
}

/** Where data coordinates land in the raster (y up, as scanpy draws), and back. */
export interface Placement {
  /** Pixels per data unit (both axes). */
  scale: number;
  toPixel(x: number, y: number): [number, number];
  toData(px: number, py: number): [number, number];
}

export function scatterPlacement(view: Bounds, width: number, height: number, margin = 0.04): Placement {
  // Same scale on both axes, so distances look right.
  const span = Math.max(view.x1 - view.x0, view.y1 - view.y0) || 1;
  const k = (Math.min(width, height) * (1 - 2 * margin)) / span;
  const cx = (width - (view.x1 - view.x0) * k) / 2;
  const cy = (height - (view.y1 - view.y0) * k) / 2;
  return {
    scale: k,
    toPixel: (x, y) => [cx + (x - view.x0) * k, height - (cy + (y - view.y0) * k)],
    toData: (px, py) => [view.x0 + (px - cx) / k, view.y0 + (height - py - cy) / k],
  };
}

/** One disc of colour `col` and opacity `alpha` over what `out` holds (straight alpha). */
function stamp(out: Uint8ClampedArray, width: number, height: number, px: number, py: number, r: number, col: ArrayLike<number>, alpha: number) {
  const ri = Math.ceil(r);
  const fx = Math.floor(px), fy = Math.floor(py);
  if (fx + ri < 0 || fy + ri < 0 || fx - ri >= width || fy - ri >= height) return;
  for (let dy = -ri; dy <= ri; dy++) {
    const yy = fy + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -ri; dx <= ri; dx++) {
      const xx = fx + dx;
      if (xx < 0 || xx >= width) continue;
      const d = Math.hypot(xx + 0.5 - px, yy + 0.5 - py);
      const a = Math.max(0, Math.min(1, r + 0.5 - d)) * alpha;
      if (a <= 0) continue;
      const p = (yy * width + xx) * 4;
      const ao = out[p + 3] / 255;
      const an = a + ao * (1 - a);
      for (let j = 0; j < 3; j++) out[p + j] = (col[j] * a + out[p + j] * ao * (1 - a)) / an;
      out[p + 3] = an * 255;
    }
  }
}

/** `colorOf(i)` gives each cell's '#rrggbb' colour; cells whose colour is null are not drawn. */
export function scatterRaster(xy: ArrayLike<number>, colorOf: (i: number) => string | null, o: ScatterRasterOptions): Uint8ClampedArray {
  const { width, height } = o;
  const out = new Uint8ClampedArray(width * height * 4);
  const n = Math.floor(xy.length / 2);
  const place = scatterPlacement(o.view ?? bounds(xy), width, height, o.margin);
  const r = o.radius ?? pointRadius(n, Math.min(width, height));
  const cache = new Map<string, [number, number, number]>();
  const order = o.order && o.order.length === n ? o.order : null;
  for (let j = 0; j < n; j++) {
    const i = order ? order[j] : j;
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const c = colorOf(i);
    if (!c) continue;
    let col = cache.get(c);
    if (!col) cache.set(c, (col = rgb(c)));
    const [px, py] = place.toPixel(x, y);
    stamp(out, width, height, px, py, r, col, 1);
  }
  return out;
}

/**
 * The same with per-cell RGBA colours (4 bytes a cell, as the app's WebGL plot takes them): the
 * colour's alpha is the disc's opacity, cells of alpha 0 are not drawn. `into` is reused when given.
 */
export function scatterRasterRgba(xy: ArrayLike<number>, rgba: Uint8Array, o: ScatterRasterOptions, into?: Uint8ClampedArray): Uint8ClampedArray {
  const { width, height } = o;
  const out = into && into.length === width * height * 4 ? into : new Uint8ClampedArray(width * height * 4);
  out.fill(0);
  const n = Math.floor(xy.length / 2);
  const place = scatterPlacement(o.view ?? bounds(xy), width, height, o.margin);
  const r = o.radius ?? pointRadius(n, Math.min(width, height));
  const order = o.order && o.order.length === n ? o.order : null;
  for (let j = 0; j < n; j++) {
    const i = order ? order[j] : j;
    const x = xy[2 * i], y = xy[2 * i + 1];
    const a = rgba[4 * i + 3];
    if (!a || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const [px, py] = place.toPixel(x, y);
    stamp(out, width, height, px, py, r, rgba.subarray(4 * i, 4 * i + 3), a / 255);
  }
  return out;
}

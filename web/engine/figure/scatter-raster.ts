/**
 * Points of an embedding stamped into a transparent RGBA raster (one disc per cell), so a plot
 * of a million cells is one image in an SVG or PNG. Discs are drawn in cell order (or a given order); the point
 * size follows the number of cells as scanpy's default (size ∝ 1/n), within readable bounds.
 */
import { rgb } from './scene.ts';

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
}

/** Bounds of the finite points of an n × 2 array. */
export function bounds(xy: ArrayLike<number>): { x0: number; x1: number; y0: number; y1: number } {
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

/** `colorOf(i)` gives each cell's '#rrggbb' colour; cells whose colour is null are not drawn. */
export function scatterRaster(xy: ArrayLike<number>, colorOf: (i: number) => string | null, o: ScatterRasterOptions): Uint8ClampedArray {
  const { width, height } = o;
  const out = new Uint8ClampedArray(width * height * 4);
  const n = Math.floor(xy.length / 2);
  const b = bounds(xy);
  const m = o.margin ?? 0.04;
  // Same scale on both axes, so distances look right; y up as in scanpy.
  const span = Math.max(b.x1 - b.x0, b.y1 - b.y0) || 1;
  const k = (Math.min(width, height) * (1 - 2 * m)) / span;
  const cx = (width - (b.x1 - b.x0) * k) / 2;
  const cy = (height - (b.y1 - b.y0) * k) / 2;
  const r = o.radius ?? pointRadius(n, Math.min(width, height));
  const cache = new Map<string, [number, number, number]>();
  const ri = Math.ceil(r);
  const order = o.order && o.order.length === n ? o.order : null;
  for (let j = 0; j < n; j++) {
    const i = order ? order[j] : j;
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const c = colorOf(i);
    if (!c) continue;
    let col = cache.get(c);
    if (!col) cache.set(c, (col = rgb(c)));
    const px = cx + (x - b.x0) * k;
    const py = height - (cy + (y - b.y0) * k);
    for (let dy = -ri; dy <= ri; dy++) {
      const yy = Math.floor(py) + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -ri; dx <= ri; dx++) {
        const xx = Math.floor(px) + dx;
        if (xx < 0 || xx >= width) continue;
        const d = Math.hypot(xx + 0.5 - px, yy + 0.5 - py);
        const a = Math.max(0, Math.min(1, r + 0.5 - d));
        if (a <= 0) continue;
        const p = (yy * width + xx) * 4;
        // Over-composite onto what is there (straight alpha).
        const ao = out[p + 3] / 255;
        const an = a + ao * (1 - a);
        for (let j = 0; j < 3; j++) out[p + j] = (col[j] * a + out[p + j] * ao * (1 - a)) / an;
        out[p + 3] = an * 255;
      }
    }
  }
  return out;
}

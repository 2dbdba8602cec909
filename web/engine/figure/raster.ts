/**
 * Draws a Scene into an RGBA raster with anti-aliased shapes and text, in plain TypeScript (no
 * canvas, no native module), so the CLI writes PNG figures in Node. Text uses the glyph atlas
 * (font-atlas.ts), area-averaged down to the requested size. `scale` > 1 renders at a higher
 * resolution (e.g. 2 for crisp PNGs).
 */
import { inflateSync } from 'fflate';
import { ATLAS_ASCENT, ATLAS_HEIGHT, ATLAS_SIZE, COVERAGE, GLYPHS } from './font-atlas.ts';
import { rgb, type Scene, type Shape } from './scene.ts';
import { textWidth } from './text.ts';

interface Glyph {
  advance: number;
  left: number;
  cols: number;
  offset: number;
}

let atlas: { glyphs: Map<number, Glyph>; coverage: Uint8Array } | null = null;

function glyphs() {
  if (atlas) return atlas;
  const coverage = inflateSync(Uint8Array.from(atob(COVERAGE), (c) => c.charCodeAt(0)));
  const map = new Map<number, Glyph>();
  let offset = 0;
  for (const [code, advance, left, cols] of GLYPHS) {
    map.set(code, { advance, left, cols, offset });
    offset += cols * ATLAS_HEIGHT;
  }
  atlas = { glyphs: map, coverage };
  return atlas;
}

export class Raster {
  readonly rgba: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
    background: string,
  ) {
    this.rgba = new Uint8ClampedArray(width * height * 4);
    const [r, g, b] = rgb(background);
    for (let i = 0; i < width * height; i++) this.rgba.set([r, g, b, 255], i * 4);
  }

  /** Blends colour `c` at pixel (x, y) with coverage `a` in [0, 1]. */
  blend(x: number, y: number, c: [number, number, number], a: number): void {
    if (a <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const k = Math.min(1, a);
    this.rgba[i] += (c[0] - this.rgba[i]) * k;
    this.rgba[i + 1] += (c[1] - this.rgba[i + 1]) * k;
    this.rgba[i + 2] += (c[2] - this.rgba[i + 2]) * k;
  }

  fillRect(x: number, y: number, w: number, h: number, c: [number, number, number], alpha = 1): void {
    const x0 = Math.max(0, Math.floor(x));
    const x1 = Math.min(this.width, Math.ceil(x + w));
    const y0 = Math.max(0, Math.floor(y));
    const y1 = Math.min(this.height, Math.ceil(y + h));
    for (let py = y0; py < y1; py++) {
      const cy = Math.min(py + 1, y + h) - Math.max(py, y);
      for (let px = x0; px < x1; px++) {
        const cx = Math.min(px + 1, x + w) - Math.max(px, x);
        this.blend(px, py, c, cx * cy * alpha);
      }
    }
  }

  /** A disc (fill) or ring (stroke of width sw) with anti-aliased edges. */
  circle(cx: number, cy: number, r: number, c: [number, number, number], sw = 0): void {
    const outer = r + sw / 2;
    const inner = sw > 0 ? r - sw / 2 : -1;
    for (let py = Math.floor(cy - outer - 1); py <= Math.ceil(cy + outer + 1); py++) {
      for (let px = Math.floor(cx - outer - 1); px <= Math.ceil(cx + outer + 1); px++) {
        const d = Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
        let a = Math.max(0, Math.min(1, outer + 0.5 - d));
        if (inner >= 0) a = Math.min(a, Math.max(0, Math.min(1, d - inner + 0.5)));
        this.blend(px, py, c, a);
      }
    }
  }

  line(x1: number, y1: number, x2: number, y2: number, c: [number, number, number], w: number): void {
    if (x1 === x2 || y1 === y2) {
      // Axis-aligned: an exact rectangle.
      if (y1 === y2) this.fillRect(Math.min(x1, x2), y1 - w / 2, Math.abs(x2 - x1), w, c);
      else this.fillRect(x1 - w / 2, Math.min(y1, y2), w, Math.abs(y2 - y1), c);
      return;
    }
    const len2 = (x2 - x1) ** 2 + (y2 - y1) ** 2;
    for (let py = Math.floor(Math.min(y1, y2) - w); py <= Math.ceil(Math.max(y1, y2) + w); py++) {
      for (let px = Math.floor(Math.min(x1, x2) - w); px <= Math.ceil(Math.max(x1, x2) + w); px++) {
        const t = Math.max(0, Math.min(1, ((px + 0.5 - x1) * (x2 - x1) + (py + 0.5 - y1) * (y2 - y1)) / len2));
        const d = Math.hypot(px + 0.5 - (x1 + t * (x2 - x1)), py + 0.5 - (y1 + t * (y2 - y1)));
        this.blend(px, py, c, w / 2 + 0.5 - d);
      }
    }
  }

  /** Text with its baseline at y; `rotate` -90 reads bottom to top with the baseline at x. */
  text(s: string, x: number, y: number, size: number, c: [number, number, number], anchor: 'start' | 'middle' | 'end' = 'start', rotate: 0 | -90 = 0, bold = false): void {
    const cov = textCoverage(s, size);
    const shift = anchor === 'start' ? 0 : anchor === 'middle' ? cov.width / 2 : cov.width;
    const ascent = (ATLAS_ASCENT * size) / ATLAS_SIZE;
    for (let ty = 0; ty < cov.height; ty++) {
      for (let tx = 0; tx < cov.width; tx++) {
        const a = cov.alpha[ty * cov.width + tx] / 255;
        if (a === 0) continue;
        // Unrotated: pixel (tx, ty) of the text box; rotated -90: x' = ty, y' = -tx.
        const px = rotate ? Math.round(x - ascent) + ty : Math.round(x - shift) + tx;
        const py = rotate ? Math.round(y + shift) - tx - 1 : Math.round(y - ascent) + ty;
        this.blend(px, py, c, a);
        if (bold) this.blend(rotate ? px : px + 1, rotate ? py - 1 : py, c, a * 0.7);
      }
    }
  }

  /** Draws an RGBA image (straight alpha) scaled to w × h at (x, y), nearest neighbour. */
  image(x: number, y: number, w: number, h: number, width: number, height: number, rgba: Uint8ClampedArray): void {
    const x0 = Math.round(x);
    const y0 = Math.round(y);
    for (let py = 0; py < Math.round(h); py++) {
      const sy = Math.min(height - 1, Math.floor((py * height) / h));
      for (let px = 0; px < Math.round(w); px++) {
        const sx = Math.min(width - 1, Math.floor((px * width) / w));
        const i = (sy * width + sx) * 4;
        this.blend(x0 + px, y0 + py, [rgba[i], rgba[i + 1], rgba[i + 2]], rgba[i + 3] / 255);
      }
    }
  }

  gradient(x: number, y: number, w: number, h: number, colors: string[], vertical: boolean): void {
    const c = colors.map(rgb);
    const len = vertical ? h : w;
    for (let i = 0; i < Math.ceil(len); i++) {
      const t = (i / Math.max(1, len - 1)) * (c.length - 1);
      const k = Math.min(c.length - 2, Math.floor(t));
      const f = t - k;
      const col: [number, number, number] = [0, 1, 2].map((j) => c[k][j] + f * (c[k + 1][j] - c[k][j])) as [number, number, number];
      if (vertical) this.fillRect(x, y + h - i - 1, w, 1, col);
      else this.fillRect(x + i, y, 1, h, col);
    }
  }
}

/** Coverage (0–255) of a line of text at `size` px: glyphs area-averaged from the 32 px atlas. */
export function textCoverage(s: string, size: number): { width: number; height: number; alpha: Uint8Array } {
  const { glyphs: map, coverage } = glyphs();
  const k = size / ATLAS_SIZE;
  const width = Math.max(1, Math.ceil(textWidth(s, size)) + 2);
  const height = Math.max(1, Math.ceil(ATLAS_HEIGHT * k));
  const acc = new Float32Array(width * height);
  let pen = 0; // in atlas pixels
  // Exact area weights: source pixel [a, a+1) lands on target [a·k, (a+1)·k), split over at most two target pixels.
  const split = (a: number): [number, number, number] => {
    const lo = a * k;
    const t = Math.floor(lo);
    const first = Math.min(t + 1, lo + k) - lo;
    return [t, first, k - first];
  };
  for (const ch of s) {
    const g = map.get(ch.codePointAt(0)!) ?? map.get(0x3f)!;
    for (let gy = 0; gy < ATLAS_HEIGHT; gy++) {
      const [ty, wy0, wy1] = split(gy);
      for (let gx = 0; gx < g.cols; gx++) {
        const v = coverage[g.offset + gy * g.cols + gx];
        if (v === 0) continue;
        const [tx, wx0, wx1] = split(pen + g.left + gx);
        const put = (x: number, y: number, w: number) => {
          if (w > 0 && x >= 0 && x < width && y >= 0 && y < height) acc[y * width + x] += v * w;
        };
        put(tx, ty, wx0 * wy0);
        put(tx + 1, ty, wx1 * wy0);
        put(tx, ty + 1, wx0 * wy1);
        put(tx + 1, ty + 1, wx1 * wy1);
      }
    }
    pen += g.advance;
  }
  // The weights are areas in target pixels, so acc is already the mean coverage (sizes up to 2× the atlas).
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < acc.length; i++) alpha[i] = Math.min(255, Math.round(acc[i]));
  return { width, height, alpha };
}

function drawShape(r: Raster, s: Shape, f: number): void {
  switch (s.kind) {
    case 'rect':
      if (s.fill && s.fill !== 'none') r.fillRect(s.x * f, s.y * f, s.w * f, s.h * f, rgb(s.fill));
      if (s.stroke) {
        const w = (s.strokeWidth ?? 1) * f;
        const c = rgb(s.stroke);
        r.fillRect(s.x * f - w / 2, s.y * f - w / 2, s.w * f + w, w, c);
        r.fillRect(s.x * f - w / 2, (s.y + s.h) * f - w / 2, s.w * f + w, w, c);
        r.fillRect(s.x * f - w / 2, s.y * f + w / 2, w, s.h * f - w, c);
        r.fillRect((s.x + s.w) * f - w / 2, s.y * f + w / 2, w, s.h * f - w, c);
      }
      return;
    case 'circle':
      r.circle(s.cx * f, s.cy * f, s.r * f, rgb(s.fill));
      if (s.stroke) r.circle(s.cx * f, s.cy * f, s.r * f, rgb(s.stroke), (s.strokeWidth ?? 1) * f);
      return;
    case 'line':
      return r.line(s.x1 * f, s.y1 * f, s.x2 * f, s.y2 * f, rgb(s.stroke), (s.strokeWidth ?? 1) * f);
    case 'text':
      return r.text(s.text, s.x * f, s.y * f, s.size * f, rgb(s.fill ?? '#000000'), s.anchor, s.rotate, s.bold);
    case 'image':
      return r.image(s.x * f, s.y * f, s.w * f, s.h * f, s.width, s.height, s.rgba);
    case 'gradient':
      return r.gradient(s.x * f, s.y * f, s.w * f, s.h * f, s.colors, s.vertical ?? false);
  }
}

/** Rasterizes a scene at `scale` pixels per scene unit. */
export function rasterize(scene: Scene, scale = 1): Raster {
  const r = new Raster(Math.ceil(scene.width * scale), Math.ceil(scene.height * scale), scene.background);
  for (const s of scene.shapes) drawShape(r, s, scale);
  return r;
}

/**
 * A figure as a flat list of shapes in pixel coordinates, drawn by two back ends that share the
 * layout: SVG text (svg.ts) and an RGBA raster encoded as PNG (raster.ts, png.ts). Dense point
 * clouds (a million cells) are an `image` shape, so an SVG stays small.
 */

export type Color = string; // '#rrggbb'

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: Color; stroke?: Color; strokeWidth?: number }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: Color; stroke?: Color; strokeWidth?: number; title?: string; cls?: string }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: Color; strokeWidth?: number }
  | { kind: 'text'; x: number; y: number; text: string; size: number; fill?: Color; anchor?: 'start' | 'middle' | 'end'; rotate?: 0 | -90; bold?: boolean }
  /** An RGBA raster (`width` × `height` pixels, straight alpha) placed at x, y with size w × h. */
  | { kind: 'image'; x: number; y: number; w: number; h: number; width: number; height: number; rgba: Uint8ClampedArray }
  /** A horizontal or vertical colour bar: `colors` sampled along its length. */
  | { kind: 'gradient'; x: number; y: number; w: number; h: number; colors: Color[]; vertical?: boolean };

export interface Scene {
  width: number;
  height: number;
  background: Color;
  shapes: Shape[];
  /** Text for the SVG <title> (accessibility). */
  title?: string;
}

/** '#rrggbb' → [r, g, b]. */
export function rgb(c: Color): [number, number, number] {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function hex(r: number, g: number, b: number): Color {
  return '#' + [r, g, b].map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('');
}

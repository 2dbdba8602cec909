/**
 * Lasso and box selection in plot (world) coordinates: which points fall inside a polygon.
 * Pure functions, so they are tested without a browser.
 */

export type Point = [number, number];

/** Even-odd rule; `poly` is closed implicitly. */
export function insidePolygon(x: number, y: number, poly: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The rectangle with corners a and b as a polygon. */
export function boxPolygon(a: Point, b: Point): Point[] {
  return [a, [b[0], a[1]], b, [a[0], b[1]]];
}

/** Indices (ascending) of the points (row-major n × 2) inside the polygon. */
export function pointsInPolygon(positions: Float32Array, poly: Point[]): Uint32Array {
  if (poly.length < 3) return new Uint32Array(0);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const [x, y] of poly) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const out: number[] = [];
  const n = positions.length / 2;
  for (let i = 0; i < n; i++) {
    const x = positions[2 * i], y = positions[2 * i + 1];
    // Bounding-box test first: most points of a million are far from a small selection.
    if (x < minX || x > maxX || y < minY || y > maxY) continue;
    if (insidePolygon(x, y, poly)) out.push(i);
  }
  return Uint32Array.from(out);
}

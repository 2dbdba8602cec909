/**
 * Sorted, disjoint byte extents, as the in-memory file backends keep them (blob-backend.ts,
 * replay-file.ts): the one binary search both need.
 */

/** A byte range [start, end) of a file. */
export interface Span {
  start: number;
  end: number;
}

/** Index of the first extent for which `before` is false (`before` holds for a prefix). */
export function partitionPoint<T extends Span>(extents: readonly T[], before: (e: T) => boolean): number {
  let lo = 0;
  let hi = extents.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(extents[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first extent ending after `pos`. */
export function firstEndingAfter<T extends Span>(extents: readonly T[], pos: number): number {
  return partitionPoint(extents, (e) => e.end <= pos);
}

/**
 * Text metrics of the figures' font (DejaVu Sans, the font of the PNG rasterizer and the first
 * choice of the SVGs), so labels are laid out the same in both back ends.
 */
import { ATLAS_SIZE, GLYPHS } from './font-atlas.ts';

const ADVANCE = new Map<number, number>(GLYPHS.map(([code, advance]) => [code, advance / ATLAS_SIZE]));
const FALLBACK = ADVANCE.get(0x3f)!; // '?', drawn for characters the atlas lacks

/** Width in pixels of `text` at font size `size` px. */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += ADVANCE.get(ch.codePointAt(0)!) ?? FALLBACK;
  return w * size;
}

/** `text` shortened with '…' to fit `maxWidth` pixels. */
export function fitText(text: string, size: number, maxWidth: number): string {
  if (textWidth(text, size) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(chars.join('') + '…', size) > maxWidth) chars.pop();
  return chars.join('') + '…';
}

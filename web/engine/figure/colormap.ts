/**
 * Colour maps of scanpy's figures: matplotlib's 'Reds' (the dotplot's default cmap) and
 * 'viridis' (continuous values such as conf_score), as piecewise-linear stops; and a
 * categorical palette for labels (scanpy's default 20-colour palette, then shades).
 */
import { type Color, hex, rgb } from './scene.ts';

const REDS = ['#fff5f0', '#fee0d2', '#fcbba1', '#fc9272', '#fb6a4a', '#ef3b2c', '#cb181d', '#a50f15', '#67000d'];
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

function ramp(stops: string[]): (t: number) => Color {
  const c = stops.map(rgb);
  return (t: number) => {
    const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (c.length - 1);
    const i = Math.min(c.length - 2, Math.floor(x));
    const f = x - i;
    return hex(c[i][0] + f * (c[i + 1][0] - c[i][0]), c[i][1] + f * (c[i + 1][1] - c[i][1]), c[i][2] + f * (c[i + 1][2] - c[i][2]));
  };
}

export const reds = ramp(REDS);
export const viridis = ramp(VIRIDIS);

/** `n` samples of a colour map from 0 to 1 (for colour bars). */
export function samples(map: (t: number) => Color, n = 32): Color[] {
  return Array.from({ length: n }, (_, i) => map(i / (n - 1)));
}

// scanpy's default_20 palette (matplotlib tab20 reordered), used for ≤ 20 categories.
const PALETTE = [
  '#1f77b4', '#ff7f0e', '#279e68', '#d62728', '#aa40fc', '#8c564b', '#e377c2', '#b5bd61', '#17becf', '#aec7e8',
  '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#dbdb8d', '#9edae5', '#ad494a', '#8c6d31',
];

/** Colour of category `i` of `n`: the 20-colour palette, then darker/lighter shades of it. */
export function categoryColor(i: number): Color {
  const [r, g, b] = rgb(PALETTE[i % PALETTE.length]);
  const shade = Math.floor(i / PALETTE.length) % 4;
  const f = [1, 0.65, 1.25, 0.45][shade];
  return f <= 1 ? hex(r * f, g * f, b * f) : hex(r + (255 - r) * (f - 1) * 2, g + (255 - g) * (f - 1) * 2, b + (255 - b) * (f - 1) * 2);
}

/** Colour for special labels that should stay grey (as scanpy greys NA). */
export function labelColor(label: string, i: number): Color {
  return label === 'Unassigned' || label === 'Heterogeneous' ? '#b0b0b0' : categoryColor(i);
}

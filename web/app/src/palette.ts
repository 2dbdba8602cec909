/**
 * Category colours. 'default' follows scanpy: vega_20_scanpy up to 20 categories, else its
 * 102-colour godsnot set (default_102), values written out from scanpy's documented palettes.
 * 'colorblind' starts with Okabe & Ito's 7 (no black), then adds colours of Paul Tol's bright,
 * muted and light sets in the order that keeps them farthest apart for the worst of normal vision
 * and simulated protanopia, deuteranopia and tritanopia (greedy on CIEDE2000, also away from the
 * white background and the grey of dimmed cells; see color-vision.ts and docs/accessibility.md):
 * its first 10 colours stay ΔE00 ≥ 10 apart for all four, its first 20 ≥ 5. Beyond that no palette
 * keeps 98 types apart for everyone: colours repeat darkened/lightened and the legend's search,
 * highlight and text take over.
 */

export type PaletteName = 'default' | 'colorblind';

/** scanpy's vega_20_scanpy (matplotlib tab20 reordered, greys removed, two added). */
const VEGA_20_SCANPY = [
  '#1f77b4', '#ff7f0e', '#279e68', '#d62728', '#aa40fc', '#8c564b', '#e377c2', '#b5bd61', '#17becf', '#aec7e8',
  '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#dbdb8d', '#9edae5', '#ad494a', '#8c6d31',
];

/** scanpy's godsnot_102 = default_102 (black removed). */
const GODSNOT_102 = [
  '#FFFF00', '#1CE6FF', '#FF34FF', '#FF4A46', '#008941', '#006FA6', '#A30059', '#FFDBE5', '#7A4900', '#0000A6',
  '#63FFAC', '#B79762', '#004D43', '#8FB0FF', '#997D87', '#5A0007', '#809693', '#6A3A4C', '#1B4400', '#4FC601',
  '#3B5DFF', '#4A3B53', '#FF2F80', '#61615A', '#BA0900', '#6B7900', '#00C2A0', '#FFAA92', '#FF90C9', '#B903AA',
  '#D16100', '#DDEFFF', '#000035', '#7B4F4B', '#A1C299', '#300018', '#0AA6D8', '#013349', '#00846F', '#372101',
  '#FFB500', '#C2FFED', '#A079BF', '#CC0744', '#C0B9B2', '#C2FF99', '#001E09', '#00489C', '#6F0062', '#0CBD66',
  '#EEC3FF', '#456D75', '#B77B68', '#7A87A1', '#788D66', '#885578', '#FAD09F', '#FF8A9A', '#D157A0', '#BEC459',
  '#456648', '#0086ED', '#886F4C', '#34362D', '#B4A8BD', '#00A6AA', '#452C2C', '#636375', '#A3C8C9', '#FF913F',
  '#938A81', '#575329', '#00FECF', '#B05B6F', '#8CD0FF', '#3B9700', '#04F757', '#C8A1A1', '#1E6E00', '#7900D7',
  '#A77500', '#6367A9', '#A05837', '#6B002C', '#772600', '#D790FF', '#9B9700', '#549E79', '#FFF69F', '#201625',
  '#72418F', '#BC23FF', '#99ADC0', '#3A2465', '#922329', '#5B4534', '#FDE8DC', '#404E55', '#0089A3', '#CB7E98',
  '#A4E804', '#324E72',
];

/** Okabe & Ito (no black), then Paul Tol's colours in the order described above. */
const COLORBLIND_24 = [
  '#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7',
  '#882255', '#332288', '#99DDFF', '#AA3377', '#FFAABB', '#CC3311', '#EE6677', '#AA4499', '#117733',
  '#44BB99', '#DDCC77', '#999933', '#004488', '#EE8866', '#228833', '#BB5566', '#66CCEE',
];

export const PALETTE_SIZES = { vega20: VEGA_20_SCANPY.length, godsnot: GODSNOT_102.length, colorblind: COLORBLIND_24.length };

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16)) as [number, number, number];
}

/** The base list used for `n` categories. */
export function baseColors(name: PaletteName, n: number): string[] {
  if (name === 'colorblind') return COLORBLIND_24;
  return n <= VEGA_20_SCANPY.length ? VEGA_20_SCANPY : GODSNOT_102;
}

/** `n` RGB colours, category i → colour i; past the base list, darkened then lightened rounds. */
export function paletteColors(name: PaletteName, n: number): [number, number, number][] {
  const base = baseColors(name, n).map(rgb);
  const out: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const [r, g, b] = base[i % base.length];
    const round = Math.floor(i / base.length) % 3;
    if (round === 0) out.push([r, g, b]);
    else if (round === 1) out.push([Math.round(r * 0.6), Math.round(g * 0.6), Math.round(b * 0.6)]);
    else out.push([r + Math.round((255 - r) * 0.5), g + Math.round((255 - g) * 0.5), b + Math.round((255 - b) * 0.5)]);
  }
  return out;
}

export const cssColor = ([r, g, b]: [number, number, number]) => `rgb(${r},${g},${b})`;

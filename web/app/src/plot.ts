/**
 * The embedding plot: one deck.gl ScatterplotLayer fed with binary attributes (positions and
 * colours as typed arrays), so a million points stay smooth.
 */
import { Deck, OrthographicView } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';

export interface PlotData {
  positions: Float32Array; // n × 2
  colors: Uint8Array; // n × 4
  n: number;
}

export class EmbeddingPlot {
  private deck: Deck<OrthographicView>;
  private data: PlotData | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly onHover: (index: number, x: number, y: number) => void,
  ) {
    this.deck = new Deck({
      parent: container as HTMLDivElement,
      views: new OrthographicView({ id: 'ortho' }),
      controller: true,
      initialViewState: { target: [0, 0, 0], zoom: 0 },
      // Keep the drawing buffer so the plot can be exported as PNG (and checked by tests).
      deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: true } } as never,
      getCursor: ({ isHovering }) => (isHovering ? 'pointer' : 'grab'),
      layers: [],
    });
  }

  /** Shows points and fits the view to them. */
  setData(data: PlotData) {
    this.data = data;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < data.n; i++) {
      const x = data.positions[2 * i], y = data.positions[2 * i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const w = this.container.clientWidth || 600;
    const h = this.container.clientHeight || 500;
    const span = Math.max(maxX - minX, maxY - minY, 1e-6);
    const zoom = Math.log2(Math.min(w, h) / span / 1.1);
    this.deck.setProps({ initialViewState: { target: [(minX + maxX) / 2, -(minY + maxY) / 2, 0], zoom } as never });
    this.render();
  }

  setColors(colors: Uint8Array) {
    if (!this.data) return;
    this.data = { ...this.data, colors };
    this.render();
  }

  private render() {
    const d = this.data!;
    // deck's orthographic y grows downwards; flip so the embedding looks as in scanpy.
    const pos = new Float32Array(d.positions.length);
    for (let i = 0; i < d.n; i++) {
      pos[2 * i] = d.positions[2 * i];
      pos[2 * i + 1] = -d.positions[2 * i + 1];
    }
    const span = Math.max(1, Math.sqrt(d.n));
    this.deck.setProps({
      layers: [
        new ScatterplotLayer({
          id: 'cells',
          data: { length: d.n, attributes: { getPosition: { value: pos, size: 2 }, getFillColor: { value: d.colors, size: 4, normalized: true } } } as never,
          radiusUnits: 'pixels',
          getRadius: Math.max(1.5, 6 - Math.log10(span) * 1.5),
          pickable: true,
          updateTriggers: { getFillColor: d.colors },
          onHover: (info) => this.onHover(info.index, info.x, info.y),
        }),
      ],
    });
  }

  /** PNG data URL of the current plot. */
  toPng(): string {
    this.deck.redraw('export');
    const canvas = this.container.querySelector('canvas') as HTMLCanvasElement;
    return canvas.toDataURL('image/png');
  }
}

/** A qualitative palette (Tableau 20 + more), cycled for many labels. */
const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5',
];

export function colorOf(i: number): [number, number, number] {
  const hex = PALETTE[i % PALETTE.length];
  const shade = Math.floor(i / PALETTE.length) % 3;
  const k = [1, 0.7, 0.5][shade];
  return [0, 2, 4].map((o) => Math.round(parseInt(hex.slice(1 + o, 3 + o), 16) * k)) as [number, number, number];
}

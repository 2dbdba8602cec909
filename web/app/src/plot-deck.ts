/**
 * The WebGL plot: one deck.gl ScatterplotLayer fed with binary attributes (positions and colours
 * as typed arrays, uploaded as they are), GPU picking for hover, zoom and pan. It reports when it
 * cannot draw (no WebGL device, or its context lost) so that the page switches to the basic plot.
 */
import { Deck, OrthographicView } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { PlotBackend, PlotCallbacks, PlotTool } from './plot-backend.ts';
import type { Point } from './selection.ts';

export class DeckPlot implements PlotBackend {
  private deck: Deck<OrthographicView>;
  /** Row-major n × 2, y flipped once (deck's orthographic y grows downwards). */
  private positions: Float32Array | null = null;
  private colors: Uint8Array | null = null;
  /** Drawing order and the buffers permuted to it (once per colouring); null: cell order. */
  private order: Uint32Array | null = null;
  private drawn: { positions: Float32Array; colors: Uint8Array } | null = null;
  private n = 0;
  private tool: PlotTool = 'pan';
  private failed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly cb: PlotCallbacks,
    /** Called once when WebGL fails: no device ('unavailable') or the context is lost ('lost'). */
    private readonly onFail: (why: 'unavailable' | 'lost', detail: string) => void,
  ) {
    this.deck = new Deck({
      parent: container as HTMLDivElement,
      views: new OrthographicView({ id: 'ortho' }),
      controller: true,
      initialViewState: { target: [0, 0, 0], zoom: 0 },
      // Keep the drawing buffer so the plot can be exported as PNG (and checked by tests).
      deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: true } } as never,
      getCursor: ({ isHovering }) => (this.tool !== 'pan' ? 'crosshair' : isHovering ? 'pointer' : 'grab'),
      // Frames drawn, for the page bench's interaction timing.
      onAfterRender: () => this.cb.onFrame(),
      onError: (e) => this.fail(/context|webgl|device/i.test(String((e as Error)?.message)) ? 'unavailable' : 'lost', String((e as Error)?.message ?? e)),
      layers: [],
    });
    const canvas = this.canvas();
    canvas?.addEventListener('webglcontextlost', () => this.fail('lost', 'webglcontextlost'));
  }

  private canvas(): HTMLCanvasElement | null {
    return this.container.querySelector('canvas');
  }

  private fail(why: 'unavailable' | 'lost', detail: string) {
    if (this.failed) return;
    this.failed = true;
    // deck.gl's own error (logged once), then the page draws without it.
    console.warn(`celltypist-wasm: WebGL plot ${why === 'lost' ? 'lost its context' : 'could not start'} (${detail}); drawing the basic plot instead`);
    queueMicrotask(() => this.onFail(why, detail));
  }

  setPositions(xy: Float32Array) {
    const n = xy.length / 2;
    const pos = new Float32Array(xy.length);
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = -xy[2 * i + 1];
      pos[2 * i] = x;
      pos[2 * i + 1] = y;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.positions = pos;
    this.drawn = null;
    this.n = n;
    const w = this.container.clientWidth || 600;
    const h = this.container.clientHeight || 500;
    const span = Math.max(maxX - minX, maxY - minY, 1e-6);
    const zoom = Math.log2(Math.min(w, h) / span / 1.1);
    this.deck.setProps({ initialViewState: { target: [(minX + maxX) / 2, (minY + maxY) / 2, 0], zoom } as never });
    this.render();
  }

  setColors(colors: Uint8Array, order: Uint32Array | null) {
    this.colors = colors;
    this.order = order && order.length === this.n ? order : null;
    this.drawn = null;
    this.render();
  }

  /** Positions and colours in drawing order (permuted once per colouring when there is an order). */
  private drawBuffers(): { positions: Float32Array; colors: Uint8Array } {
    if (!this.order) return { positions: this.positions!, colors: this.colors! };
    if (this.drawn) return this.drawn;
    const order = this.order;
    const positions = this.positions!;
    const colors = this.colors!;
    const p = new Float32Array(positions.length);
    const c = new Uint8Array(colors.length);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      p[2 * k] = positions[2 * i];
      p[2 * k + 1] = positions[2 * i + 1];
      c.set(colors.subarray(4 * i, 4 * i + 4), 4 * k);
    }
    return (this.drawn = { positions: p, colors: c });
  }

  clear() {
    this.positions = null;
    this.colors = null;
    this.order = null;
    this.drawn = null;
    this.n = 0;
    this.deck.setProps({ layers: [] });
  }

  setTool(tool: PlotTool) {
    this.tool = tool;
    this.deck.setProps({ controller: tool === 'pan' ? true : { dragPan: false, dragRotate: false, scrollZoom: true } });
  }

  /** A point of the plot (CSS pixels) in data coordinates (y as in the file). */
  toData(p: Point): Point | null {
    const vp = this.deck.getViewports()[0];
    if (!vp) return null;
    const [x, y] = vp.unproject(p);
    return [x, -y];
  }

  toPng(): string {
    this.deck.redraw('export');
    return (this.canvas() as HTMLCanvasElement).toDataURL('image/png');
  }

  destroy() {
    try {
      this.deck.finalize();
    } catch {
      // a deck whose device never came up has little to release
    }
    this.canvas()?.remove();
  }

  private render() {
    if (!this.positions || !this.colors) return;
    const n = this.n;
    const { positions, colors } = this.drawBuffers();
    const order = this.order;
    const cell = (k: number) => (order && k >= 0 ? order[k] : k);
    this.deck.setProps({
      layers: [
        new ScatterplotLayer({
          id: 'cells',
          data: { length: n, attributes: { getPosition: { value: positions, size: 2 }, getFillColor: { value: colors, size: 4, normalized: true } } } as never,
          radiusUnits: 'pixels',
          getRadius: pointPixels(n),
          pickable: true,
          onHover: (info) => this.cb.onHover(cell(info.index), info.x, info.y),
          onClick: (info) => {
            if (info.index >= 0 && this.tool === 'pan') this.cb.onCellClick(cell(info.index));
          },
        }),
      ],
    });
  }
}

/** Point radius in CSS pixels for n cells (both plots draw the same size). */
export function pointPixels(n: number): number {
  return Math.max(1, 6 - Math.log10(Math.max(1, Math.sqrt(n))) * 1.7);
}

/**
 * The embedding plot: one deck.gl ScatterplotLayer fed with binary attributes (positions and
 * colours as typed arrays, uploaded as they are), GPU picking for hover, zoom and pan, and a
 * lasso/box selection drawn on an SVG overlay and resolved in world coordinates.
 */
import { Deck, OrthographicView } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import { boxPolygon, type Point, pointsInPolygon } from './selection.ts';

export type PlotTool = 'pan' | 'box' | 'lasso';

/** FNV-1a of bytes, hex. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class EmbeddingPlot {
  private deck: Deck<OrthographicView>;
  /** Row-major n × 2, y flipped once (deck's orthographic y grows downwards). */
  private positions: Float32Array | null = null;
  private colors: Uint8Array | null = null;
  /** Drawing order (cells drawn later sit on top) and the buffers permuted to it; null: cell order. */
  private order: Uint32Array | null = null;
  private drawn: { positions: Float32Array; colors: Uint8Array } | null = null;
  /** What the colours show, set as the container's data-colour once a frame has drawn them. */
  private pendingKey: string | null = null;
  private n = 0;
  private tool: PlotTool = 'pan';
  private readonly overlay: SVGSVGElement;

  constructor(
    private readonly container: HTMLElement,
    private readonly onHover: (index: number, x: number, y: number) => void,
    private readonly onSelect: (indices: Uint32Array) => void,
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
      onAfterRender: () => {
        container.dataset.frames = String(Number(container.dataset.frames ?? 0) + 1);
        if (this.pendingKey !== null && this.colors) {
          container.dataset.colour = this.pendingKey;
          // For tests: the drawn colours (cell order), comparable with colours computed elsewhere.
          container.dataset.colourDigest = fnv1a(this.colors);
          this.pendingKey = null;
        }
      },
      layers: [],
    });
    this.overlay = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.overlay.classList.add('plot-overlay');
    container.append(this.overlay);
    this.wireSelection();
  }

  /** Shows points (row-major n × 2 as in the file) and fits the view to them. */
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

  get hasPoints(): boolean {
    return this.positions !== null;
  }

  /**
   * Per-cell RGBA in cell order. `order` draws the cells in that order (e.g. expressing cells last,
   * on top); `key` names what the colours show (e.g. 'gene:CD3E'), set as the plot element's
   * data-colour once they are drawn.
   */
  setColors(colors: Uint8Array, o: { order?: Uint32Array | null; key?: string } = {}) {
    this.colors = colors;
    this.order = o.order && o.order.length === this.n ? o.order : null;
    this.drawn = null;
    if (o.key !== undefined) {
      this.pendingKey = o.key;
      delete this.container.dataset.colour;
      delete this.container.dataset.colourDigest;
    }
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

  /** Drops the points (and their GPU buffers). */
  clear() {
    this.positions = null;
    this.colors = null;
    this.order = null;
    this.drawn = null;
    this.pendingKey = null;
    delete this.container.dataset.colour;
    this.n = 0;
    this.overlay.innerHTML = '';
    this.deck.setProps({ layers: [] });
  }

  setTool(tool: PlotTool) {
    this.tool = tool;
    this.overlay.classList.toggle('active', tool !== 'pan');
    this.deck.setProps({ controller: tool === 'pan' ? true : { dragPan: false, dragRotate: false, scrollZoom: true } });
  }

  private render() {
    if (!this.positions || !this.colors) return;
    const n = this.n;
    const { positions, colors } = this.drawBuffers();
    const order = this.order;
    this.deck.setProps({
      layers: [
        new ScatterplotLayer({
          id: 'cells',
          data: { length: n, attributes: { getPosition: { value: positions, size: 2 }, getFillColor: { value: colors, size: 4, normalized: true } } } as never,
          radiusUnits: 'pixels',
          getRadius: Math.max(1, 6 - Math.log10(Math.max(1, Math.sqrt(n))) * 1.7),
          pickable: true,
          onHover: (info) => this.onHover(order && info.index >= 0 ? order[info.index] : info.index, info.x, info.y),
          // A click on a cell (pan tool): 'cell-click' on the container, detail = the cell's index.
          onClick: (info) => {
            if (info.index < 0 || this.tool !== 'pan') return;
            this.container.dispatchEvent(new CustomEvent('cell-click', { detail: order ? order[info.index] : info.index }));
          },
        }),
      ],
    });
  }

  /** Box (drag a rectangle) or lasso (draw a free shape) on the overlay. */
  private wireSelection() {
    const svg = this.overlay;
    let path: Point[] = [];
    let shape: SVGPolygonElement | null = null;
    const local = (e: PointerEvent): Point => {
      const r = svg.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    const draw = () => {
      const pts = this.tool === 'box' && path.length >= 2 ? boxPolygon(path[0], path[path.length - 1]) : path;
      shape!.setAttribute('points', pts.map((p) => p.join(',')).join(' '));
      return pts;
    };
    svg.addEventListener('pointerdown', (e) => {
      if (this.tool === 'pan' || !this.positions) return;
      svg.setPointerCapture(e.pointerId);
      path = [local(e)];
      svg.innerHTML = '';
      shape = document.createElementNS('http://www.w3.org/2000/svg', 'polygon');
      svg.append(shape);
    });
    svg.addEventListener('pointermove', (e) => {
      if (!shape) return;
      path.push(local(e));
      draw();
    });
    svg.addEventListener('pointerup', (e) => {
      if (!shape) return;
      path.push(local(e));
      const screen = draw();
      shape = null;
      this.onSelect(this.select(screen));
    });
  }

  /** Indices of the points inside a polygon given in screen pixels of the plot. */
  select(screen: Point[]): Uint32Array {
    const vp = this.deck.getViewports()[0];
    if (!vp || !this.positions) return new Uint32Array(0);
    const world = screen.map((p) => vp.unproject(p).slice(0, 2) as Point);
    return pointsInPolygon(this.positions, world);
  }

  /** Removes the drawn selection shape. */
  clearShape() {
    this.overlay.innerHTML = '';
  }

  /** PNG data URL of the current plot. */
  toPng(): string {
    this.deck.redraw('export');
    const canvas = this.container.querySelector('canvas') as HTMLCanvasElement;
    return canvas.toDataURL('image/png');
  }
}

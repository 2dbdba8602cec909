/**
 * The embedding plot: WebGL (deck.gl, plot-deck.ts) where the browser can create a WebGL2 context,
 * else the basic plot (the engine's rasterizer on a 2D canvas, plot-basic.ts), and the same switch
 * when the WebGL context is lost mid-session: never a blank plot. Either way the page's colours,
 * highlighting, hover and lasso/box selection (an SVG overlay resolved in data coordinates) work;
 * in basic mode one line under the plot says so. `container.dataset.plotMode` is 'webgl' or 'basic'.
 */
import { BasicPlot } from './plot-basic.ts';
import type { PlotBackend, PlotCallbacks, PlotTool } from './plot-backend.ts';
import { DeckPlot } from './plot-deck.ts';
import { boxPolygon, type Point, pointsInPolygon } from './selection.ts';

export type { PlotTool } from './plot-backend.ts';

/** Whether this browser gives a WebGL2 context (deck.gl 9 needs one); feature detection only. */
export function webgl2Available(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return true;
  } catch {
    return false;
  }
}

const BASIC_NOTE = {
  unavailable: 'Basic plot mode: no WebGL in this browser, so the plot is drawn without the GPU.',
  lost: 'Basic plot mode: the browser lost WebGL (a GPU reset), so the plot is drawn without the GPU.',
};

/** FNV-1a of bytes, hex. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class EmbeddingPlot {
  private backend: PlotBackend;
  /** As in the file (row-major n × 2): kept to redraw in basic mode and to resolve selections. */
  private positions: Float32Array | null = null;
  private colors: Uint8Array | null = null;
  /** Drawing order (cells drawn later sit on top); null: cell order. */
  private order: Uint32Array | null = null;
  /** What the colours show, set as the container's data-colour once a frame has drawn them. */
  private pendingKey: string | null = null;
  private tool: PlotTool = 'pan';
  private readonly overlay: SVGSVGElement;
  private note: HTMLElement | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly onHover: (index: number, x: number, y: number) => void,
    private readonly onSelect: (indices: Uint32Array) => void,
  ) {
    const forced = new URLSearchParams(globalThis.location?.search ?? '').get('plot') === 'basic';
    this.backend = !forced && webgl2Available() ? new DeckPlot(container, this.callbacks, (why) => this.toBasic(why)) : this.basic('unavailable');
    if (this.backend instanceof DeckPlot) container.dataset.plotMode = 'webgl';
    this.overlay = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.overlay.classList.add('plot-overlay');
    container.append(this.overlay);
    this.wireSelection();
  }

  /** What both renderers report: hover, a click on a cell (pan tool), a frame drawn. */
  private readonly callbacks: PlotCallbacks = {
    onHover: (index, x, y) => this.onHover(index, x, y),
    // A click on a cell (pan tool): 'cell-click' on the container, detail = the cell's index.
    onCellClick: (index) => this.container.dispatchEvent(new CustomEvent('cell-click', { detail: index })),
    onFrame: () => {
      this.container.dataset.frames = String(Number(this.container.dataset.frames ?? 0) + 1);
      if (this.pendingKey !== null && this.colors) {
        this.container.dataset.colour = this.pendingKey;
        // For tests: the drawn colours (cell order), comparable with colours computed elsewhere.
        this.container.dataset.colourDigest = fnv1a(this.colors);
        this.pendingKey = null;
      }
    },
  };

  /** Whether the plot is drawn without WebGL. */
  get basicMode(): boolean {
    return this.backend instanceof BasicPlot;
  }

  private basic(why: 'unavailable' | 'lost'): BasicPlot {
    this.container.dataset.plotMode = 'basic';
    if (!this.note) {
      this.note = document.createElement('div');
      this.note.className = 'plot-note';
      this.note.setAttribute('role', 'status');
      this.note.style.cssText = 'position:absolute;left:0;right:0;bottom:0;z-index:2;padding:2px 8px;font-size:0.8em;background:#fffd;color:#555;pointer-events:none;white-space:nowrap;overflow:hidden;text-overflow:ellipsis';
      this.container.append(this.note);
    }
    this.note.textContent = BASIC_NOTE[why];
    return new BasicPlot(this.container, this.callbacks);
  }

  /** WebGL failed after start (context lost, device error): the same points, drawn in 2D. */
  private toBasic(why: 'unavailable' | 'lost') {
    if (this.backend instanceof BasicPlot) return;
    this.backend.destroy();
    this.backend = this.basic(why);
    this.backend.setTool(this.tool);
    if (this.positions) this.backend.setPositions(this.positions);
    if (this.colors) this.backend.setColors(this.colors, this.order);
    this.labelCanvas();
  }

  /**
   * The plot's canvas for screen readers, pointing to the sentence under the plot that describes
   * it (#plot-summary). deck.gl's canvas takes the keyboard (Tab reaches it; arrow keys pan, + and
   * - zoom): it says so; the basic plot's canvas is a picture.
   */
  private labelCanvas() {
    const canvas = this.container.querySelector('canvas');
    if (!canvas || canvas.hasAttribute('aria-label')) return;
    const keys = !this.basicMode;
    canvas.setAttribute('role', keys ? 'application' : 'img');
    if (keys) canvas.setAttribute('aria-roledescription', 'cell plot');
    canvas.setAttribute('aria-label', keys ? 'Cell plot: arrow keys pan, plus and minus zoom' : 'Cell plot');
    canvas.setAttribute('aria-describedby', 'plot-summary');
  }

  /** Shows points (row-major n × 2 as in the file) and fits the view to them. */
  setPositions(xy: Float32Array) {
    this.positions = xy;
    this.labelCanvas();
    this.backend.setPositions(xy);
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
    const n = this.positions ? this.positions.length / 2 : 0;
    this.order = o.order && o.order.length === n ? o.order : null;
    if (o.key !== undefined) {
      this.pendingKey = o.key;
      delete this.container.dataset.colour;
      delete this.container.dataset.colourDigest;
    }
    this.backend.setColors(colors, this.order);
  }

  /** Drops the points (and their GPU buffers). */
  clear() {
    this.positions = null;
    this.colors = null;
    this.order = null;
    this.pendingKey = null;
    delete this.container.dataset.colour;
    this.overlay.innerHTML = '';
    this.backend.clear();
  }

  setTool(tool: PlotTool) {
    this.tool = tool;
    this.overlay.classList.toggle('active', tool !== 'pan');
    this.backend.setTool(tool);
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
    if (!this.positions) return new Uint32Array(0);
    const data = screen.map((p) => this.backend.toData(p));
    if (data.some((p) => !p)) return new Uint32Array(0);
    return pointsInPolygon(this.positions, data as Point[]);
  }

  /** Removes the drawn selection shape. */
  clearShape() {
    this.overlay.innerHTML = '';
  }

  /** PNG data URL of the current plot. */
  toPng(): string {
    return this.backend.toPng();
  }
}

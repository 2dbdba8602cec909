/**
 * Writes a CellTypist model file: a protocol-4 pickle of the dict `Model.write()` produces —
 * {'Model': sklearn LogisticRegression or SGDClassifier state, 'Scaler_': StandardScaler state,
 * 'description': dict} — loadable by CellTypist and scikit-learn (1.2 state layout; numpy
 * arrays as `_reconstruct` + BUILD like numpy pickles them). The reader (the wasm core's safe
 * pickle reader) reads back exactly what was written.
 */
import type { CoreModel } from '../wasm/core.ts';

/** Everything a model file holds. coef is row-major coefRows × features (1 row for 2 labels). */
export interface ModelData {
  estimator: 'LogisticRegression' | 'SGDClassifier';
  labels: string[];
  features: string[];
  coef: Float64Array;
  intercept: Float64Array;
  mean: Float64Array;
  var: Float64Array;
  scale: Float64Array;
  with_mean: boolean;
  n_samples_seen: number;
  description: { date: string; details: string; url: string; source: string; version: string; number_celltypes: number };
  /** Estimator hyper-parameters recorded in the file (CellTypist's defaults when absent). */
  params?: { C?: number; max_iter?: number; alpha?: number; random_state?: number | null };
}

const SKLEARN_VERSION = '1.2.1';

/** A growable byte buffer with the pickle opcodes CellTypist's files use. */
class Pickler {
  private buf = new Uint8Array(1 << 16);
  private n = 0;

  constructor() {
    this.u8(0x80, 4); // PROTO 4
  }
  private room(k: number) {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  u8(...b: number[]) {
    this.room(b.length);
    for (const x of b) this.buf[this.n++] = x;
  }
  private u32(v: number) {
    this.u8(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  }
  private raw(b: Uint8Array) {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    if (b.length < 256) this.u8(0x8c, b.length); // SHORT_BINUNICODE
    else {
      this.u8(0x58); // BINUNICODE
      this.u32(b.length);
    }
    this.raw(b);
  }
  int(v: number) {
    this.u8(0x4a); // BININT (signed 32-bit)
    this.u32(v | 0);
  }
  bool(v: boolean) {
    this.u8(v ? 0x88 : 0x89);
  }
  none() {
    this.u8(0x4e);
  }
  float(x: number) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    this.u8(0x47);
    this.raw(b);
  }
  global(module: string, name: string) {
    this.str(module);
    this.str(name);
    this.u8(0x93); // STACK_GLOBAL
  }
  mark() {
    this.u8(0x28);
  }
  dict(items: [string, () => void][]) {
    this.u8(0x7d); // EMPTY_DICT
    this.mark();
    for (const [k, v] of items) {
      this.str(k);
      v();
    }
    this.u8(0x75); // SETITEMS
  }
  /** numpy dtype; object dtypes carry numpy's flags 63 (their arrays pickle as lists). */
  private dtype(code: string, byteorder: string, flags: number) {
    this.global('numpy', 'dtype');
    this.str(code);
    this.bool(false);
    this.bool(true);
    this.u8(0x87, 0x52); // TUPLE3 REDUCE
    this.mark();
    this.int(3);
    this.str(byteorder);
    this.none();
    this.none();
    this.none();
    this.int(-1);
    this.int(-1);
    this.int(flags);
    this.u8(0x74, 0x62); // TUPLE BUILD
  }
  /** A C-ordered numpy array of float64 or of Python strings (object dtype). */
  array(shape: number[], values: Float64Array | string[]) {
    this.global('numpy.core.multiarray', '_reconstruct');
    this.global('numpy', 'ndarray');
    this.int(0);
    this.u8(0x85); // TUPLE1 (0,)
    this.u8(0x43, 1, 0x62); // SHORT_BINBYTES b'b'
    this.u8(0x87, 0x52); // TUPLE3 REDUCE
    this.mark();
    this.int(1);
    this.mark();
    for (const s of shape) this.int(s);
    this.u8(0x74); // TUPLE (shape)
    if (Array.isArray(values)) {
      this.dtype('O8', '|', 63);
      this.bool(false);
      this.u8(0x5d); // EMPTY_LIST
      // APPENDS in batches of 1000, as pickle does.
      for (let i = 0; i < values.length; i += 1000) {
        this.mark();
        for (const s of values.slice(i, i + 1000)) this.str(s);
        this.u8(0x65); // APPENDS
      }
    } else {
      this.dtype('f8', '<', 0);
      this.bool(false);
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      if (bytes.length < 2 ** 32) {
        this.u8(0x42); // BINBYTES
        this.u32(bytes.length);
      }
      this.raw(bytes);
    }
    this.u8(0x74, 0x62); // TUPLE BUILD
  }
  instance(module: string, name: string, state: [string, () => void][]) {
    this.global(module, name);
    this.u8(0x29, 0x81); // EMPTY_TUPLE NEWOBJ
    this.dict(state);
    this.u8(0x62); // BUILD
  }
  finish(): Uint8Array {
    this.u8(0x2e); // STOP
    return this.buf.slice(0, this.n);
  }
}

/** The bytes of a CellTypist model file. */
export function writeModelPickle(m: ModelData): Uint8Array {
  const L = m.labels.length;
  const G = m.features.length;
  const rows = L === 2 ? 1 : L;
  if (m.coef.length !== rows * G) throw new Error(`coef has ${m.coef.length} values, expected ${rows} x ${G}`);
  const p = new Pickler();
  const params = m.params ?? {};
  const common: [string, () => void][] = [
    ['n_features_in_', () => p.int(G)],
    ['classes_', () => p.array([L], m.labels)],
    ['coef_', () => p.array([rows, G], m.coef)],
    ['intercept_', () => p.array([rows], m.intercept)],
    ['features', () => p.array([G], m.features)],
    ['_sklearn_version', () => p.str(SKLEARN_VERSION)],
  ];
  const seed = params.random_state ?? null;
  const randomState = () => (seed === null ? p.none() : p.int(seed));
  const estimator =
    m.estimator === 'SGDClassifier'
      ? () =>
          p.instance('sklearn.linear_model._stochastic_gradient', 'SGDClassifier', [
            ['loss', () => p.str('log_loss')],
            ['penalty', () => p.str('l2')],
            ['learning_rate', () => p.str('optimal')],
            ['epsilon', () => p.float(0.1)],
            ['alpha', () => p.float(params.alpha ?? 1e-4)],
            ['C', () => p.float(1)],
            ['l1_ratio', () => p.float(0.15)],
            ['fit_intercept', () => p.bool(true)],
            ['shuffle', () => p.bool(true)],
            ['random_state', randomState],
            ['verbose', () => p.int(0)],
            ['eta0', () => p.float(0)],
            ['power_t', () => p.float(0.5)],
            ['early_stopping', () => p.bool(false)],
            ['validation_fraction', () => p.float(0.1)],
            ['n_iter_no_change', () => p.int(5)],
            ['warm_start', () => p.bool(false)],
            ['average', () => p.bool(false)],
            ['max_iter', () => p.int(params.max_iter ?? 1000)],
            ['tol', () => p.float(1e-3)],
            ['class_weight', () => p.none()],
            ['n_jobs', () => p.none()],
            ...common,
          ])
      : () =>
          p.instance('sklearn.linear_model._logistic', 'LogisticRegression', [
            ['penalty', () => p.str('l2')],
            ['dual', () => p.bool(false)],
            ['tol', () => p.float(1e-4)],
            ['C', () => p.float(params.C ?? 1)],
            ['fit_intercept', () => p.bool(true)],
            ['intercept_scaling', () => p.int(1)],
            ['class_weight', () => p.none()],
            ['random_state', randomState],
            ['solver', () => p.str('lbfgs')],
            ['max_iter', () => p.int(params.max_iter ?? 1000)],
            ['multi_class', () => p.str('ovr')],
            ['verbose', () => p.int(0)],
            ['warm_start', () => p.bool(false)],
            ['n_jobs', () => p.none()],
            ['l1_ratio', () => p.none()],
            ...common,
          ]);
  const d = m.description;
  p.dict([
    ['Model', estimator],
    [
      'Scaler_',
      () =>
        p.instance('sklearn.preprocessing._data', 'StandardScaler', [
          ['with_mean', () => p.bool(m.with_mean)],
          ['with_std', () => p.bool(true)],
          ['copy', () => p.bool(true)],
          ['n_features_in_', () => p.int(G)],
          ['n_samples_seen_', () => p.int(m.n_samples_seen)],
          ['mean_', () => p.array([G], m.mean)],
          ['var_', () => p.array([G], m.var)],
          ['scale_', () => p.array([G], m.scale)],
          ['_sklearn_version', () => p.str(SKLEARN_VERSION)],
        ]),
    ],
    [
      'description',
      () =>
        p.dict([
          ['date', () => p.str(d.date)],
          ['details', () => p.str(d.details)],
          ['url', () => p.str(d.url)],
          ['source', () => p.str(d.source)],
          ['version', () => p.str(d.version)],
          ['number_celltypes', () => p.int(d.number_celltypes)],
        ]),
    ],
  ]);
  return p.finish();
}

/** The writable content of a model loaded in (or trained by) the wasm core. */
export function modelDataOf(model: CoreModel): ModelData {
  return {
    estimator: model.estimator(),
    labels: model.labels(),
    features: model.features(),
    coef: model.coef(),
    intercept: model.intercept(),
    mean: model.scaler_mean(),
    var: model.scaler_var(),
    scale: model.scaler_scale(),
    with_mean: model.with_mean(),
    n_samples_seen: model.n_samples_seen(),
    description: model.description(),
  };
}

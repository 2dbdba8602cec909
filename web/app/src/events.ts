/**
 * The page's typed events. Modules own their state and announce changes here instead of sharing
 * globals; a listener runs synchronously, in the order it subscribed.
 */
import type { H5adSummary } from '../../engine/h5ad/read.ts';
import type { InputFormat } from '../../engine/formats/reader.ts';
import type { ModelInfo } from '../../engine/types.ts';
import type { RunState } from './run-state.ts';

/** An input that was read: its files and what it holds. */
export interface DataInput {
  files: File[];
  summary: H5adSummary & { format?: InputFormat };
  /** The kind of matrix X is (log1p_10k, raw_counts, …). */
  kind: string;
}

/** A model that loaded in the worker. */
export interface LoadedModel {
  bytes: Uint8Array;
  info: ModelInfo;
  /** What the page calls it (catalog name and version, or the file name). */
  name: string;
}

export interface AppEvents {
  /** New input files were chosen, before they are read: a run in progress must stop. */
  'data-chosen': File[];
  /** The input was read, or could not be (null). */
  data: DataInput | null;
  /** A model is ready, or the one being loaded failed (null). */
  model: LoadedModel | null;
  /** A run's results are shown (the plot may follow). */
  results: RunState;
  /** The shown run's cells got positions: the file's embedding or a computed UMAP. */
  positions: RunState;
  /** The shown results were dropped (new file, new run, cancel). */
  cleared: undefined;
  /**
   * What colours the cells changed: the colour scheme (colour-by, palette), the highlighted
   * labels, or the box/lasso selection.
   */
  colours: 'scheme' | 'highlight' | 'selection';
  /** Open the card of a label (legend, a cell of the plot, the proportions table); `from` gets focus back. */
  card: { label: string; from?: HTMLElement | null };
}

type Listener<T> = (value: T) => void;

/** A minimal typed event emitter. */
export class EventBus<E> {
  private readonly listeners = new Map<keyof E, Listener<never>[]>();

  on<K extends keyof E>(name: K, fn: Listener<E[K]>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(fn as Listener<never>);
    this.listeners.set(name, list);
  }

  emit<K extends keyof E>(name: K, ...value: E[K] extends undefined ? [] : [E[K]]): void {
    for (const fn of this.listeners.get(name) ?? []) (fn as Listener<E[K] | undefined>)(value[0]);
  }
}

export type AppBus = EventBus<AppEvents>;

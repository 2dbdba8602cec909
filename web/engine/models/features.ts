/**
 * A model's features (gene names), fetched from the core once per model: each `features()` call
 * marshals every name out of the heap again (6,600 names: 3-12 ms at start-up, when the code is
 * still cold), and one annotation asks in several places. Callers must not modify the array.
 */
import type { CoreModel } from '../wasm/core.ts';

const cache = new WeakMap<CoreModel, readonly string[]>();

export function featuresOf(model: CoreModel): string[] {
  let f = cache.get(model);
  if (!f) {
    f = model.features();
    cache.set(model, f);
  }
  return f as string[];
}

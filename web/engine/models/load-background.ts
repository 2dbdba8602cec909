/**
 * A model's bytes parsed by the core on a pthread while the caller reads its input: the parse
 * (~30-50 ms of a command's start, the parser's code still cold) and the input's opening overlap on
 * the machine's two cores. In the SIMD-only build the parse happens at once, as loadModel.
 */
import { CellTypistError } from '../types.ts';
import type { CoreModel, CoreModule } from '../wasm/core.ts';
import { HeapBuffer } from '../wasm/heap.ts';
import { unrefPthreadWorkersWhenLoaded } from '../wasm/load.ts';
import { untilDone } from '../wasm/progress.ts';

/** The parsed model (the caller owns it: `.delete()`), or a CellTypistError('bad_model'). */
export function loadModelInBackground(core: CoreModule, bytes: Uint8Array): Promise<CoreModel> {
  const buf = new HeapBuffer(core, 'u8');
  let job;
  try {
    job = new core.ModelLoad(buf.write(bytes), bytes.length);
  } catch (e) {
    buf.free();
    return Promise.reject(new CellTypistError('bad_model', (e as Error).message));
  }
  const load = job;
  return (async () => {
    try {
      // The bytes stay in the heap until take() returns.
      await untilDone(core, load.progress_address(), () => load.done());
      return load.take();
    } catch (e) {
      throw new CellTypistError('bad_model', (e as Error).message);
    } finally {
      load.delete(); // joins the thread: its pthread worker goes back to the pool
      buf.free();
      unrefPthreadWorkersWhenLoaded(core); // an idle worker (started for this, maybe) must not keep Node alive
    }
  })();
}

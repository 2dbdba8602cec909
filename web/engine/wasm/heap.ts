/**
 * Explicit ownership of wasm heap buffers: a HeapBuffer is malloc'ed once, grown when a
 * larger chunk arrives and freed by its owner (`free()` in a finally block).
 */
import type { CoreModule } from './core.ts';

type Kind = 'f32' | 'i32' | 'f64' | 'u8';
const BYTES: Record<Kind, number> = { f32: 4, i32: 4, f64: 8, u8: 1 };

export class HeapBuffer {
  private ptr = 0;
  private capacity = 0;

  constructor(
    private readonly core: CoreModule,
    private readonly kind: Kind,
  ) {}

  /** Ensures room for `n` elements and returns the pointer (valid until the next ensure/free). */
  ensure(n: number): number {
    if (n > this.capacity || this.ptr === 0) {
      this.free();
      const cap = Math.max(n, 1);
      this.ptr = this.core._malloc(cap * BYTES[this.kind]);
      if (this.ptr === 0) throw new Error('out of WebAssembly memory');
      this.capacity = cap;
    }
    return this.ptr;
  }

  /** The current pointer (0 before the first ensure). */
  get address(): number {
    return this.ptr;
  }

  /** A fresh typed view of `n` elements (views detach when memory grows: never keep them). */
  view(n: number): Float32Array | Int32Array | Float64Array | Uint8Array {
    const c = this.core;
    refreshHeapViews(c);
    switch (this.kind) {
      case 'f32':
        return c.HEAPF32.subarray(this.ptr >> 2, (this.ptr >> 2) + n);
      case 'i32':
        return c.HEAP32.subarray(this.ptr >> 2, (this.ptr >> 2) + n);
      case 'f64':
        return c.HEAPF64.subarray(this.ptr >> 3, (this.ptr >> 3) + n);
      case 'u8':
        return c.HEAPU8.subarray(this.ptr, this.ptr + n);
    }
  }

  /** Copies `src` into the heap (growing as needed) and returns the pointer. */
  write(src: Float32Array | Int32Array | Float64Array | Uint8Array): number {
    const p = this.ensure(src.length);
    (this.view(src.length) as typeof src).set(src as never);
    return p;
  }

  free(): void {
    if (this.ptr !== 0) this.core._free(this.ptr);
    this.ptr = 0;
    this.capacity = 0;
  }
}

/**
 * Emscripten renews `core.HEAP*` when the calling thread grows the memory; a growth by a pthread
 * (background scoring) leaves this thread's views on the old, shorter buffer. Renews them when
 * stale (a no-op in the single-threaded build, whose memory is not exported).
 */
export function refreshHeapViews(core: CoreModule): void {
  const memory = (core as unknown as { wasmMemory?: WebAssembly.Memory }).wasmMemory;
  if (!memory || core.HEAPU8.buffer === memory.buffer) return;
  const b = memory.buffer;
  core.HEAPU8 = new Uint8Array(b);
  core.HEAP32 = new Int32Array(b);
  core.HEAPF32 = new Float32Array(b);
  core.HEAPF64 = new Float64Array(b);
}

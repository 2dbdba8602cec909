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

  /** A fresh typed view of `n` elements (views detach when memory grows: never keep them). */
  view(n: number): Float32Array | Int32Array | Float64Array | Uint8Array {
    const c = this.core;
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

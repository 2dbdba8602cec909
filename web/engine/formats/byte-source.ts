/**
 * Synchronous random-access reads of an input file, the one platform-specific piece of the text
 * readers: Node reads with fs.readSync, a browser worker with FileReaderSync (workers only). Both
 * read on demand, so a file is never held whole in memory.
 */

import type { PositionalReader } from '../h5ad/direct/format.ts';
import { CellTypistError } from '../types.ts';

export interface ByteSource {
  /** File name, for messages. */
  readonly name: string;
  readonly size: number;
  /** Bytes [offset, offset + length), shorter at the end of the file. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

/** A browser File read synchronously (dedicated or shared worker only). */
export function fileByteSource(file: File, name = file.name): ByteSource {
  const reader = new (globalThis as unknown as { FileReaderSync: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync();
  return {
    name,
    size: file.size,
    read: (offset, length) => new Uint8Array(reader.readAsArrayBuffer(file.slice(offset, Math.min(file.size, offset + length)))),
    close: () => {},
  };
}

/**
 * A browser File as the direct HDF5 reader's positional reads (dedicated or shared worker only):
 * each read is one FileReaderSync call, so a file is never held whole in memory.
 */
export function filePositionalReader(file: File): PositionalReader {
  // Made at the first read: off a worker (no FileReaderSync) that read fails inside the direct
  // reader's open, which then leaves the file to h5wasm instead of failing the caller.
  let source: ByteSource | null = null;
  const read = (offset: number, length: number) => {
    source ??= fileByteSource(file);
    const bytes = source.read(offset, length);
    if (bytes.length !== length) throw new CellTypistError('corrupt_h5ad', `'${file.name}' ends before its data: the file is truncated; download or export it again`);
    return bytes;
  };
  return {
    size: file.size,
    readInto: (offset, dest) => dest.set(read(offset, dest.length)),
    // FileReaderSync makes a new buffer anyway: handing it out saves a copy (~0.3 s of 480 MB).
    read,
  };
}

/** Bytes already in memory (tests, small files). */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return { name, size: bytes.length, read: (o, l) => bytes.subarray(o, Math.min(bytes.length, o + l)), close: () => {} };
}

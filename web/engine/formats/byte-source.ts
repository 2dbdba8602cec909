/**
 * Synchronous random-access reads of an input file, the one platform-specific piece of the text
 * readers: Node reads with fs.readSync, a browser worker with FileReaderSync (workers only). Both
 * read on demand, so a file is never held whole in memory.
 */

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

/** Bytes already in memory (tests, small files). */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return { name, size: bytes.length, read: (o, l) => bytes.subarray(o, Math.min(bytes.length, o + l)), close: () => {} };
}

/**
 * h5wasm for Node, ready and quiet: HDF5's own diagnostics (an "HDF5-DIAG" stack of dozens of
 * lines per failed call, e.g. thousands when a disk fills up during a write) go to /dev/null in
 * h5wasm's file system; every failure still reaches the caller as an error, which the engine
 * turns into one clear message.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { slimH5wasmEntry } from './h5wasm-slim.ts';

/** h5wasm's Node module after `ready`, with HDF5's stderr silenced (once). */
export async function h5wasmNode() {
  const h5 = await importH5wasm();
  const module = await h5.default.ready;
  silenceStderr((module as unknown as { FS: EmFs }).FS);
  return h5;
}

type H5wasmNode = typeof import('h5wasm/node');
let loading: Promise<H5wasmNode> | null = null;

/** h5wasm's Node build, from the faster-loading copy in the cache when there is one (h5wasm-slim.ts). */
function importH5wasm(): Promise<H5wasmNode> {
  loading ??= (async () => {
    const slim = slimH5wasmEntry();
    if (slim) {
      try {
        const h5 = (await import(pathToFileURL(slim).href)) as H5wasmNode;
        await h5.default.ready;
        return h5;
      } catch {
        // A damaged copy: h5wasm as installed now, a fresh copy next time.
        try {
          rmSync(path.dirname(slim), { recursive: true, force: true });
        } catch {
          // left as is: the next run tries it again
        }
      }
    }
    return import('h5wasm/node');
  })();
  return loading;
}

interface EmFs {
  streams: ({ path?: string } | null | undefined)[];
  close(stream: unknown): void;
  open(path: string, flags: string): { fd: number };
}

let silenced = false;

function silenceStderr(FS: EmFs): void {
  if (silenced) return;
  silenced = true;
  const err = FS.streams[2];
  if (!err || err.path !== '/dev/stderr') return;
  FS.close(err);
  FS.open('/dev/null', 'w'); // takes the lowest free descriptor: 2, where HDF5 writes
}

/**
 * h5wasm for Node, ready and quiet: HDF5's own diagnostics (an "HDF5-DIAG" stack of dozens of
 * lines per failed call, e.g. thousands when a disk fills up during a write) go to /dev/null in
 * h5wasm's file system; every failure still reaches the caller as an error, which the engine
 * turns into one clear message.
 */
/** h5wasm's Node module after `ready`, with HDF5's stderr silenced (once). */
export async function h5wasmNode() {
  const h5 = await import('h5wasm/node');
  const module = await h5.default.ready;
  silenceStderr((module as unknown as { FS: EmFs }).FS);
  return h5;
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

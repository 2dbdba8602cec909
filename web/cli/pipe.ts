/**
 * A reader that stops early (`celltypist-wasm models | head`) closes the pipe under our stdout:
 * Node then emits EPIPE as an unhandled 'error' event, a crash with a stack trace. What was read
 * is what the reader wanted, so the command ends there, quietly and successfully, as Unix tools do.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(0);
    throw e;
  });
}

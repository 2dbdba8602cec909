/**
 * A reader that stops early (`celltypist-wasm models | head`) closes the pipe under our stdout:
 * Node then emits EPIPE as an unhandled 'error' event, a crash with a stack trace. What was read
 * is what the reader wanted, so the command ends there, quietly and successfully, as Unix tools do.
 */
export function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

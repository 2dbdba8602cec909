/**
 * Turns the ways a browser refuses memory (a failed ArrayBuffer allocation, wasm's bad_alloc or
 * "Cannot enlarge memory", a worker killed by the renderer) into one message that says what
 * happened and what to do.
 */

const PATTERNS = [/bad_alloc/i, /out of memory/i, /allocation failed/i, /cannot enlarge memory/i, /could not allocate memory/i, /Aborted\(OOM\)/i, /Invalid typed array length/i, /Array buffer allocation/i];

/** True when the error looks like a refused allocation. */
export function isMemoryError(message: string): boolean {
  return PATTERNS.some((p) => p.test(message));
}

/** The message for the page; `what` names the task (e.g. "annotating 1,000,000 cells"). */
export function memoryMessage(what: string): string {
  return (
    `The browser refused more memory while ${what}. Nothing was lost: the page is still usable. ` +
    'Close other tabs or applications and try again; a 64-bit desktop Chromium or Firefox gives a tab up to 4 GB of WebAssembly memory. ' +
    'For very large files, run the command line instead: npx celltypist-wasm annotate -i FILE.h5ad -m MODEL.pkl -o out/'
  );
}

/** The message to show for an error of a task: memory errors get advice, others pass through. */
export function explainError(message: string, what: string): string {
  return isMemoryError(message) ? memoryMessage(what) : message;
}

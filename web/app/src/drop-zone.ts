/** Wires a label (with a hidden file input) as a drop zone: click to choose, or drop a file. */
export function dropZone(label: HTMLElement, input: HTMLInputElement, onFile: (f: File) => void): void {
  input.addEventListener('change', () => input.files?.[0] && onFile(input.files[0]));
  label.addEventListener('dragover', (e) => {
    e.preventDefault();
    label.classList.add('over');
  });
  label.addEventListener('dragleave', () => label.classList.remove('over'));
  label.addEventListener('drop', (e) => {
    e.preventDefault();
    label.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) onFile(f);
  });
}

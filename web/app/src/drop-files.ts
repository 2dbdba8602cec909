/**
 * The data drop zone: one file, several files at once (a .mtx with its gene and cell files), or a
 * whole folder (a Cell Ranger output), by drag and drop or the file chooser. Folders are walked
 * with the File and Directory Entries API; files are handed over as File objects (never read here).
 */
type Entry = { isFile: boolean; isDirectory: boolean; name: string; file?(ok: (f: File) => void, err: (e: unknown) => void): void; createReader?(): { readEntries(ok: (e: Entry[]) => void, err: (e: unknown) => void): void } };

async function filesOf(entry: Entry): Promise<File[]> {
  if (entry.isFile) return [await new Promise<File>((ok, err) => entry.file!(ok, err))];
  if (!entry.isDirectory) return [];
  const reader = entry.createReader!();
  const out: File[] = [];
  // readEntries returns batches until an empty one.
  for (;;) {
    const batch = await new Promise<Entry[]>((ok, err) => reader.readEntries(ok, err));
    if (batch.length === 0) break;
    for (const e of batch) out.push(...(await filesOf(e)));
  }
  return out;
}

/** Wires the drop zone, and adds a 'choose a folder' button after it (a hidden webkitdirectory input). */
export function dropFiles(label: HTMLElement, input: HTMLInputElement, onFiles: (files: File[]) => void): void {
  input.multiple = true;
  input.addEventListener('change', () => input.files?.length && onFiles(Array.from(input.files)));
  const folder = document.createElement('input');
  folder.type = 'file';
  folder.id = `${input.id}-folder`;
  folder.hidden = true;
  folder.setAttribute('webkitdirectory', '');
  folder.addEventListener('change', () => folder.files?.length && onFiles(Array.from(folder.files)));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.textContent = 'or choose a Cell Ranger folder';
  button.addEventListener('click', () => folder.click());
  label.after(folder, button);
  label.addEventListener('dragover', (e) => {
    e.preventDefault();
    label.classList.add('over');
  });
  label.addEventListener('dragleave', () => label.classList.remove('over'));
  label.addEventListener('drop', async (e) => {
    e.preventDefault();
    label.classList.remove('over');
    const items = Array.from(e.dataTransfer?.items ?? []);
    const entries = items.map((i) => (i as unknown as { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.() ?? null);
    let files: File[];
    if (entries.some((x) => x?.isDirectory)) files = (await Promise.all(entries.filter((x): x is Entry => !!x).map(filesOf))).flat();
    else files = Array.from(e.dataTransfer?.files ?? []);
    if (files.length) onFiles(files);
  });
}

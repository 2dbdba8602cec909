/**
 * The model catalog in step 2: the registry's models (downloaded with progress, checked, cached
 * for offline use), the list of cached models (each removable), and a model URL on an allowed host.
 */
import { fetchBytes } from '../../engine/models/fetch.ts';
import type { GeneTable, Registry } from '../../engine/models/registry.ts';
import { getModel, loadRegistry, store } from './catalog.ts';
import type { ModelPanel } from './model-panel.ts';
import { $ } from './panel-dom.ts';
import { clearError, showError } from './status.ts';

export class CatalogPanel {
  private registry: Registry | null = null;

  constructor(private readonly models: ModelPanel) {
    loadRegistry()
      .then((reg) => {
        this.registry = reg;
        const sel = $<HTMLSelectElement>('catalog');
        for (const m of reg.models) sel.add(new Option(`${m.name} (${m.n_cell_types} types, ${m.version})`, m.name, m.default, m.default));
        return this.showCached();
      })
      .catch((e) => showError((e as Error).message));
    $('catalog-load').addEventListener('click', () => this.loadChosen());
    $('model-url-load').addEventListener('click', () => this.loadUrl());
  }

  /** The registry's gene table of that name (ortholog and Ensembl ID tables), if any. */
  geneTable(name: string): GeneTable | undefined {
    return this.registry?.gene_tables?.find((t) => t.name === name);
  }

  private async loadChosen() {
    const m = this.registry?.models.find((x) => x.name === $<HTMLSelectElement>('catalog').value);
    if (!m) return;
    clearError();
    const bar = $<HTMLProgressElement>('model-progress');
    bar.hidden = false;
    bar.value = 0;
    try {
      const { bytes, from } = await getModel(m, (f, text) => {
        bar.value = f;
        $('model-summary').textContent = `Downloading ${m.file}: ${text}`;
      });
      await this.models.set(bytes, `${m.name} ${m.version}${from === 'cache' ? ' (from cache)' : ''}`);
      $('model-summary').dataset.source = from === 'cache' ? 'cache' : 'network';
      this.showCached();
    } catch (e) {
      showError((e as Error).message);
    } finally {
      bar.hidden = true;
    }
  }

  private async loadUrl() {
    const url = $<HTMLInputElement>('model-url').value.trim();
    if (!url) return;
    clearError();
    try {
      const bytes = await fetchBytes(url, { onProgress: (p) => ($('model-summary').textContent = `Downloading: ${(p.loaded / 1e6).toFixed(1)} MB`) });
      await this.models.set(bytes, url.split('/').pop() ?? url);
    } catch (e) {
      // A host outside the page's Content-Security-Policy fails as a network error.
      showError(`could not download ${url}: ${(e as Error).message}. Only the model hosts of the catalog can be contacted from this page; download the file and drop it here instead.`);
    }
  }

  /** The cached models, each a button that removes it from the cache. */
  private async showCached() {
    const keys = await store.list();
    const box = $('cached');
    box.textContent = keys.length ? 'Cached for offline use: ' : '';
    for (const k of keys) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'cached-model';
      b.textContent = `${k} ✕`;
      b.title = 'remove from the cache';
      b.addEventListener('click', async () => {
        await store.delete(k);
        this.showCached();
      });
      box.append(b);
    }
  }
}

/**
 * The model catalog in step 2: the registry's models (those on this server marked, and loaded
 * from it; others downloaded with progress, checked, cached for offline use), the list of cached
 * models (each removable), and a model URL on an allowed host. A download that fails shows its
 * cause in one line and a plain link to the file (model-fallback.ts).
 */
import { fetchBytes } from '../../engine/models/fetch.ts';
import type { GeneTable, Registry } from '../../engine/models/registry.ts';
import { firstChoice, forgetModel, getModel, loadRegistry, mirrorWarnings, optionText, sourceOf, store } from './catalog.ts';
import { catalogTarget, hideFallback, showFallback } from './model-fallback.ts';
import type { ModelPanel } from './model-panel.ts';
import { checkDroppedModel } from './verify-drop.ts';
import { $ } from './panel-dom.ts';
import { clearError, showError } from './status.ts';

export class CatalogPanel {
  private registry: Registry | null = null;

  constructor(private readonly models: ModelPanel) {
    loadRegistry()
      .then((reg) => {
        this.registry = reg;
        const sel = $<HTMLSelectElement>('catalog');
        const first = firstChoice(reg);
        for (const m of reg.models) sel.add(new Option(optionText(m), m.name, m === first, m === first));
        models.checkDrop = (name, bytes) => checkDroppedModel(name, bytes, this.registry, store);
        if (mirrorWarnings.length) {
          // The server's models/registry.json has entries the page cannot use: tell whoever runs it.
          const n = $('model-note');
          n.textContent = `Models on this server: ${mirrorWarnings.join('; ')}.`;
          n.hidden = false;
        }
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
    hideFallback($('model-fallback'));
    const bar = $<HTMLProgressElement>('model-progress');
    bar.hidden = false;
    bar.value = 0;
    try {
      const { bytes, from, warning } = await getModel(m, (f, text) => {
        bar.value = f;
        $('model-summary').textContent = `Downloading ${m.file}${m.local_copy ? ' from this server' : ''}: ${text}`;
      });
      const source = sourceOf(m, from);
      await this.models.set(bytes, `${m.name} ${m.version}${source === 'cache' ? ' (from cache)' : source === 'server' ? ' (from this server)' : ''}`, warning, !!warning);
      $('model-summary').dataset.source = source;
      this.showCached();
    } catch (e) {
      $('model-summary').textContent = '';
      if ((e as { code?: string }).code === 'download_failed') showFallback($('model-fallback'), catalogTarget(m), e as Error);
      else showError((e as Error).message);
    } finally {
      bar.hidden = true;
    }
  }

  private async loadUrl() {
    const url = $<HTMLInputElement>('model-url').value.trim();
    if (!url) return;
    clearError();
    hideFallback($('model-fallback'));
    try {
      const bytes = await fetchBytes(url, { onProgress: (p) => ($('model-summary').textContent = `Downloading: ${(p.loaded / 1e6).toFixed(1)} MB`) });
      await this.models.set(bytes, url.split('/').pop() ?? url);
    } catch (e) {
      $('model-summary').textContent = '';
      // A host outside the page's Content-Security-Policy is named as such (only the catalog's model hosts are allowed).
      const file = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() || 'model.pkl');
      if ((e as { code?: string }).code === 'download_failed') showFallback($('model-fallback'), { label: url, url, file }, e as Error);
      else showError(`could not download ${url}: ${(e as Error).message}`);
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
        await forgetModel(k); // and the sha256 recorded at its first download
        this.showCached();
      });
      box.append(b);
    }
  }
}

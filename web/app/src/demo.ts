/** "Use the demo dataset and model": the embedded PBMC demo, voted over its Leiden clusters. */
import type { DataPanel } from './data-panel.ts';
import type { ModelPanel } from './model-panel.ts';
import type { OptionsPanel } from './options-panel.ts';
import { $ } from './panel-dom.ts';

export function wireDemo(data: DataPanel, models: ModelPanel, options: OptionsPanel): void {
  $('load-demo').addEventListener('click', async () => {
    const [d, m] = await Promise.all([fetch('./demo/demo.h5ad'), fetch('./demo/demo_model.pkl')]);
    await models.set(new Uint8Array(await m.arrayBuffer()), 'demo_model.pkl');
    await data.set(new File([await d.blob()], 'demo.h5ad'));
    options.voteOver('leiden');
  });
}

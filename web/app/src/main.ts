/**
 * The celltypist-wasm page: pick data and model, run annotation in the worker, show results as
 * soon as prediction ends (labels, legend, proportions, downloads), plot the file's embedding at
 * once or a UMAP computed afterwards in the worker (own progress and cancel). Everything local.
 *
 * This module only composes the page's parts; they talk through typed events (events.ts).
 */
import { CatalogPanel } from './catalog-panel.ts';
import { Colouring } from './colouring.ts';
import { DataPanel } from './data-panel.ts';
import { wireDemo } from './demo.ts';
import { startEngine } from './engine-start.ts';
import { type AppEvents, EventBus } from './events.ts';
import { wireExports } from './exports-wiring.ts';
import { LabelBiology } from './label-biology.ts';
import { LayoutController } from './layout-controller.ts';
import { ModelPanel } from './model-panel.ts';
import { OptionsPanel } from './options-panel.ts';
import { PlotController } from './plot-controller.ts';
import { ResultsView } from './results-view.ts';
import { RunController } from './run-controller.ts';
import { SecondModel } from './second-model.ts';
import { TrainPanel } from './train-panel.ts';

const engine = startEngine();
const bus = new EventBus<AppEvents>();

// Inputs: data, model (catalog, URL, file, trained, demo) and options.
const data = new DataPanel(bus, engine);
const models = new ModelPanel(bus, engine);
const catalog = new CatalogPanel(models);
const options = new OptionsPanel(bus);
wireDemo(data, models, options);
new TrainPanel(bus, engine, data, models);

// Results: colours first, so that the views that follow see its state for each event.
const colouring = new Colouring(bus);
const results = new ResultsView(bus, engine, colouring);
new PlotController(bus, colouring);
new LabelBiology(bus, colouring);
const layout = new LayoutController(bus, engine);
const runs = new RunController(bus, engine, { data, models, catalog, options, layout, results });
new SecondModel(bus, engine);
wireExports(bus, runs, colouring);

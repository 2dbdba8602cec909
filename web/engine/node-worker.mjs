// Worker-thread bootstrap: registers the TypeScript loader, then runs node-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');

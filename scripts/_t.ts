import { annotate } from '../web/engine/node.ts';
const t0 = performance.now();
let last = '';
const r = await annotate('build-bench/query_20000_types30.h5ad', '/work/shared/bench/bench98.pkl', { variant: 'simd-threads', n_threads: 2, majority_voting: true, return_matrices: false }, (p) => {
  const key = p.stage + ':' + (p.message ?? '').replace(/[\d,]+ of [\d,]+ cells/, '');
  if (key !== last) { console.log(((performance.now() - t0) / 1000).toFixed(2), key); last = key; }
});
console.log(r.stats.timings);

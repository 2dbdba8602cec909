// The CLI's one option parser (options.ts): flags declared once, parsed strictly, turned into
// engine options with the same checks for every command; each command's flags documented.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATE_OPTIONS } from './annotate.ts';
import { COMPARE_OPTIONS } from './compare.ts';
import { DOTPLOT_OPTIONS } from './dotplot.ts';
import { MODEL_TOOL_OPTIONS } from './model-tools.ts';
import { MODELS_OPTIONS } from './models.ts';
import { number, OPTIONS, type OptionName, parseOptions, RUN_OPTIONS, runOptions } from './options.ts';
import { TRAIN_OPTIONS } from './train.ts';
import { COMPARE_USAGE, DOTPLOT_USAGE, TRAIN_USAGE, USAGE } from './usage.ts';

/** Each command's flags and the help text that documents them. */
const COMMANDS: [string, readonly OptionName[], string][] = [
  ['annotate', ANNOTATE_OPTIONS, USAGE],
  ['compare', COMPARE_OPTIONS, COMPARE_USAGE],
  ['dotplot', DOTPLOT_OPTIONS, DOTPLOT_USAGE],
  ['train', TRAIN_OPTIONS, TRAIN_USAGE],
  ['models', MODELS_OPTIONS, USAGE],
  ['subset/convert', MODEL_TOOL_OPTIONS, USAGE],
];

describe('parseOptions', () => {
  it('reads long and short flags, booleans and strings, the last of a repeated flag', () => {
    const v = parseOptions(['-i', 'a.h5ad', '--model', 'x.pkl', '-m', 'y.pkl', '--majority-voting', '--p-thres=0.3'], ['input', 'model', 'majority-voting', 'p-thres', 'quiet']);
    assert.deepEqual({ ...v }, { input: 'a.h5ad', model: 'y.pkl', 'majority-voting': true, 'p-thres': '0.3' });
    assert.equal(v.quiet, undefined);
  });

  it('collects every value of a flag given as multiple, in order', () => {
    const v = parseOptions(['-m', 'a.pkl', '-i', 'd.h5ad', '--model', 'b.pkl'], COMPARE_OPTIONS, ['model']);
    assert.deepEqual(v.model, ['a.pkl', 'b.pkl']);
    assert.equal(v.input, 'd.h5ad');
  });

  it("takes only the command's flags: another command's flag is unknown", () => {
    // -o is --outdir for annotate, --out for train: each command gets its own meaning.
    assert.equal(parseOptions(['-o', 'dir'], ANNOTATE_OPTIONS).outdir, 'dir');
    assert.equal(parseOptions(['-o', 'm.pkl'], TRAIN_OPTIONS).out, 'm.pkl');
    assert.throws(() => parseOptions(['--labels', 'x'], ANNOTATE_OPTIONS), (e: Error) => e instanceof TypeError && /Unknown option '--labels'/.test(e.message));
  });

  it('refuses a missing value and a positional argument with the TypeError main.ts answers with the usage (exit 2)', () => {
    assert.throws(() => parseOptions(['--mode'], ANNOTATE_OPTIONS), (e: Error) => e instanceof TypeError && /argument/.test(e.message));
    assert.throws(() => parseOptions(['data.h5ad'], ANNOTATE_OPTIONS), (e: Error) => e instanceof TypeError && /argument 'data\.h5ad': give the input file with its flag, -i data\.h5ad/.test(e.message));
    assert.throws(() => parseOptions(['-i', 'a.h5ad', 'b.h5ad'], ANNOTATE_OPTIONS), (e: Error) => e instanceof TypeError && /argument 'b\.h5ad': every value follows its flag/.test(e.message));
  });
});

describe('runOptions (annotate and compare)', () => {
  it("gives CellTypist's defaults", () => {
    assert.deepEqual(runOptions({}), {
      mode: 'best_match',
      p_thres: 0.5,
      majority_voting: false,
      over_clustering: undefined,
      min_prop: 0,
      seed: 0,
      gene_column: undefined,
      transpose_input: false,
      gene_file: undefined,
      cell_file: undefined,
      gene_map: undefined,
      convert_orthologs: true,
      ortholog_unique_only: true,
      normalize_counts: false,
      variant: 'auto',
      n_threads: undefined,
    });
  });

  it('turns the flags into engine options', () => {
    const v = parseOptions(['--mode', 'prob match', '--p-thres', '0.7', '--min-prop', '0.2', '--threads', '3', '--no-convert', '--all-orthologs', '--variant', 'simd'], RUN_OPTIONS);
    const o = runOptions(v);
    assert.equal(o.mode, 'prob_match');
    assert.equal(o.p_thres, 0.7);
    assert.equal(o.min_prop, 0.2);
    assert.equal(o.n_threads, 3);
    assert.equal(o.convert_orthologs, false);
    assert.equal(o.ortholog_unique_only, false);
    assert.equal(o.variant, 'simd');
  });

  it('refuses a wrong mode, variant or number, naming the flag', () => {
    assert.throws(() => runOptions({ mode: 'best' }), /--mode must be best_match or prob_match, not 'best'/);
    assert.throws(() => runOptions({ variant: 'gpu' }), /--variant must be auto, simd or simd-threads, not 'gpu'/);
    assert.throws(() => runOptions({ 'p-thres': 'half' }), /--p-thres expects a number, got 'half'/);
    assert.throws(() => number('x', 'top', 0), /--top expects a number, got 'x'/);
    assert.equal(number(undefined, 'top', 10), 10);
  });
});

describe("the commands' flags", () => {
  for (const [command, names, usage] of COMMANDS) {
    it(`${command}: every flag is in its help text, no short form twice`, () => {
      for (const n of names) assert.match(usage, new RegExp(`--${n}(?![\\w-])`), `--${n} of ${command} is not documented`);
      const shorts = names.map((n) => (OPTIONS[n] as { short?: string }).short).filter(Boolean);
      assert.equal(new Set(shorts).size, shorts.length, `${command}: ${shorts.join(' ')}`);
    });
  }

  it('every declared flag is taken by some command', () => {
    const used = new Set(COMMANDS.flatMap(([, names]) => names));
    assert.deepEqual(Object.keys(OPTIONS).filter((n) => !used.has(n as OptionName)), []);
  });
});

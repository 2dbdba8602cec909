/**
 * celltypist-wasm CLI. Flags and output files mirror CellTypist's `celltypist` command:
 *
 *   celltypist-wasm annotate --input data.h5ad --model model.pkl --outdir out [--mode best_match|prob_match]
 *       [--p-thres 0.5] [--majority-voting] [--over-clustering OBS_KEY] [--min-prop 0] [--prefix P]
 *       [--gene-column COL] [--variant auto|simd|simd-threads] [--threads N] [--quiet]
 *   celltypist-wasm models --show model.pkl [--top 10]
 *
 * This module only dispatches: each command lives in its own module (annotate.ts, train.ts,
 * compare.ts, dotplot.ts, models.ts, model-tools.ts), loaded when it runs; the flags are parsed
 * by options.ts, models resolved by resolve-model.ts, help texts kept in usage.ts. Errors are
 * answered here: a CellTypistError (or an out-of-memory) as its message with exit code 1, a
 * mistyped flag with the usage and exit code 2.
 */
import { memoryError } from '../engine/limits.ts';
import { CellTypistError } from '../engine/types.ts';
import { commandUsage, FULL_USAGE, USAGE } from './usage.ts';

type Command = (args: string[]) => Promise<number>;

/** Each command, from its own module. */
const COMMANDS = new Map<string, () => Promise<Command>>([
  ['annotate', async () => (await import('./annotate.ts')).annotateCommand],
  ['models', async () => (await import('./models.ts')).modelsCommand],
  ['train', async () => (await import('./train.ts')).trainCommand],
  ['compare', async () => (await import('./compare.ts')).compareCommand],
  ['dotplot', async () => (await import('./dotplot.ts')).dotplotCommand],
  ['subset', async () => modelTool('subset')],
  ['convert', async () => modelTool('convert')],
]);

async function modelTool(command: 'subset' | 'convert'): Promise<Command> {
  const { modelToolCommand } = await import('./model-tools.ts');
  return (args) => modelToolCommand(command, args);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const load = COMMANDS.get(command);
    if (load && (rest.includes('--help') || rest.includes('-h'))) {
      process.stdout.write(commandUsage(command));
      return 0;
    }
    if (load) return await (await load())(rest);
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(FULL_USAGE);
      return 0;
    }
    process.stderr.write(`${command ? `unknown command '${command}'\n` : ''}${USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof CellTypistError) {
      process.stderr.write(`\nerror: ${(memoryError(e) ?? e).message}\n`);
      return 1;
    }
    if (e instanceof TypeError && /Unknown option|argument/.test(e.message)) {
      process.stderr.write(`error: ${e.message}\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`\nerror: ${(memoryError(e) ?? (e as Error)).message}\n`);
    return 1;
  }
}

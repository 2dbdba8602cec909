/**
 * The import graph of the TypeScript and JavaScript sources, read with TypeScript's own parser,
 * and the structure rules of docs/architecture.md checked on it:
 *  - nothing under web/engine/ imports web/app/, web/cli/, web/component/ or e2e/ (one-way flow);
 *  - no import circle among the files of web/ (a worker started from a `new URL` runs its own
 *    module graph: that reference is no import and closes no circle);
 *  - no source file over 500 lines (wasm/model/pickle_vm.cpp excepted), and the app's main.ts,
 *    which only composes the app's modules, within 250.
 * Every relative module reference is an edge: `import` and `import type`, `export … from`,
 * `import()` and `require()` of a literal string, `typeof import('…')` types, and
 * `new URL('…', import.meta.url)` (how workers and assets are found). Package imports are not.
 * The folders' graph is drawn as a Mermaid flowchart for docs/architecture.md.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Files whose imports are read. */
export const SCRIPT = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;
/** Files whose lines are counted (sources, tests, build and page files). */
export const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs|cpp|hpp|cc|h|c|py|sh|css|html)$/;
export const MAX_LINES = 500;
/** The one file allowed past MAX_LINES: the pickle VM, one opcode table (see the developers' guide). */
export const LINE_EXCEPTIONS = new Set(['wasm/model/pickle_vm.cpp']);
/** Files held to a smaller limit than MAX_LINES. */
export const LINE_LIMITS = new Map([['web/app/src/main.ts', 250]]);
/** What web/engine must not import. */
export const ABOVE_ENGINE = ['web/app/', 'web/cli/', 'web/component/', 'e2e/'];

export interface Edge {
  from: string;
  to: string;
  /** import (static, incl. type-only and re-exports), dynamic (import()/require()), type (typeof import()), url (new URL(…, import.meta.url)). */
  kind: 'import' | 'dynamic' | 'type' | 'url';
  line: number;
}

/** The literal module references of one file's text. */
export function moduleReferences(file: string, text: string): { spec: string; kind: Edge['kind']; line: number }[] {
  const kind = /\.(js|mjs|cjs)$/.test(file) ? ts.ScriptKind.JS : file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: { spec: string; kind: Edge['kind']; line: number }[] = [];
  const literal = (n: ts.Node | undefined) => (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined);
  const add = (spec: string | undefined, k: Edge['kind'], at: ts.Node) => {
    if (spec !== undefined) out.push({ spec, kind: k, line: sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1 });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) add(literal(n.moduleSpecifier), 'import', n);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(literal(n.moduleReference.expression), 'import', n);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(literal(n.argument.literal), 'type', n);
    else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(literal(n.arguments[0]), 'dynamic', n);
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'URL' && n.arguments?.length === 2) {
      const base = n.arguments[1];
      if (ts.isPropertyAccessExpression(base) && base.name.text === 'url' && ts.isMetaProperty(base.expression)) add(literal(n.arguments[0]), 'url', n);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The repository file a relative reference names (as TypeScript and bundlers resolve it), or null. */
export function resolveReference(root: string, from: string, spec: string): string | null {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return null;
  const base = path.resolve(root, path.dirname(from), spec.split(/[?#]/)[0]);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')];
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isFile()) return path.relative(root, c).split(path.sep).join('/');
  }
  return null;
}

/**
 * The import edges among `files` (repository-relative paths) of the tree at `root`. A reference
 * to a file outside `files` (e.g. the wasm loaders, built and not in git) is no edge: the graph
 * is the same before and after a build.
 */
export function importEdges(root: string, files: string[]): Edge[] {
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const from of files.filter((f) => SCRIPT.test(f))) {
    for (const r of moduleReferences(from, readFileSync(path.join(root, from), 'utf8'))) {
      const to = resolveReference(root, from, r.spec);
      if (to && to !== from && known.has(to)) edges.push({ from, to, kind: r.kind, line: r.line });
    }
  }
  return edges;
}

/** Imports from web/engine into the clients above it, or into e2e. */
export function upwardImports(edges: Edge[]): Edge[] {
  return edges.filter((e) => e.from.startsWith('web/engine/') && ABOVE_ENGINE.some((p) => e.to.startsWith(p)));
}

/** The import circles among the files in scope: each strongly connected group of two or more (Tarjan). */
export function circles(edges: Edge[], inScope: (file: string) => boolean): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind === 'url' || !inScope(e.from) || !inScope(e.to)) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return found;
}

/** Source files over their line limit (MAX_LINES unless LINE_LIMITS says less), with their counts. */
export function oversized(root: string, files: string[]): { file: string; lines: number; limit: number }[] {
  const out: { file: string; lines: number; limit: number }[] = [];
  for (const f of files) {
    if (!SOURCE.test(f) || LINE_EXCEPTIONS.has(f)) continue;
    const text = readFileSync(path.join(root, f), 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const limit = LINE_LIMITS.get(f) ?? MAX_LINES;
    if (lines > limit) out.push({ file: f, lines, limit });
  }
  return out;
}

/** The engine's shared vocabulary (types, errors, limits, version): imported by every folder, drawn apart. */
export const ENGINE_VOCABULARY = ['web/engine/types.ts', 'web/engine/limits.ts', 'web/engine/version.ts'];

/** The box a file belongs to in the drawing: its folder (tests and test helpers are left out: null). */
export function folderOf(file: string): string | null {
  if (!file.startsWith('web/') || /\.test\.[cm]?[jt]s$/.test(file) || file.startsWith('web/engine/testing/')) return null;
  if (ENGINE_VOCABULARY.includes(file)) return 'web/engine (types, limits, version)';
  return path.posix.dirname(file);
}

/** The folders of web/ and the imports between them, as a Mermaid flowchart (sorted: stable text). */
export function mermaid(edges: Edge[], files: string[]): string {
  const folders = [...new Set(files.filter((f) => SCRIPT.test(f)).map(folderOf).filter((f): f is string => !!f))].sort();
  const id = (folder: string) => folder.replace(/^web\//, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, '');
  const links = new Set<string>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a && b && a !== b) {
      links.add(`  ${id(a)} --> ${id(b)}`);
    }
  }
  const groups: [string, (f: string) => boolean][] = [
    ['clients', (f) => !f.startsWith('web/engine')],
    ['engine', (f) => f.startsWith('web/engine')],
  ];
  const lines = ['flowchart LR'];
  for (const [name, member] of groups) {
    lines.push(`  subgraph ${name}`);
    for (const f of folders.filter(member)) lines.push(`    ${id(f)}["${f.replace(/^web\//, '')}"]`);
    lines.push('  end');
  }
  return [...lines, ...[...links].sort()].join('\n');
}

/**
 * The npm package as a user gets it: `npm pack` of the compiled build, installed into a fresh
 * temporary project. Offline and deterministic: the tarball is extracted into the project's
 * node_modules as real files (so its bare imports resolve only through that project), and each
 * dependency it *declares* is linked from this repo's node_modules (what `npm install` would
 * fetch). A dependency the package uses but does not declare therefore fails to resolve.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from '../../web/engine/testing/fixtures.ts';

export interface Packed {
  tarball: string;
  /** Tarball bytes (gzip) and unpacked bytes, as npm reports them. */
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** Newest modification time under `dir` of files passing `keep`. */
function newest(dir: string, keep: (f: string) => boolean): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) t = Math.max(t, newest(p, keep));
    else if (keep(p)) t = Math.max(t, s.mtimeMs);
  }
  return t;
}

/** Runs the package build when dist/lib is missing or older than the sources it compiles. */
export function ensurePackageBuilt(): void {
  const marker = repoPath('dist/lib/engine/node.js');
  const src = newest(repoPath('web'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/generated/'));
  if (existsSync(marker) && statSync(marker).mtimeMs >= src) return;
  execFileSync(process.execPath, ['--import', 'tsx', repoPath('scripts/build-package.ts')], { cwd: repoPath('.'), stdio: 'ignore', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

/** `npm pack` (no lifecycle scripts: the build is done) into `dest`. */
export function pack(dest: string): Packed {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: repoPath('.'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const info = JSON.parse(out)[0] as { filename: string; size: number; unpackedSize: number; files: { path: string; size: number }[] };
  return { tarball: path.join(dest, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files };
}

function link(project: string, dep: string): void {
  const target = repoPath(`node_modules/${dep}`);
  if (!existsSync(target)) throw new Error(`${dep} is not installed in this repo's node_modules`);
  const at = path.join(project, 'node_modules', dep);
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at, 'dir');
}

/**
 * A fresh project with the tarball installed as `celltypist-wasm` (files, declared dependencies,
 * the bin in node_modules/.bin) plus `devLinks` (tools the consumer itself would install).
 */
export function installInFreshProject(tarball: string, devLinks: string[] = []): string {
  const project = mkdtempSync(path.join(tmpdir(), 'ctw-consumer-'));
  const dir = path.join(project, 'node_modules/celltypist-wasm');
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', dir, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; bin?: Record<string, string> };
  for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...devLinks]) link(project, dep);
  mkdirSync(path.join(project, 'node_modules/.bin'), { recursive: true });
  for (const [name, rel] of Object.entries(pkg.bin ?? {})) {
    chmodSync(path.join(dir, rel), 0o755); // as npm does for bins
    symlinkSync(path.join('..', 'celltypist-wasm', rel), path.join(project, 'node_modules/.bin', name));
  }
  return project;
}

/** A CDN for the core's files on its own origin: right MIME types, CORS and CORP (as jsDelivr/unpkg send). */
export async function serveCdn(dir: string): Promise<{ url: string; requests: string[]; stop(): Promise<void> }> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(`/${name}`);
    const file = path.join(dir, name);
    const headers = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (!existsSync(file)) return void res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(name)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests, stop: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

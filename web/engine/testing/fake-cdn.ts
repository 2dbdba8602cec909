/**
 * A local stand-in for the model/gene-table hosts (loopback only): serves files from
 * ../shared by path, with CORS and CORP headers like a CDN, and records requests.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeCdn {
  url: string;
  requests: string[];
  /** Holds back requests of `pathname` until the returned function is called (tests of in-between states). */
  hold(pathname: string): () => void;
  stop(): Promise<void>;
}

/** `extra`: path → JSON body routes, read at request time (may be filled after start). */
export async function startFakeCdn(root: string, extra: Record<string, string> = {}): Promise<FakeCdn> {
  const requests: string[] = [];
  const held = new Map<string, Promise<void>>();
  const server = http.createServer(async (req, res) => {
    requests.push(req.url ?? '');
    const gate = held.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (gate) await gate;
    const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const headers = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    const route = extra[new URL(req.url ?? '/', 'http://x').pathname];
    if (route !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(route);
      return;
    }
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(statSync(file).size) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    requests,
    hold: (pathname) => {
      let release!: () => void;
      held.set(pathname, new Promise<void>((r) => (release = r)));
      return () => {
        held.delete(pathname);
        release();
      };
    },
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

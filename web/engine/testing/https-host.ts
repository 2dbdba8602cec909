/**
 * A real HTTPS model host on loopback that answers like a plain file server: the right bytes and
 * NO CORS headers (unless a route asks for them). Browsers reach it under the catalog's host name
 * through Chromium's --host-resolver-rules (see `resolverArgs`), so the page sees a genuine
 * cross-origin response and applies CORS, which a routed (page.route) response would not.
 * The self-signed certificate is made with openssl at test time in a git-ignored folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';

export interface HostRoute {
  body?: Uint8Array | string;
  status?: number;
  /** Send Access-Control-Allow-Origin: * (default false: a plain file server). */
  cors?: boolean;
}

export interface HttpsHost {
  port: number;
  /** "METHOD path" of every request received. */
  requests: string[];
  /** path → answer; anything else is a 404 (without CORS headers). */
  routes: Map<string, HostRoute>;
  stop(): Promise<void>;
}

/** A self-signed certificate for `names` (made once per folder; the folder must be git-ignored). */
export function selfSignedCert(dir: string, names: string[]): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const stamp = path.join(dir, 'names.txt');
  const want = names.join(',');
  if (!existsSync(cert) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    mkdirSync(dir, { recursive: true });
    const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
    execFileSync('bash', ['-c', `printf %s "$1" > "$2"`, '_', want, stamp]);
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

export async function startHttpsHost(tls: { key: Buffer; cert: Buffer }): Promise<HttpsHost> {
  const requests: string[] = [];
  const routes = new Map<string, HostRoute>();
  const server = https.createServer(tls, (req, res) => {
    const p = new URL(req.url ?? '/', 'https://x').pathname;
    requests.push(`${req.method} ${p}`);
    const r = routes.get(p);
    const headers: Record<string, string> = r?.cors ? { 'Access-Control-Allow-Origin': '*' } : {};
    if (!r) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const body = r.body ?? '';
    headers['Content-Type'] = 'application/octet-stream';
    headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    res.writeHead(r.status ?? 200, headers).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    routes,
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A loopback port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Chromium flags that send each host name (default port 443) to 127.0.0.1:port and accept the
 * self-signed certificate.
 */
export function resolverArgs(hosts: Record<string, number>): string[] {
  const rules = Object.entries(hosts).map(([h, port]) => `MAP ${h} 127.0.0.1:${port}`);
  return [`--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors'];
}

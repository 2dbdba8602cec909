// Why a download failed: Node's error codes against real loopback sockets (refused, no answer,
// untrusted certificate, HTTP status), and the browser probe with stand-in globals.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closedPort, selfSignedCert, startHttpsHost, type HttpsHost } from '../testing/https-host.ts';
import { repoPath } from '../testing/fixtures.ts';
import { DownloadFailed, probeBrowserFailure } from './fetch-failure.ts';
import { fetchBytes } from './fetch.ts';

let host: HttpsHost;
let silent: http.Server;
before(async () => {
  host = await startHttpsHost(selfSignedCert(path.join(repoPath('e2e/out'), 'tls'), ['celltypist.cog.sanger.ac.uk', '127.0.0.1']));
  // Accepts connections and never answers.
  silent = http.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
after(async () => {
  await host?.stop();
  silent?.closeAllConnections();
  silent?.close();
});

async function failure(url: string, opts = {}) {
  const e = await fetchBytes(url, opts).then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(e instanceof DownloadFailed, String(e));
  assert.equal(e.failures.length, 1);
  return { ...e.failures[0], message: e.message };
}

describe('download failures in Node name the cause', () => {
  it('connection refused: network unreachable', async () => {
    const f = await failure(`http://127.0.0.1:${await closedPort()}/m.pkl`);
    assert.equal(f.cause, 'unreachable');
    assert.match(f.detail, /^network unreachable: no connection to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
  it('a host that never answers: timed out', async () => {
    const f = await failure(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/m.pkl`, { answerTimeoutMs: 300 });
    assert.equal(f.cause, 'timeout');
    assert.match(f.detail, /did not answer within 0.3 s/);
  });
  it('an untrusted certificate (a proxy inspecting HTTPS): tls', async () => {
    const f = await failure(`https://127.0.0.1:${host.port}/m.pkl`);
    assert.equal(f.cause, 'tls');
    assert.match(f.detail, /certificate of 127\.0\.0\.1:\d+ is not trusted here \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID)\).*NODE_EXTRA_CA_CERTS/);
  });
  it('an HTTP status', async () => {
    const s = http.createServer((_, res) => res.writeHead(503, 'Service Unavailable').end());
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const f = await failure(`http://127.0.0.1:${(s.address() as AddressInfo).port}/m.pkl`);
      assert.equal(f.cause, 'http');
      assert.equal(f.status, 503);
      assert.match(f.message, /answered HTTP 503 Service Unavailable$/);
    } finally {
      s.close();
    }
  });
});

describe('the browser probe tells a CORS block from an unreachable host', () => {
  const url = 'https://celltypist.cog.sanger.ac.uk/models/x/v2/M.pkl';
  const answers: typeof fetch = async (_u, init) => {
    assert.equal(init?.mode, 'no-cors');
    assert.equal(init?.method, 'HEAD');
    return new Response(null);
  };
  const refuses: typeof fetch = async () => {
    throw new TypeError('Failed to fetch');
  };
  it('the no-cors request is answered: CORS', async () => {
    assert.equal((await probeBrowserFailure(url, answers, {})).cause, 'cors');
  });
  it('cross-origin isolated: a COEP report names the URL: CORS', async () => {
    let deliver: ((r: { type: string; body: unknown }[]) => void) | null = null;
    class Observer {
      constructor(cb: (r: { type: string; body: unknown }[]) => void) {
        deliver = cb;
      }
      observe() {}
      disconnect() {}
      takeRecords() {
        return [];
      }
    }
    const coep: typeof fetch = async () => {
      // Chromium's COEP report bodies expose their fields through toJSON only.
      setTimeout(() => deliver?.([{ type: 'coep', body: { toJSON: () => ({ type: 'corp', blockedURL: url }) } }]), 20);
      throw new TypeError('Failed to fetch');
    };
    const f = await probeBrowserFailure(url, coep, { ReportingObserver: Observer });
    assert.equal(f.cause, 'cors');
    assert.match(f.detail, /^blocked by the host's CORS policy: celltypist\.cog\.sanger\.ac\.uk answered/);
  });
  it('no answer and no report: network unreachable', async () => {
    const f = await probeBrowserFailure(url, refuses, { navigator: { onLine: true } });
    assert.equal(f.cause, 'unreachable');
    assert.match(f.detail, /^network unreachable: no connection to celltypist\.cog\.sanger\.ac\.uk;/);
  });
  it('offline', async () => {
    assert.equal((await probeBrowserFailure(url, answers, { navigator: { onLine: false } })).cause, 'offline');
  });
  it("the page's Content-Security-Policy", async () => {
    let listener: ((e: Event) => void) | null = null;
    const blocked: typeof fetch = async () => {
      setTimeout(() => listener?.(Object.assign(new Event('securitypolicyviolation'), { blockedURI: url })), 10);
      throw new TypeError('Failed to fetch');
    };
    const g = { addEventListener: (_t: string, fn: (e: Event) => void) => (listener = fn), removeEventListener: () => (listener = null) };
    assert.equal((await probeBrowserFailure(url, blocked, g)).cause, 'csp');
  });
});

/**
 * Why a download failed, in one line a user can act on: blocked by the host's CORS policy,
 * network unreachable (offline, no connection, no answer in time, an untrusted certificate), or
 * an HTTP status. Node's fetch says why in `cause.code`; a browser only says "Failed to fetch", so
 * there the failure is probed: a `no-cors` request to the same URL succeeds (or, in a
 * cross-origin isolated page, is refused by COEP, which Chromium reports to a ReportingObserver)
 * only when the host answered, which makes the first failure a CORS block.
 */
import { CellTypistError } from '../types.ts';

export type FailureCause = 'cors' | 'offline' | 'unreachable' | 'timeout' | 'tls' | 'csp' | 'http' | 'cut_off' | 'checksum';

export interface DownloadFailure {
  url: string;
  cause: FailureCause;
  /** The HTTP status, for `http`. */
  status?: number;
  /** One line: what happened, naming the host. */
  detail: string;
}

/** A download that failed from every URL tried; `failures` says why for each. */
export class DownloadFailed extends CellTypistError {
  constructor(
    message: string,
    readonly failures: DownloadFailure[],
  ) {
    super('download_failed', message);
  }
}

const host = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? decodeURIComponent(u.pathname) : u.host;
  } catch {
    return url;
  }
};

/** The one-line description of a failure (what the page and the CLI show). */
export function failureDetail(url: string, cause: FailureCause, extra: { status?: number; statusText?: string; seconds?: number; code?: string } = {}): string {
  const h = host(url);
  switch (cause) {
    case 'cors':
      return `blocked by the host's CORS policy: ${h} answered but does not let pages of other sites read its files (no Access-Control-Allow-Origin header)`;
    case 'offline':
      return 'network unreachable: this device is offline';
    case 'unreachable':
      return `network unreachable: no connection to ${h}${extra.code ? ` (${extra.code})` : ''}; the host may be down, or this network (firewall, proxy) does not let it through`;
    case 'timeout':
      return `network unreachable: ${h} did not answer within ${extra.seconds ?? '?'} s; the host may be down, or this network (firewall, proxy) does not let it through`;
    case 'tls':
      return `the HTTPS certificate of ${h} is not trusted here${extra.code ? ` (${extra.code})` : ''}; a proxy inspecting HTTPS? Node: point NODE_EXTRA_CA_CERTS at its certificate`;
    case 'csp':
      return `blocked by this page's Content-Security-Policy: it may contact only its own server and the catalog's model hosts, not ${h}`;
    case 'http':
      return `${h} answered HTTP ${extra.status}${extra.statusText ? ` ${extra.statusText}` : ''}`;
    default:
      return `download from ${h} failed`;
  }
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const CONNECT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EPIPE', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/** Node (undici) errors carry the system error's code in `cause` (sometimes one level deeper). */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code !== 'ERR_INVALID_ARG_TYPE') return e.code;
  }
  return undefined;
}

/** Classifies Node's fetch errors by their code; null when there is none (a browser's TypeError). */
export function classifyByCode(url: string, err: unknown): DownloadFailure | null {
  const code = errorCode(err);
  if (!code) return null;
  const h = host(url);
  if (DNS.has(code)) return { url, cause: 'unreachable', detail: failureDetail(url, 'unreachable', { code: `${h} does not resolve: ${code}` }) };
  if (CONNECT.has(code)) return { url, cause: 'unreachable', detail: failureDetail(url, 'unreachable', { code }) };
  if (TIMEOUT.has(code)) return { url, cause: 'unreachable', detail: failureDetail(url, 'unreachable', { code: `connection timed out: ${code}` }) };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return { url, cause: 'tls', detail: failureDetail(url, 'tls', { code }) };
  return { url, cause: 'unreachable', detail: failureDetail(url, 'unreachable', { code }) };
}

interface ProbeGlobals {
  navigator?: { onLine?: boolean };
  ReportingObserver?: new (cb: (reports: { type: string; body: unknown }[]) => void, opts: { types: string[] }) => { observe(): void; disconnect(): void; takeRecords(): { type: string; body: unknown }[] };
  addEventListener?: (type: string, fn: (e: Event) => void) => void;
  removeEventListener?: (type: string, fn: (e: Event) => void) => void;
}

/** The URL a report body names (Chromium's COEP report bodies only expose it through toJSON). */
function blockedUrl(body: unknown): string | undefined {
  const b = body as { blockedURL?: string; toJSON?: () => { blockedURL?: string } } | null;
  return b?.blockedURL ?? b?.toJSON?.().blockedURL;
}

/**
 * Why a browser's fetch of `url` failed with a bare TypeError. Sends one `no-cors` HEAD request
 * (no body is downloaded) and watches for the page's COEP and CSP reports about it.
 */
export async function probeBrowserFailure(url: string, fetchImpl: typeof fetch, g: ProbeGlobals = globalThis as ProbeGlobals): Promise<DownloadFailure> {
  if (g.navigator?.onLine === false) return { url, cause: 'offline', detail: failureDetail(url, 'offline') };
  let answered = false;
  let csp = false;
  const seen = () => answered || csp;
  const onCsp = (e: Event) => {
    if ((e as Event & { blockedURI?: string }).blockedURI === url) csp = true;
  };
  g.addEventListener?.('securitypolicyviolation', onCsp);
  const take = (reports: { type: string; body: unknown }[]) => {
    // COEP refused the (opaque) answer: the host did answer.
    for (const r of reports) if (r.type === 'coep' && blockedUrl(r.body) === url) answered = true;
  };
  const observer = g.ReportingObserver ? new g.ReportingObserver(take, { types: ['coep'] }) : null;
  observer?.observe();
  try {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 8000);
    try {
      await fetchImpl(url, { mode: 'no-cors', method: 'HEAD', cache: 'no-store', credentials: 'omit', signal: ctl.signal });
      answered = true;
    } catch {
      // Reports are queued as tasks: wait briefly for one naming this URL.
      for (let i = 0; i < 10 && !seen(); i++) {
        await new Promise((r) => setTimeout(r, 50));
        take(observer?.takeRecords() ?? []);
      }
    } finally {
      clearTimeout(timer);
    }
  } finally {
    observer?.disconnect();
    g.removeEventListener?.('securitypolicyviolation', onCsp);
  }
  if (csp) return { url, cause: 'csp', detail: failureDetail(url, 'csp') };
  if (answered) return { url, cause: 'cors', detail: failureDetail(url, 'cors') };
  return { url, cause: 'unreachable', detail: failureDetail(url, 'unreachable') };
}

const inBrowser = () => typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

/** Why `fetch(url)` threw `err` (Node: by error code; browsers: by probing). */
export async function diagnoseFetchError(url: string, err: unknown, fetchImpl: typeof fetch): Promise<DownloadFailure> {
  const byCode = classifyByCode(url, err);
  if (byCode) return byCode;
  if (inBrowser()) return probeBrowserFailure(url, fetchImpl);
  return { url, cause: 'unreachable', detail: `${failureDetail(url, 'unreachable')} (${(err as Error)?.message ?? err})` };
}

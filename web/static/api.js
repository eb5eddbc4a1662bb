// Calls to the /v1 API of the same server: a timeout on every request, a
// "slow network" signal while a request takes long, problem+json errors
// turned into ApiError, and the inspector's key (when there is one) sent
// as a bearer token. The key lives in sessionStorage only: it is gone when
// the tab closes and never goes into a URL or localStorage.

import { lang, t } from './i18n.js';

const KEY = 'camreg.key';
/** A request that has not answered after TIMEOUT ms is abandoned. */
export const TIMEOUT = 12000;
/** A request still waiting after SLOW ms makes the page say the network is slow. */
export const SLOW = 2500;

/** An error to show: message is readable, never raw JSON. */
export class ApiError extends Error {
  constructor(message, { status = 0, kind = 'http', details = [], problem = null } = {}) {
    super(message);
    this.status = status;
    this.kind = kind; // http, timeout, network
    this.details = details; // lines such as "items[0].model: is required"
    this.problem = problem;
  }
}

export const key = {
  get() { try { return sessionStorage.getItem(KEY) || ''; } catch { return ''; } },
  set(k) { try { sessionStorage.setItem(KEY, k); } catch { /* kept in memory only by the caller */ } },
  clear() { try { sessionStorage.removeItem(KEY); } catch { /* nothing kept */ } },
};

let slowCount = 0;
const slowListeners = new Set();
/** Calls fn(true|false) when requests start or stop being slow. */
export function onSlow(fn) { slowListeners.add(fn); }
function slowDelta(d) {
  const before = slowCount > 0;
  slowCount += d;
  const after = slowCount > 0;
  if (before !== after) for (const fn of slowListeners) fn(after);
}

/**
 * Calls the API with a JSON body (body) or a file (raw, a Blob sent with
 * its own type), and extra headers (an Idempotency-Key). signal cancels the request (a newer one replaced it): the
 * promise then rejects with an AbortError, which callers ignore.
 */
export async function api(path, { method = 'GET', body, raw, signal, auth = true, headers: extra = {} } = {}) {
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  if (signal) {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    signal.addEventListener('abort', onAbort, { once: true });
  }
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, TIMEOUT);
  let slow = false;
  const slowTimer = setTimeout(() => { slow = true; slowDelta(1); }, SLOW);
  const headers = { Accept: 'application/json', 'Accept-Language': lang() === 'en' ? 'en' : 'vi' };
  const k = key.get();
  if (auth && k) headers.Authorization = 'Bearer ' + k;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw) headers['Content-Type'] = raw.type || 'application/octet-stream';
  Object.assign(headers, extra);
  try {
    let res;
    try {
      res = await fetch(path, { method, headers, body: raw || (body === undefined ? undefined : JSON.stringify(body)), signal: ctl.signal, cache: 'no-store' });
    } catch (err) {
      if (timedOut) throw new ApiError(t('timeout'), { kind: 'timeout' });
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      throw new ApiError(navigator.onLine === false ? t('offline') : t('unreachable'), { kind: 'network' });
    }
    let data = null;
    const type = res.headers.get('Content-Type') || '';
    try {
      data = type.includes('json') ? await res.json() : null;
    } catch {
      if (timedOut) throw new ApiError(t('timeout'), { kind: 'timeout' });
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      data = null;
    }
    if (!res.ok) throw problemError(res, data);
    return data;
  } finally {
    clearTimeout(timer);
    clearTimeout(slowTimer);
    if (slow) slowDelta(-1);
    signal?.removeEventListener('abort', onAbort);
  }
}

// problemError reads an RFC 9457 problem: a lead sentence in the page's
// language, then the server's title and detail, and one line per field error.
function problemError(res, p) {
  const s = res.status;
  let lead;
  if (s === 401) lead = t('err401');
  else if (s === 403) lead = t('err403');
  else if (s === 404) lead = t('err404');
  else if (s === 412) lead = t('err412');
  else if (s === 422 || s === 400) lead = t('err422');
  else if (s === 429) lead = t('err429', res.headers.get('Retry-After') || '1');
  else if (s === 503) lead = t('err503');
  else if (s >= 500) lead = t('err5xx');
  else lead = t('errOther');
  const parts = [lead];
  if (p && typeof p === 'object') {
    const said = [p.title, p.detail].filter((x) => typeof x === 'string' && x.trim() !== '');
    // 5xx details are generic and say nothing to a person; the lead is enough.
    if (s < 500 && said.length) parts.push(said.join(': '));
  }
  const details = Array.isArray(p?.errors)
    ? p.errors.map((e) => [e?.field, e?.message].filter(Boolean).join(': ')).filter(Boolean)
    : [];
  return new ApiError(parts.join(' '), { status: s, details, problem: p });
}

/** True when err is the cancellation of a stale request. */
export const isAbort = (err) => err?.name === 'AbortError';

/** Builds a query string from the non-empty values of params. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && String(v).trim() !== '') u.set(k, String(v).trim());
  const s = u.toString();
  return s ? '?' + s : '';
}

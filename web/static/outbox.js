// The outbox: a submitted inspection waits here, on the device, until the
// server has it. Each entry is sent with one Idempotency-Key, made when it
// was queued and kept across retries, so a retry after a lost answer
// replays the first answer instead of recording the visit twice. An entry
// is queued → sending → sent, or failed with the server's reason; a
// network error, a timeout, a 401 (the session ended), a 409 (the same key
// still in flight; not another conflict), a 429 or a 5xx leave it queued, and it is tried again
// with a growing pause, and at once when the network returns.
//
// After the inspection itself, an entry may carry steps (uploading a
// photo, settling an item with its photos): each runs once, in order, and
// is marked done before the next.

import { api, key, ApiError } from './api.js';

import './vendor/idb.umd.js';

// ---- what the page keeps on the device, in IndexedDB (through the vendored
// idb wrapper): the inspector's draft inspection (trader, date, place,
// items, notes, photos) and the outbox of submitted inspections. Both are
// filed under the owner, a fingerprint of the inspector's key (never the
// key itself), so that another inspector on the same phone does not see
// them, and both outlive reloads, discarded tabs and logging out.

const { openDB } = globalThis.idb;

let dbp = null;
function db() {
  dbp ??= openDB('camreg', 2, {
    upgrade(d, old) {
      if (old < 1) {
        d.createObjectStore('drafts'); // key: owner
        const o = d.createObjectStore('outbox', { keyPath: 'id' });
        o.createIndex('owner', 'owner');
      }
      if (old < 2) {
        // Copies of the records (inspections) the inspector opened or
        // sent, and of their photos, to open them with no network.
        d.createObjectStore('records', { keyPath: ['owner', 'id'] }).createIndex('owner', 'owner');
        d.createObjectStore('photos', { keyPath: ['owner', 'id'] }).createIndex('owner', 'owner');
      }
    },
  });
  return dbp;
}

/** The owner of a key: the first 16 hex digits of its SHA-256. */
export async function ownerOf(key) {
  if (!key) return '';
  if (!globalThis.crypto?.subtle) return 'key';
  const sum = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(sum).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The owner whose outbox is sent (the key in use), or ''. */
export const currentOwner = () => owner;

/** A random identifier, for drafts and Idempotency-Keys. */
export function newID() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

export const drafts = {
  async get(owner) { return (await db()).get('drafts', owner); },
  async put(owner, draft) { return (await db()).put('drafts', { ...draft, updated: Date.now() }, owner); },
  async remove(owner) { return (await db()).delete('drafts', owner); },
};

export const outbox = {
  async all(owner) { return (await db()).getAllFromIndex('outbox', 'owner', owner); },
  async get(id) { return (await db()).get('outbox', id); },
  async put(entry) { return (await db()).put('outbox', entry); },
  async remove(id) { return (await db()).delete('outbox', id); },
};

/** The records kept per owner for offline reading; the oldest go first. */
export const KEEP_RECORDS = 50;

export const records = {
  async get(owner, id) { return (await db()).get('records', [owner, id]); },
  async all(owner) { return (await db()).getAllFromIndex('records', 'owner', owner); },
  /** Keeps a copy of a record ({insp, findings, tr, office, photos}), stamped savedAt. */
  async put(owner, rec) {
    if (!owner || !rec?.insp?.id) return;
    const d = await db();
    const old = await d.get('records', [owner, rec.insp.id]);
    await d.put('records', { ...old, ...rec, owner, id: rec.insp.id, savedAt: Date.now() });
    const all = (await d.getAllFromIndex('records', 'owner', owner)).sort((a, b) => b.savedAt - a.savedAt);
    for (const r of all.slice(KEEP_RECORDS)) {
      await d.delete('records', [owner, r.id]);
      for (const p of r.photos || []) await d.delete('photos', [owner, p.id]);
    }
  },
  async photo(owner, id) { return (await db()).get('photos', [owner, id]); },
  async putPhoto(owner, id, blob) { if (owner) await (await db()).put('photos', { owner, id, blob }); },
};

/** True when the draft holds something worth keeping. */
export const hasWork = (d) => !!d && (d.items?.length > 0 || !!d.notes?.trim() || d.photos?.length > 0);

// ---- the sender -----------------------------------------------------------------

let owner = '';
let running = false;
let timer = 0;
let pause = 2000;
const listeners = new Set();

/** Calls fn() whenever an entry changes state. */
export function onChange(fn) { listeners.add(fn); }
const changed = (e) => { for (const fn of listeners) fn(e); };

/** Sets whose outbox is sent (the owner of the key in use), and sends it. */
export async function use(o) {
  owner = o;
  pause = 2000;
  if (o) await prune().catch(() => {});
  pump();
}

/** Sent entries are listed for a week, then forgotten. */
const KEEP_SENT = 7 * 24 * 3600 * 1000;
async function prune() {
  for (const e of await list()) if (e.state === 'sent' && Date.now() - (e.sentAt || 0) > KEEP_SENT) await outbox.remove(e.id);
}

/** The owner's entries, newest first. */
export async function list() {
  if (!owner) return [];
  return (await outbox.all(owner)).sort((a, b) => b.created - a.created);
}

/** Queues an entry and starts sending it. */
export async function enqueue(entry) {
  await outbox.put({ ...entry, owner, state: 'queued', error: '', tries: 0, created: Date.now() });
  changed(entry);
  pause = 2000;
  pump();
}

/** Forgets an entry (a sent one, or a failed one the inspector gave up). */
export async function forget(id) {
  await outbox.remove(id);
  changed({ id });
}

// transient errors are worth another try with the same key. A 401 is one:
// the session may have ended mid-send, and the entry waits for the key. A
// 409 is one only while the key's first request still runs; another 409
// (a finding already moved by someone else) is the server's answer.
const inFlight = (err) => err.status === 409 && /idempotency-key-in-flight$/.test(err.problem?.type || '');
const transient = (err) => err instanceof ApiError && (err.kind !== 'http' || [401, 429].includes(err.status) || inFlight(err) || err.status >= 500);

/** Sends every queued entry, one at a time. */
let again = false;
export async function pump() {
  clearTimeout(timer);
  if (running) { again = true; return; } // an entry queued meanwhile: one more pass
  if (!owner || !key.get()) return;
  running = true;
  again = false;
  let retry = false;
  try {
    for (const e of (await list()).reverse()) { // the oldest first
      if (e.state !== 'queued' && e.state !== 'sending') continue;
      if (navigator.onLine === false) { retry = true; break; }
      if (!(await send(e))) { retry = true; break; }
    }
  } finally {
    running = false;
  }
  if (again && !retry) { pump(); return; }
  if (retry) {
    timer = setTimeout(pump, pause);
    pause = Math.min(pause * 2, 60_000);
  } else {
    pause = 2000;
  }
}

// send sends one entry; false means "not now, try again later".
async function send(e) {
  e.state = 'sending';
  await outbox.put(e);
  changed(e);
  try {
    if (e.kind === 'action') {
      await sendAction(e);
    } else if (!e.result) {
      e.result = await api('/v1/inspections', { method: 'POST', body: e.body, headers: { 'Idempotency-Key': e.key } })
        .catch((err) => recorded(err));
      await outbox.put(e);
    }
    // The visit is recorded now: a step the server refuses is said on the
    // entry, and never makes the visit be sent again.
    const refused = [];
    for (const step of e.kind === 'action' ? [] : e.steps || []) {
      if (step.done) continue;
      try {
        await runStep(e, step);
      } catch (err) {
        if (transient(err)) throw err;
        refused.push(err.message);
      }
      step.done = true;
      await outbox.put(e);
    }
    e.state = 'sent';
    e.error = refused.join('\n');
    e.sentAt = Date.now();
    // The record as the server answered it opens with no network too.
    if (e.kind !== 'action' && e.result?.id) {
      const { findings = [], ...insp } = e.result;
      await records.put(owner, { insp, findings, tr: e.trader || null }).catch(() => {});
    }
    // Sent: the copy of the draft and the photos' bytes are not needed.
    delete e.draft;
    for (const step of e.steps || []) delete step.blob;
  } catch (err) {
    e.tries = (e.tries || 0) + 1;
    if (transient(err)) {
      e.state = 'queued';
      e.error = err.message;
    } else {
      e.state = 'failed';
      e.error = [err.message, ...(err.details || [])].join('\n');
    }
  }
  await outbox.put(e);
  changed(e);
  return e.state !== 'queued';
}

// recorded reads the inspection back when the server says the key's
// request was carried out but its answer was lost (409
// idempotency-key-done, naming the record); any other error stands.
async function recorded(err) {
  const p = err.problem;
  const at = err.status === 409 && /idempotency-key-done$/.test(p?.type || '') && (p.detail || '').match(/\((\/v1\/inspections\/[\w-]+)\)/);
  if (!at) throw err;
  const insp = await api(at[1]);
  const fs = await api(`/v1/findings?inspection=${encodeURIComponent(insp.id)}&limit=500`);
  return { ...insp, findings: fs.items };
}

// sendAction sends a change made on a record page while the network was
// away: its photos first (each once, keeping its server id), then the
// request itself, naming them in photoField. A POST carries the entry's
// Idempotency-Key.
async function sendAction(e) {
  for (const step of e.steps || []) {
    if (step.done) continue;
    step.serverID = (await api(step.path, { method: 'POST', raw: step.blob, headers: { 'Idempotency-Key': step.key || `${e.key}.${step.n}` } })
      .catch((err) => doneAt(err)))?.id;
    step.done = true;
    await outbox.put(e);
  }
  if (!e.path) return; // photos only
  const body = e.photoField && e.steps?.length ? { ...e.body, [e.photoField]: [...(e.body[e.photoField] || []), ...e.steps.map((x) => x.serverID).filter(Boolean)] } : e.body;
  // Every change carries its key (a PATCH too): sent again after a lost
  // answer, it is replayed as done, not refused as a move already made.
  e.result = await api(e.path, { method: e.method, body, headers: { 'Idempotency-Key': e.key, ...(e.ifMatch ? { 'If-Match': e.ifMatch } : {}) } }).catch((err) => doneAt(err));
}

// doneAt reads a 409 idempotency-key-done (the request was carried out,
// its answer lost in a crash) as done, naming the record; any other error
// stands.
function doneAt(err) {
  const p = err?.problem;
  if (err?.status === 409 && /idempotency-key-done$/.test(p?.type || '')) {
    const m = (p.detail || '').match(/\(\w+\/([\w-]+)\)/);
    return { id: m?.[1] || '', replayed: true };
  }
  throw err;
}

/**
 * Queues a change made on a record page (settling an item, moving a
 * finding, a manual finding with photos, photos alone when path is empty)
 * to be sent when the network returns, with key, the Idempotency-Key its
 * first try used (so that a try whose answer was lost is not done twice).
 * photos are uploaded to photoPath first.
 */
export async function enqueueAction({ label, inspection, method, path, body, key = newID(), photos = [], photoPath = '', photoField = '', ifMatch = '' }) {
  // A photo is a blob, or {blob, key} when it was already tried with that key.
  const steps = photos.map((p, i) => ({ n: i + 1, path: photoPath, blob: p instanceof Blob ? p : p.blob, key: p instanceof Blob ? undefined : p.key }));
  await enqueue({ id: newID(), kind: 'action', key, label, inspection, method, path, body, steps, photoField, ifMatch });
}

// runStep uploads a photo (keeping its server id in the step) or settles
// an item with the ids of its photos, for the inspection just made.
async function runStep(e, step) {
  const base = `/v1/inspections/${encodeURIComponent(e.result.id)}`;
  const headers = { 'Idempotency-Key': `${e.key}.${step.n}` };
  if (step.kind === 'photo') {
    step.serverID = (await api(base + '/photos', { method: 'POST', raw: step.blob, headers })).id;
  } else if (step.kind === 'resolve') {
    const pos = e.result.items?.[step.index]?.position ?? step.index;
    const photoIDs = e.steps.filter((x) => x.kind === 'photo' && x.item === step.item && x.serverID).map((x) => x.serverID);
    await api(`${base}/items/${pos}/resolve`, { method: 'POST', body: { ...step.body, photo_ids: photoIDs }, headers });
  }
}

window.addEventListener('online', () => { pause = 2000; pump(); });

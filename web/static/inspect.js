// The inspection mode: an inspector enters a key (kept in this tab's
// sessionStorage only), picks the trader by search, adds the items seen on
// the shelf (typed or scanned, each verified on the spot, near matches
// picked by the inspector), adds notes and photos, and submits. The draft
// is saved on the device as it is typed (store.js) and the submit goes
// through the outbox (outbox.js), so a reload, a discarded tab, logging
// out or a lost network loses nothing and sends nothing twice.

import { api, key, isAbort, qs } from './api.js';
import { t, code, day } from './i18n.js';
import { h, fill, badge, reasons, showError } from './render.js';
import * as box from './outbox.js';
import { drafts, ownerOf, newID, hasWork } from './outbox.js';
import { verifyPending, renderItems, bodyItem, needsPick } from './items.js';

const $ = (id) => document.getElementById(id);

/** Today in Vietnam, as YYYY-MM-DD: the server judges by that date too. */
export const todayVN = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

let owner = ''; // the fingerprint of the key in use
let draft = blank();
let pendingTrader = null; // chosen from the lookup before a key was entered
let traderCtl = null;
let traderTimer = 0;
let saveTimer = 0;
let shown = null; // the sent entry whose outcome is shown
let compliance = null;
let entries = []; // the outbox, as last read

function blank(keep = {}) {
  return { id: newID(), trader: null, date: keep.date || todayVN(), place: '', notes: '', items: [], photos: [] };
}

/** True when the tab holds an inspector key. */
export const hasKey = () => key.get() !== '';

let loginFn = () => {};
/** Calls fn after the inspector entered a good key. */
export function onLogin(fn) { loginFn = fn; }

export function init() {
  const d = $('insp-date');
  d.max = todayVN();
  $('key-form').addEventListener('submit', useKey);
  $('logout').addEventListener('click', logout);
  $('trader-q').addEventListener('input', () => {
    clearTimeout(traderTimer);
    traderTimer = setTimeout(searchTraders, 250);
  });
  $('item-form').addEventListener('submit', addItem);
  $('submit-insp').addEventListener('click', submit);
  d.addEventListener('input', () => { draft.date = d.value; save(); });
  d.addEventListener('change', () => { draft.date = d.value; for (const it of draft.items) { it.v = null; it.pv = null; } save(); verify(); });
  $('insp-place').addEventListener('input', (e) => { draft.place = e.target.value; save(); });
  $('insp-notes').addEventListener('input', (e) => { draft.notes = e.target.value; save(); });
  $('insp-photo').addEventListener('change', addPhotos);
  $('scan-btn').addEventListener('click', scan);
  $('scan-stop').addEventListener('click', () => import('./scan.js').then((m) => m.stop()));
  // A tab the phone discards gets no warning: what is typed is written
  // at once when the page is hidden.
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
  window.addEventListener('pagehide', () => flush());
  window.addEventListener('online', () => {
    // "offline: checked when the network returns" is no longer true.
    if ($('items-status').dataset.offline) { $('items-status').textContent = ''; delete $('items-status').dataset.offline; }
    verify();
    renderItemsNow();
  });
  window.addEventListener('offline', renderItemsNow);
  box.onChange(onOutbox);
  if (hasKey()) start();
  else paint();
}

/** Called when the inspection tab opens. */
export function show() { paint(); }

/** Opens the inspection of org (from a lookup result). */
export function startWith(org) {
  pendingTrader = org;
  location.hash = '#inspect';
  if (hasKey()) { choose(org); pendingTrader = null; }
}

/** Re-renders after a language switch, asking the API again for its words. */
export function relabel() {
  paint();
  if (hasKey() && draft.trader) loadCompliance();
  if (draft.items.length) { for (const it of draft.items) { it.v = null; it.pv = null; } verify(); }
}

/** Adds an item found by a scan, or a text to check, to the draft. */
export function addScanned({ model = '', brand = '', gtin = '', v = null }) {
  const it = { id: newID(), model, brand, gtin, firmware: '', quantity: 1, v, err: null, pick: null, checkedAt: v ? Date.now() : 0 };
  draft.items.push(it);
  save();
  renderItemsNow();
  if (!v) verify();
  $('items-status').textContent = t('itemAdded', model || gtin, v ? t('v_' + v.verdict) : '…');
}

// start loads the draft and the outbox of the key in the tab.
async function start() {
  owner = await ownerOf(key.get());
  const d = await drafts.get(owner).catch(() => null);
  draft = d ? { ...blank(), ...d } : blank();
  box.use(owner);
  paint();
  if (draft.trader) loadCompliance();
  verify();
}

function paint() {
  const k = hasKey();
  $('key-form').hidden = k;
  $('insp').hidden = !k;
  $('session-label').textContent = t('sessionOn');
  $('insp-date').value = draft.date;
  $('insp-place').value = draft.place;
  $('insp-notes').value = draft.notes;
  renderTrader();
  renderItemsNow();
  renderPhotos();
  renderOutbox();
  renderCompliance();
}

// save writes the draft soon; flush writes it now.
function save() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(flush, 150);
  paintDraftState();
}
async function flush(o = owner, dr = draft) {
  clearTimeout(saveTimer);
  if (!o) return;
  const d = { ...dr, items: dr.items.map((it) => ({ ...it, err: it.err ? { message: it.err.message } : null })) };
  try {
    if (hasWork(d) || d.trader) await drafts.put(o, d); else await drafts.remove(o);
  } catch { /* private mode without IndexedDB: kept in memory only */ }
}

function paintDraftState() {
  const s = $('draft-state');
  s.textContent = hasWork(draft) || draft.trader ? t('draftSaved') : '';
}

async function useKey(e) {
  e.preventDefault();
  const errBox = $('key-error');
  const k = $('key').value.trim();
  if (!k) { showError(errBox, { message: t('needKey') }); $('key').focus(); return; }
  key.set(k);
  $('key').value = '';
  showError(errBox, { message: t('keyChecking') });
  try {
    // Any reader of findings may pass: a key that is not an inspector's
    // is told so by POST /v1/inspections, with the server's reason.
    await api('/v1/findings' + qs({ limit: 1 }));
  } catch (err) {
    if (err.kind === 'http') {
      key.clear();
      showError(errBox, err);
      $('key').focus();
      return;
    }
    // Offline: the key is kept, and checked when the outbox sends.
  }
  showError(errBox, null);
  await start();
  if (pendingTrader) { choose(pendingTrader); pendingTrader = null; } else if (!draft.trader) $('trader-q').focus();
  loginFn();
}

// logout forgets the key at once; the draft and the outbox stay on the
// device for the next time this key is entered. With unsent work, it asks.
function logout() {
  const unsent = entries.some((e) => e.state !== 'sent');
  if ((hasWork(draft) || unsent) && !window.confirm(t('logoutAsk'))) return;
  const o = owner, d = draft;
  key.clear();
  owner = '';
  box.use('');
  draft = blank();
  entries = [];
  shown = null;
  compliance = null;
  paint();
  $('key').focus();
  flush(o, d);
}

// ---- the trader -------------------------------------------------------------

async function searchTraders() {
  traderCtl?.abort();
  traderCtl = new AbortController();
  const text = $('trader-q').value.trim();
  const list = $('trader-results'), status = $('trader-status');
  if (text.length < 2) { fill(list); status.textContent = ''; return; }
  status.textContent = t('searching');
  try {
    const res = await api('/v1/search' + qs({ q: text, type: 'organization', limit: 8 }), { signal: traderCtl.signal });
    const traders = res.items.filter((x) => x.item?.trader);
    status.textContent = t('nResults', traders.length);
    fill(list, traders.map((x) => h('li', {},
      h('div', {}, h('strong', {}, x.item.name),
        h('p', { class: 'sub' }, [x.item.tax_code ? `${t('taxCode')} ${x.item.tax_code}` : '', x.item.address || x.item.province_name].filter(Boolean).join(' · '))),
      h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('choose')}: ${x.item.name}`, onclick: () => choose(x.item) }, t('choose')))));
  } catch (err) {
    if (isAbort(err)) return;
    status.textContent = '';
    fill(list, h('li', { class: 'error', role: 'alert' }, err.message));
  }
}

function choose(org) {
  const { id, name, tax_code, address, province_name } = org;
  draft.trader = { id, name, tax_code, address, province_name };
  shown = null;
  compliance = null;
  if (!draft.place) draft.place = address || '';
  $('trader-status').textContent = t('chosen', name);
  save();
  paint();
  loadCompliance();
  $('item-model').focus();
}

function renderTrader() {
  const tr = draft.trader;
  const el = $('trader');
  $('trader-pick').hidden = !!tr;
  if (!tr) { fill(el); return; }
  fill(el, h('div', { class: 'chosen' },
    h('div', {}, h('strong', { id: 'trader-name' }, tr.name),
      h('p', { class: 'sub' }, [tr.tax_code ? `${t('taxCode')} ${tr.tax_code}` : '', tr.address || tr.province_name].filter(Boolean).join(' · '))),
    h('button', { type: 'button', class: 'link', onclick: () => {
      draft.trader = null; compliance = null; shown = null; draft.place = '';
      save(); paint(); $('trader-q').focus();
    } }, t('change'))));
}

// ---- the items and photos ------------------------------------------------------

async function verify() {
  if (await verifyPending(draft.items, draft.date)) { save(); renderItemsNow(); }
}

function renderItemsNow() {
  queueMicrotask(() => { if (draft.photos.length) renderPhotos(); });
  renderItems(draft.items, {
    at: () => draft.date,
    onChange: async (it, files) => {
      if (files?.length) await addPhotoFiles(files, it.id);
      if (!it.pick) draft.photos = draft.photos.filter((p) => p.item !== it.id);
      save();
      renderItemsNow();
    },
    onRemove: (it) => { draft.items = draft.items.filter((x) => x !== it); draft.photos = draft.photos.filter((p) => p.item !== it.id); save(); renderItemsNow(); $('item-model').focus(); },
  });
}

async function addItem(e) {
  e.preventDefault();
  const errBox = $('items-error');
  const model = $('item-model').value.trim();
  if (!model) { showError(errBox, { message: t('needModel') }); $('item-model').focus(); return; }
  showError(errBox, null);
  const qty = Math.max(1, parseInt($('item-qty').value, 10) || 1);
  // The digits under a box's barcode, typed when the scan will not read
  // (a dim shop): a GTIN with a good check digit is asked as one.
  const gtin = /^\d{8,14}$/.test(model) ? (await import('./scan.js')).meaning(model).gtin || '' : '';
  const it = { id: newID(), model: gtin ? '' : model, brand: '', gtin, firmware: $('item-fw').value.trim(), quantity: qty, v: null, err: null, pick: null };
  draft.items.push(it);
  $('item-model').value = '';
  $('item-fw').value = '';
  $('item-qty').value = '1';
  $('item-model').focus();
  shown = null;
  renderOutcome();
  save();
  renderItemsNow();
  if (navigator.onLine === false) { $('items-status').textContent = t('itemAddedOffline', model); $('items-status').dataset.offline = '1'; return; }
  await verify();
  if (it.v) $('items-status').textContent = t('itemAdded', it.model || it.gtin, t('v_' + it.v.verdict));
}

// Photos are shrunk on the phone (photos.js, loaded when first needed).
// A photo belongs to the visit, or to an item (the label of one recorded
// as not in the registry).
async function addPhotos(e) {
  const files = [...e.target.files];
  e.target.value = '';
  await addPhotoFiles(files, null);
  save();
  renderPhotos();
}

async function addPhotoFiles(files, item) {
  const { shrink } = await import('./photos.js');
  for (const f of files) {
    try {
      draft.photos.push({ id: newID(), blob: await shrink(f), name: f.name, item });
    } catch {
      showError($('items-error'), { message: t('photoBad', f.name) });
    }
  }
}

async function renderPhotos() {
  if (!draft.photos.length) { fill($('photos')); return; } // photos.js stays unloaded
  const { photoList } = await import('./photos.js');
  const remove = (p) => { draft.photos = draft.photos.filter((x) => x !== p); save(); renderPhotos(); };
  fill($('photos'), photoList(draft.photos.filter((p) => !p.item), remove));
  for (const el of document.querySelectorAll('#items .item-photos')) fill(el, photoList(draft.photos.filter((p) => p.item === el.dataset.item), remove));
}

// scan opens the scanner (loaded on first use) and adds what it reads: a
// GTIN or a camreg e-label as an item, anything else into the text box.
async function scan() {
  const m = await import('./scan.js');
  m.open(async (text) => {
    const what = m.meaning(text);
    if (what.text !== undefined) {
      $('item-model').value = what.text;
      $('items-status').textContent = t('scanTyped', what.text);
      $('item-model').focus();
      return;
    }
    let v = null;
    try { v = await m.lookUp(what, draft.date); } catch (err) { if (err.kind === 'http') showError($('items-error'), err); }
    const found = v?.model && v.match === 'exact' ? v.model : null;
    addScanned({ model: found?.model_number || what.key || '', brand: found?.brand || '', gtin: what.gtin || '', v: found ? v : null });
  });
}

// ---- submitting: into the outbox ------------------------------------------------

async function submit() {
  const errBox = $('submit-error');
  draft.date = $('insp-date').value;
  draft.place = $('insp-place').value;
  draft.notes = $('insp-notes').value;
  if (!draft.trader) { showError(errBox, { message: t('noTrader') }); $('trader-q').focus(); return; }
  if (!draft.items.length) { showError(errBox, { message: t('noItems') }); $('item-model').focus(); return; }
  const open = draft.items.filter((it) => needsPick(it));
  if (open.length) { showError(errBox, { message: t('picksMissing', open.length) }); $('items').querySelector('.picker button')?.focus(); return; }
  showError(errBox, null);
  const d = draft;
  // Steps after the create: the photos, then the settlement of each item
  // recorded as not in the registry with photos of its label.
  const steps = [];
  for (const p of d.photos) steps.push({ n: steps.length + 1, kind: 'photo', blob: p.blob, name: p.name, item: p.item });
  const withPhotos = (it) => d.photos.some((p) => p.item === it.id);
  d.items.forEach((it, i) => {
    if (it.pick?.not_in_registry && withPhotos(it)) {
      steps.push({ n: steps.length + 1, kind: 'resolve', index: i, item: it.id, body: { not_in_registry: true, label_text: it.pick.label_text } });
    }
  });
  const entry = {
    id: d.id, key: newID(), draft: { ...d, items: d.items.map((it) => ({ ...it, err: null })) }, steps,
    trader: d.trader,
    body: {
      trader_org_id: d.trader.id,
      inspected_on: d.date || undefined,
      place: d.place.trim() || undefined,
      notes: d.notes.trim() || undefined,
      items: d.items.map((it) => bodyItem(it, withPhotos(it))),
    },
  };
  // The draft is emptied for the next shop (the trader's compliance stays
  // in view); the entry keeps a copy, to give back if the server refuses it.
  draft = blank({ date: d.date });
  $('items-status').textContent = ''; // about the items just sent
  $('trader-q').value = '';
  $('trader-status').textContent = '';
  fill($('trader-results'));
  shown = entry.id;
  await flush();
  paint();
  await box.enqueue(entry);
}

async function onOutbox(e) {
  renderOutbox();
  const full = e.state ? e : await box.list().then((l) => l.find((x) => x.id === e.id));
  if (!full || full.id !== shown) return;
  if (full.state === 'sent') {
    renderOutcome(full);
    $('result-h')?.focus();
    loadCompliance(full.trader);
  } else if (full.state === 'failed') {
    // Refused: the visit comes back to the form, with the reason, when the
    // form holds nothing newer.
    showError($('submit-error'), { message: full.error.split('\n')[0], details: full.error.split('\n').slice(1) });
    if (!hasWork(draft)) {
      draft = { ...full.draft, id: newID() };
      await box.forget(full.id);
      shown = null;
      await flush();
      paint();
    }
  }
}

async function renderOutbox() {
  const list = await box.list();
  entries = list;
  const btn = $('submit-insp');
  const busy = list.some((e) => e.id === shown && (e.state === 'queued' || e.state === 'sending'));
  btn.disabled = busy;
  btn.textContent = busy ? t('submitting') : t('submit');
  // Unsent entries, and those sent in the last 12 hours (the five newest).
  const recent = (e) => e.state === 'sent' && Date.now() - (e.sentAt || 0) < 12 * 3600 * 1000;
  const unsent = [...list.filter((e) => e.state !== 'sent'), ...list.filter(recent).slice(0, 5)];
  fill($('outbox'), unsent.length ? [h('h3', {}, t('outbox')), h('ul', { class: 'plain outbox' }, unsent.map((e) => h('li', { class: 'ob', dataset: { state: e.state } },
    h('span', { class: `state s-${e.state}` }, t('ob_' + e.state)), ' ',
    e.kind === 'action' ? [h('strong', {}, e.label), ' ', h('a', { href: '#inspection/' + e.inspection }, t('openRecord'))]
      : [h('strong', {}, e.trader?.name || ''), ' ', h('span', { class: 'sub' }, t('nItems', e.body.items.length))],
    e.kind !== 'action' && e.state === 'sent' && e.result ? [' ', h('a', { href: '#inspection/' + e.result.id }, e.result.number || t('openRecord'))] : null,
    e.error && e.state !== 'sent' ? h('p', { class: 'sub' }, e.error.split('\n')[0]) : null,
    e.state === 'queued' ? h('button', { type: 'button', class: 'link', onclick: () => box.pump() }, t('sendNow')) : null,
    e.state === 'failed' || e.state === 'sent' ? h('button', { type: 'button', class: 'link', onclick: () => box.forget(e.id) }, t('forget')) : null)))] : []);
  paintDraftState();
}

// findingList shows each finding in a line, its evidence folded away:
// on a phone, a few findings must not push the rest off the screen.
export function findingList(fs) {
  return h('ul', { class: 'findings' }, fs.map((f) => {
    const ev = (f.evidence || []).filter((r) => r.effect !== 'info');
    return h('li', { class: 'finding', dataset: { violation: f.violation } },
      h('strong', {}, code('f_', f.violation)), ' — ', [f.brand, f.model].filter(Boolean).join(' '),
      h('span', { class: 'sub' }, ` (${code('s_', f.status)}${f.observed_on ? ', ' + day(f.observed_on) : ''})`),
      ev.length ? h('details', {}, h('summary', {}, t('evidence')), reasons(ev)) : null);
  }));
}

function renderOutcome(entry) {
  const el = $('insp-result');
  const result = entry?.result;
  if (!result) { fill(el); return; }
  const fs = result.findings || [];
  fill(el, h('div', { class: fs.length ? 'outcome bad' : 'outcome ok' },
    h('h3', { id: 'result-h', tabindex: '-1' }, t('submitted', fs.length)),
    result.number ? h('p', {}, h('a', { href: '#inspection/' + result.id, class: 'record-link' }, t('recordOf', result.number))) : h('p', {}, h('a', { href: '#inspection/' + result.id, class: 'record-link' }, t('openRecord'))),
    fs.length ? findingList(fs) : null,
    h('ul', { class: 'plain' }, result.items.map((it) => h('li', { class: 'vline' }, it.resolution === 'needs_confirmation' ? h('span', { class: 'badge b-pending' }, t('needsPick')) : badge(it.verdict), ' ', it.model,
      it.quantity > 1 ? ` × ${it.quantity}` : '')))));
}

// ---- the trader's compliance ------------------------------------------------

// compliance is of the trader in the draft, or of the one just sent.
async function loadCompliance(tr = draft.trader) {
  if (!tr || navigator.onLine === false) return;
  try {
    const c = await api(`/v1/organizations/${encodeURIComponent(tr.id)}/compliance`);
    if (draft.trader && draft.trader.id !== tr.id) return;
    compliance = c;
  } catch (err) {
    compliance = { error: err };
  }
  renderCompliance();
}

const ORDER = ['non_compliant', 'warning', 'unknown', 'compliant'];

function renderCompliance() {
  const card = $('compliance-card'), el = $('compliance');
  card.hidden = !compliance;
  if (card.hidden) { fill(el); return; }
  if (compliance.error) { fill(el, h('p', { class: 'error' }, compliance.error.message)); return; }
  const c = compliance;
  fill(el,
    h('p', {}, h('strong', {}, c.organization.name), ' — ', t('complianceOn', day(c.on))),
    h('ul', { class: 'counts' }, ORDER.filter((v) => c.counts?.[v]).map((v) => h('li', {}, badge(v), ` ${c.counts[v]}`))),
    h('h3', {}, t('listings')),
    c.listings.length ? h('ul', { class: 'plain' }, c.listings.map((l) => h('li', { class: 'vline' }, badge(l.verdict), ' ', `${l.brand} ${l.model_number}`)))
      : h('p', {}, t('noListings')),
    h('h3', {}, t('openFindings')),
    c.open_findings.length ? findingList(c.open_findings) : h('p', {}, t('noFindings')));
}

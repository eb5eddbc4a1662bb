// Past inspections and each inspection's own page (#inspection/<id>): the
// record (biên bản) with its number, the trader, the items and their
// verdicts, the findings; a share link, the PDF, printing (the print
// stylesheet prints the record, not the app), the picker for items left
// needing confirmation, and the findings workflow: a manual finding with
// photos, and confirm / dismiss / resolve with a reason.

import { api, key, qs, ApiError } from './api.js';
import { t, code, day, when } from './i18n.js';
import { h, fill, badge, reasons, modelName, showError } from './render.js';
import { shrink, photoList } from './photos.js';
import { newID, enqueueAction, list as outboxList, onChange as onOutbox, records as kept, ownerOf } from './outbox.js';
import { picker } from './items.js';

const $ = (id) => document.getElementById(id);
const orgs = new Map();

// offline is true when err means the network, not the server, said no:
// the change then goes to the outbox, to be sent when the network returns.
const offline = (err) => navigator.onLine === false || (err instanceof ApiError && err.kind !== 'http');

async function queued(action) {
  await enqueueAction({ inspection: current.insp.id, ...action });
  $('record-msg').textContent = t('queuedOffline');
}

// The record's changes waiting in the outbox, with their state; when one
// is sent, the record is read again.
onOutbox(async (e) => {
  if (!current) return;
  if (e.kind === 'action' && (e.state === 'sent' || e.state === 'failed') && e.inspection === current.insp.id) { await showRecord(current.insp.id); return; }
  paintPending();
});
async function paintPending() {
  const el = $('record-outbox');
  if (!el || !current) return;
  const mine = (await outboxList()).filter((e) => e.kind === 'action' && e.inspection === current.insp.id && e.state !== 'sent');
  fill(el, mine.length ? h('ul', { class: 'plain outbox' }, mine.map((e) => h('li', { class: 'ob', dataset: { state: e.state } },
    h('span', { class: `state s-${e.state}` }, t('ob_' + e.state)), ' ', e.label, e.error ? h('p', { class: 'sub' }, e.error.split('\n')[0]) : null))) : null);
}

/** An organization's name, fetched once (again when it failed). */
async function org(id) {
  if (!id) return null;
  if (!orgs.has(id)) orgs.set(id, api('/v1/organizations/' + encodeURIComponent(id)).catch(() => { orgs.delete(id); return null; }));
  return orgs.get(id);
}

// ---- copies kept on the device, for reading with no network ------------------

/** The owner of the key in the tab (records are filed under it). */
const me = () => ownerOf(key.get());


// keep stores the record on the screen, so that it opens offline later.
async function keep() {
  if (!current || current.offlineAt) return;
  const { insp, findings, tr, office, photos } = current;
  try { await kept.put(await me(), { insp, findings, tr, office, photos }); } catch { /* a full or private-mode store: the page still works */ }
}

// photoBlob reads a private photo: from the device when it was kept (a
// photo never changes), else from the server with the key, keeping it.
async function photoBlob(id) {
  const o = await me();
  const hit = await kept.photo(o, id).catch(() => null);
  if (hit?.blob) return hit.blob;
  const blob = await fetchBlob('/v1/photos/' + encodeURIComponent(id));
  kept.putPhoto(o, id, blob).catch(() => {});
  return blob;
}

// ---- the list ----------------------------------------------------------------

let listCursor = '';

/** Shows the list of past inspections with the filters in the form. */
export async function showList(more = false) {
  initList();
  const f = $('past-form');
  const p = { from: f.from.value, to: f.to.value, province: f.province.value, number: f.number.value, status: f.status.value, limit: 20, cursor: more ? listCursor : '' };
  const list = $('past'), status = $('past-status');
  status.textContent = t('searching');
  const row = (i, tr, savedAt) => h('li', { class: 'card past-row', dataset: { id: i.id } },
    h('a', { href: '#inspection/' + i.id }, i.number || i.id.slice(0, 8)), ' · ', day(i.inspected_on),
    h('p', {}, h('strong', {}, tr?.name || i.trader_org_id)),
    h('p', { class: 'sub' }, [i.place, t('nItems', i.items.length), i.status ? t('st_' + i.status) : ''].filter(Boolean).join(' · ')),
    savedAt ? h('p', { class: 'offline-copy' }, t('offlineCopy', when(savedAt))) : null);
  try {
    const res = await api('/v1/inspections' + qs(p));
    listCursor = res.next_cursor || '';
    const rows = await Promise.all(res.items.map(async (i) => row(i, await org(i.trader_org_id))));
    if (more) $('past').append(...rows); else fill(list, rows);
    status.textContent = more ? '' : t('nResults', res.items.length);
    $('past-more').hidden = !listCursor;
  } catch (err) {
    // With no network, the records kept on the device, filtered here.
    const copies = offline(err) && !more ? await keptList(p).catch(() => null) : null;
    if (copies) {
      $('past-more').hidden = true;
      status.textContent = t('offlineList', copies.length);
      fill(list, copies.length ? copies.map((r) => row(r.insp, r.tr, r.savedAt)) : h('li', {}, t('noOfflineCopies')));
      return;
    }
    status.textContent = '';
    fill(list, h('li', { class: 'error', role: 'alert' }, err.message));
  }
}

// keptList is the owner's kept records that pass the list's filters,
// the newest visit first.
async function keptList(p) {
  const num = p.number.trim().toLowerCase();
  return (await kept.all(await me())).filter(({ insp: i }) => (!p.from || i.inspected_on >= p.from) && (!p.to || i.inspected_on <= p.to) &&
    (!p.status || i.status === p.status) && (!num || (i.number || '').toLowerCase().includes(num)) &&
    (!p.province || [i.province_code, i.province_name].some((x) => (x || '').toLowerCase().includes(p.province.trim().toLowerCase()))))
    .sort((a, b) => (b.insp.inspected_on || '').localeCompare(a.insp.inspected_on || '') || b.savedAt - a.savedAt);
}

let ready = false;
function initList() {
  if (ready) return;
  ready = true;
  $('past-form').addEventListener('submit', (e) => { e.preventDefault(); showList(); });
  $('past-more').addEventListener('click', () => showList(true));
}

// ---- one inspection ----------------------------------------------------------

let current = null;

/** Shows inspection id. */
export async function showRecord(id) {
  const el = $('record');
  fill(el, h('p', { class: 'status' }, t('searching')));
  try {
    const [insp, fs, ph] = await Promise.all([
      api('/v1/inspections/' + encodeURIComponent(id)),
      api('/v1/findings' + qs({ inspection: id, limit: 500 })),
      api(`/v1/inspections/${encodeURIComponent(id)}/photos`),
    ]);
    const [tr, office] = await Promise.all([org(insp.trader_org_id), org(insp.office_org_id)]);
    current = { insp, findings: fs.items, tr, office, photos: ph.items };
    render();
    paintPending();
    keep();
  } catch (err) {
    if (!offline(err)) {
      current = null;
      fill(el, h('div', { class: 'error', role: 'alert' }, err.message));
      return;
    }
    // No network: the copy kept on the device when the record was last
    // seen or sent, marked as such; changes made on it go to the outbox.
    const copy = await kept.get(await me(), id).catch(() => null);
    if (copy) {
      current = { insp: copy.insp, findings: copy.findings || [], tr: copy.tr, office: copy.office, photos: copy.photos || [], offlineAt: copy.savedAt };
      render();
      paintPending();
      return;
    }
    // The record on the screen stays, and says why it is not fresh.
    if (current?.insp.id === id) { $('record-msg').textContent = err.message; return; }
    current = null;
    fill(el, h('div', { class: 'error', role: 'alert' }, err.message, h('p', {}, t('noOfflineCopy'))));
  }
}

const shareURL = (id) => new URL('/#inspection/' + id, location.href).href;

function render() {
  const { insp, findings, tr, office, offlineAt } = current;
  const title = insp.number ? t('recordOf', insp.number) : t('recordTitle');
  fill($('record'),
    h('article', { class: 'card record', 'aria-labelledby': 'record-h' },
      h('p', { class: 'print-only' }, office?.name || ''),
      h('h1', { id: 'record-h', tabindex: '-1' }, title),
      offlineAt ? h('p', { class: 'offline-copy', id: 'offline-copy' }, t('offlineCopy', when(offlineAt))) : null,
      h('dl', { class: 'facts' }, [
        [t('inspDate'), day(insp.inspected_on)], [t('inspPlace'), insp.place], [t('office'), office?.name],
        [t('trader'), tr?.name], [t('taxCode'), tr?.tax_code], [t('address'), tr?.address], [t('inspNotes'), insp.notes],
      ].filter(([, v]) => v).map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
      h('div', { class: 'actions no-print' },
        h('button', { type: 'button', class: 'secondary', id: 'record-print', onclick: () => window.print() }, t('print')),
        h('button', { type: 'button', class: 'secondary', id: 'record-pdf', onclick: pdf }, t('pdf')),
        h('button', { type: 'button', class: 'secondary', id: 'record-share', onclick: share }, t('share'))),
      h('p', { class: 'share no-print' }, h('label', { for: 'share-url' }, t('shareLink')),
        h('input', { id: 'share-url', type: 'url', readonly: true, value: shareURL(insp.id) })),
      h('p', { id: 'record-msg', class: 'status no-print', role: 'status', 'aria-live': 'polite' }),
      h('div', { id: 'record-outbox', class: 'no-print' }),
      h('h2', {}, t('itemsStep')),
      h('ol', { class: 'items' }, insp.items.map(itemRow)),
      visitPhotos(insp),
      h('h2', {}, t('findingsTitle')),
      findings.length ? h('ul', { class: 'plain findings-full' }, findings.map(findingRow)) : h('p', {}, t('noFindings')),
      manualForm(insp),
      h('div', { class: 'signatures print-only' },
        h('div', {}, h('p', {}, t('signTrader')), h('p', { class: 'sign-line' }, t('signHint'))),
        h('div', {}, h('p', {}, t('signInspector')), h('p', { class: 'sign-line' }, t('signHint'))))));
}

function itemRow(it) {
  const pending = it.resolution === 'needs_confirmation';
  return h('li', { class: 'item', dataset: { resolution: it.resolution || it.match, position: it.position } },
    h('div', { class: 'vline' }, pending ? h('span', { class: 'badge b-pending' }, t('needsPick')) : badge(it.verdict), ' ',
      h('strong', {}, [it.brand, it.model].filter(Boolean).join(' ')), it.quantity > 1 ? ` × ${it.quantity}` : '',
      it.firmware ? h('span', { class: 'sub' }, t('firmware', it.firmware)) : null),
    it.resolution === 'not_in_registry' ? h('p', { class: 'sub' }, t('pickedNone', it.label_text || it.model)) : null,
    it.reasons?.length ? h('details', {}, h('summary', {}, t('reasonsAndEvidence')), reasons(it.reasons)) : null,
    pending ? h('div', { class: 'no-print' }, picker({
      candidates: it.candidates || [],
      label: it.model,
      onPick: (p, files) => resolveItem(it, p, files),
    })) : null);
}

async function resolveItem(it, p, files = []) {
  const msg = $('record-msg');
  const body = p.not_in_registry ? { not_in_registry: true, label_text: p.label_text } : { camera_model_id: p.camera_model_id };
  const base = `/v1/inspections/${encodeURIComponent(current.insp.id)}`;
  const key = newID();
  const blobs = p.not_in_registry ? (await Promise.all(files.map((f) => shrink(f)))).map((blob, i) => ({ blob, key: `${key}.${i + 1}` })) : [];
  const uploaded = [];
  try {
    while (blobs.length) { uploaded.push((await api(base + '/photos', { method: 'POST', raw: blobs[0].blob, headers: { 'Idempotency-Key': blobs[0].key } })).id); blobs.shift(); }
    if (uploaded.length) body.photo_ids = uploaded;
    await api(`${base}/items/${it.position}/resolve`, { method: 'POST', body, headers: { 'Idempotency-Key': key } });
    await showRecord(current.insp.id);
    $('record-msg').textContent = t('resolved');
  } catch (err) {
    if (!offline(err)) { msg.textContent = err.message; return; }
    // The same key: if the settlement got through and only its answer was
    // lost, the outbox's try is replayed, not refused.
    // The body byte for byte as sent (no empty photo_ids added): another
    // body under the same key would be refused as a reused key.
    await queued({ label: t('act_resolve', it.model), method: 'POST', path: `${base}/items/${it.position}/resolve`, key,
      body: uploaded.length ? { ...body, photo_ids: uploaded } : body, photos: blobs, photoPath: base + '/photos', photoField: 'photo_ids' });
  }
}

// The moves a finding's status allows, and the label of each.
const MOVES = { open: ['confirmed', 'dismissed'], confirmed: ['resolved', 'dismissed'] };

function findingRow(f) {
  const ev = (f.evidence || []).filter((r) => r.effect !== 'info');
  const form = h('form', { class: 'move no-print', hidden: true, novalidate: true });
  const li = h('li', { class: 'finding card', dataset: { violation: f.violation, status: f.status, id: f.id } },
    h('p', {}, h('strong', {}, code('f_', f.violation)), ' — ', [f.brand, f.model].filter(Boolean).join(' ') || f.notes,
      h('span', { class: 'sub' }, ` (${code('s_', f.status)}${f.status_reason ? ': ' + f.status_reason : ''})`)),
    f.notes && (f.brand || f.model) ? h('p', { class: 'sub' }, f.notes) : null,
    ev.length ? h('details', {}, h('summary', {}, t('evidence')), reasons(ev)) : null,
    h('div', { class: 'photos-of', dataset: { finding: f.id } }),
    addPhotoTo(f),
    (MOVES[f.status] || []).length ? h('div', { class: 'vline no-print' }, MOVES[f.status].map((to) =>
      h('button', { type: 'button', class: 'secondary', dataset: { to }, onclick: () => openMove(form, f, to) }, t('to_' + to)))) : null,
    form);
  loadPhotos((current.photos || []).filter((p) => p.finding_id === f.id).map((p) => p.id), li.querySelector('.photos-of'));
  return li;
}

// addPhotoTo is a button that adds photos (shrunk on the phone) to a finding.
function addPhotoTo(f) {
  const id = `fp-${f.id}`;
  const input = h('input', { id, type: 'file', accept: 'image/*', capture: 'environment', class: 'sr-only' });
  input.addEventListener('change', () => addPhotos(input, `/v1/findings/${encodeURIComponent(f.id)}/photos`));
  return h('p', { class: 'no-print' }, input, h('label', { for: id, class: 'link-like' }, t('addPhoto')));
}

function openMove(form, f, to) {
  const id = `move-${f.id}`;
  const note = h('textarea', { id, rows: 2, maxlength: 2000, required: true });
  const err = h('div', { class: 'error', role: 'alert', hidden: true });
  fill(form, h('label', { for: id }, t('moveReason', t('to_' + to))), note, err,
    h('button', { type: 'submit', class: 'primary' }, t('save')));
  form.hidden = false;
  // One Idempotency-Key per change, kept while the same change is sent
  // again (a tap on Save after a lost answer, or the outbox): the server
  // replays the first answer, and the move shows as done.
  let sent = null;
  form.onsubmit = async (e) => {
    e.preventDefault();
    if (!note.value.trim()) { showError(err, { message: t('needReason') }); note.focus(); return; }
    const path = '/v1/findings/' + encodeURIComponent(f.id), body = { status: to, note: note.value.trim() };
    if (sent?.note !== body.note) sent = { note: body.note, key: newID() };
    // If-Match: the move is of the finding as shown. Made offline and
    // sent later, it is refused (412) if someone moved it meanwhile, and
    // the outbox says so, instead of overwriting their move unseen.
    const ifMatch = f.version ? `"${f.version}"` : '';
    try {
      await api(path, { method: 'PATCH', body, headers: { 'Idempotency-Key': sent.key, ...(ifMatch ? { 'If-Match': ifMatch } : {}) } });
      await showRecord(current.insp.id);
      $('record-msg').textContent = t('moved', t('s_' + to));
    } catch (ex) {
      if (!offline(ex)) { showError(err, ex); return; }
      form.hidden = true;
      await queued({ label: t('act_move', code('f_', f.violation), t('to_' + to)), method: 'PATCH', path, body, key: sent.key, ifMatch });
    }
  };
  note.focus();
}

// Photos are private: the inspection's list names them (with the finding
// each belongs to, none for the visit as a whole); each is read with the
// key, or from the device, and shown from its blob. One that cannot be
// read now (offline, never kept) is said so.
async function loadPhotos(ids, el) {
  if (!ids.length) return;
  const blobs = await Promise.all(ids.map((pid) => photoBlob(pid).catch(() => null)));
  const shown = blobs.map((blob, i) => ({ id: ids[i], blob })).filter((p) => p.blob);
  fill(el, photoList(shown), shown.length < ids.length ? h('p', { class: 'sub' }, t('photosNeedNetwork', ids.length - shown.length)) : null);
}

// visitPhotos lists the photos of the visit as a whole, and adds more.
function visitPhotos(insp) {
  const ids = (current.photos || []).filter((p) => !p.finding_id).map((p) => p.id);
  const el = h('div', { class: 'photos-of', id: 'visit-photos' });
  loadPhotos(ids, el);
  const input = h('input', { id: 'vp-add', type: 'file', accept: 'image/*', capture: 'environment', multiple: true, class: 'sr-only' });
  input.addEventListener('change', () => addPhotos(input, `/v1/inspections/${encodeURIComponent(insp.id)}/photos`));
  return h('section', { class: 'visit-photos', 'aria-labelledby': 'vp-h' }, h('h2', { id: 'vp-h' }, t('visitPhotos')),
    ids.length ? null : h('p', { class: 'sub' }, t('noVisitPhotos')), el,
    h('p', { class: 'no-print' }, input, h('label', { for: 'vp-add', class: 'link-like' }, t('addPhoto'))));
}

// addPhotos sends the photos chosen in input to path (each with its own
// Idempotency-Key, kept if it must wait in the outbox).
async function addPhotos(input, path) {
  const msg = $('record-msg');
  const files = [...input.files];
  input.value = '';
  const todo = [];
  for (const f of files) {
    try { todo.push({ blob: await shrink(f), key: newID() }); } catch { msg.textContent = t('photoBad', f.name); }
  }
  try {
    while (todo.length) {
      await api(path, { method: 'POST', raw: todo[0].blob, headers: { 'Idempotency-Key': todo[0].key } });
      todo.shift();
    }
    await showRecord(current.insp.id);
    $('record-msg').textContent = t('photoAdded');
  } catch (err) {
    if (!offline(err)) { msg.textContent = err.message; return; }
    await queued({ label: t('act_photos', todo.length), method: 'POST', path: '', photos: todo, photoPath: path });
  }
}

async function fetchBlob(path) {
  const res = await fetch(path, { headers: { Authorization: 'Bearer ' + key.get() }, cache: 'no-store' });
  if (!res.ok) throw new Error(String(res.status));
  return res.blob();
}

const VIOLATIONS = ['no_vietnamese_label', 'tampered_label', 'missing_label', 'label_mismatch', 'no_conformity_certificate', 'certificate_expired', 'certificate_revoked',
  'warned_model', 'banned_model', 'no_origin_proof', 'unregistered_model', 'other'];

function manualForm(insp) {
  const photos = [];
  const err = h('div', { class: 'error', role: 'alert', hidden: true });
  const sel = h('select', { id: 'mf-violation', required: true }, VIOLATIONS.map((v) => h('option', { value: v }, code('f_', v))));
  const item = h('select', { id: 'mf-item' }, h('option', { value: '' }, t('noItem')),
    insp.items.map((it) => h('option', { value: it.position }, `${it.position + 1}. ${[it.brand, it.model].filter(Boolean).join(' ')}`)));
  const note = h('textarea', { id: 'mf-note', rows: 2, maxlength: 2000 });
  const list = h('div', {});
  const paintPhotos = () => fill(list, photoList(photos, (p) => { photos.splice(photos.indexOf(p), 1); paintPhotos(); }));
  const file = h('input', { id: 'mf-photo', type: 'file', accept: 'image/*', capture: 'environment', multiple: true });
  file.addEventListener('change', async () => {
    for (const f of file.files) {
      try { photos.push({ id: newID(), blob: await shrink(f) }); } catch { showError(err, { message: t('photoBad', f.name) }); }
    }
    file.value = '';
    paintPhotos();
  });
  const form = h('form', { class: 'card manual no-print', id: 'manual-form', novalidate: true },
    h('h2', {}, t('manualTitle')),
    h('label', { for: 'mf-violation' }, t('violation')), sel,
    h('label', { for: 'mf-item' }, t('item')), item,
    h('label', { for: 'mf-note' }, t('manualNote')), note,
    h('label', { for: 'mf-photo' }, t('photo')), file, list, err,
    h('button', { type: 'submit', class: 'primary' }, t('manualAdd')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (sel.value === 'other' && !note.value.trim()) { showError(err, { message: t('needOtherText') }); note.focus(); return; }
    showError(err, null);
    const body = { violation: sel.value };
    if (item.value !== '') body.item_position = Number(item.value);
    if (note.value.trim()) body.notes = note.value.trim();
    // One Idempotency-Key per finding, kept until it is recorded: sending
    // again after a lost answer records it once.
    form.dataset.key ||= newID();
    const base = `/v1/inspections/${encodeURIComponent(insp.id)}`;
    try {
      // The photos first (each once), then the finding that names them.
      for (const p of photos) p.serverID ||= (await api(base + '/photos', { method: 'POST', raw: p.blob, headers: { 'Idempotency-Key': `${form.dataset.key}.${p.id}` } })).id;
      if (photos.length) body.photo_ids = photos.map((p) => p.serverID);
      await api(base + '/findings', { method: 'POST', body, headers: { 'Idempotency-Key': form.dataset.key } });
      await showRecord(insp.id);
      $('record-msg').textContent = t('manualAdded');
    } catch (ex) {
      if (!offline(ex)) { showError(err, ex); return; }
      const sentIDs = photos.filter((p) => p.serverID).map((p) => p.serverID);
      await queued({ label: t('act_manual', code('f_', sel.value)), method: 'POST', path: base + '/findings', key: form.dataset.key,
        body: sentIDs.length ? { ...body, photo_ids: sentIDs } : body, // as sent, for the key's replay
        photos: photos.filter((p) => !p.serverID).map((p) => ({ blob: p.blob, key: `${form.dataset.key}.${p.id}` })), photoPath: base + '/photos', photoField: 'photo_ids' });
      delete form.dataset.key;
      note.value = '';
      photos.length = 0;
      paintPhotos();
    }
  });
  return form;
}

async function pdf() {
  const msg = $('record-msg');
  if (navigator.onLine === false) { msg.textContent = t('pdfNeedsNetwork'); return; }
  msg.textContent = t('searching');
  try {
    const blob = await fetchBlob(`/v1/inspections/${encodeURIComponent(current.insp.id)}/record.pdf`);
    const a = h('a', { href: URL.createObjectURL(blob), download: (current.insp.number || 'bien-ban') + '.pdf' });
    document.body.append(a);
    a.click();
    a.remove();
    msg.textContent = t('pdfReady');
  } catch (err) {
    msg.textContent = err instanceof TypeError || navigator.onLine === false ? t('pdfNeedsNetwork') : t('pdfFailed', err.message);
  }
}

async function share() {
  const url = shareURL(current.insp.id);
  try {
    if (navigator.share) await navigator.share({ title: document.title, url });
    else { await navigator.clipboard.writeText(url); $('record-msg').textContent = t('copied'); }
  } catch {
    $('share-url').select();
  }
}

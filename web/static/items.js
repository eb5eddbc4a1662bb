// The items of a draft inspection: each one verified when it is added (or,
// when it was added offline, as soon as the network returns), and each
// near match held back until the inspector picks a candidate or records it
// as not in the registry, with the text as printed on the label. An item
// is never turned into a finding on a guess: the server is sent only the
// inspector's pick.

import { api, qs } from './api.js';
import { t, when } from './i18n.js';
import { h, fill, badge, reasons, modelName } from './render.js';

const $ = (id) => document.getElementById(id);

/** An item needs the inspector's pick: verify found only near matches. */
export const needsPick = (it) => !!it.v && (it.v.match === 'possible' || it.v.match === 'ambiguous') && !it.pick;

// A verdict is out of date an hour after it was checked: a draft kept
// on the phone overnight is checked again before it is trusted.
export const STALE_MS = 60 * 60 * 1000;
const stale = (it) => !!it.v && !(Date.now() - (it.checkedAt || 0) < STALE_MS);

/** The candidates of a near match: those listed, else the one model found. */
export const candidatesOf = (v) => (v?.candidates?.length ? v.candidates : v?.model ? [v.model] : []);

// query is what verify is asked about an item: its GTIN when it was
// scanned, else the text and brand read off the label.
function query(it, at) {
  if (it.gtin && !it.model) return { gtin: it.gtin, firmware: it.firmware, at };
  return { model: it.model, brand: it.brand || undefined, firmware: it.firmware, at };
}

/**
 * Verifies the items that have no verdict yet, in one bulk request, as of
 * date at. Offline, they wait (and say so). Returns true when it asked.
 */
export async function verifyPending(items, at) {
  // A pick made offline is verified too: until then it has no verdict.
  const todo = items.filter((it) => !it.v || stale(it) || (it.pick?.camera_model_id && !it.pv));
  if (!todo.length || navigator.onLine === false) return false;
  try {
    const res = await api('/v1/verify', { method: 'POST', body: { items: todo.map((it) => query(it, at)) } });
    const now = Date.now();
    todo.forEach((it, i) => { it.v = res.items[i]; it.err = null; it.checkedAt = now; });
  } catch (err) {
    // A network error leaves them waiting; anything else is said on each.
    if (err.kind === 'http') for (const it of todo) it.err = { message: err.message };
  }
  for (const it of todo) if (it.v && it.pick?.camera_model_id) await verifyPick(it, at);
  await Promise.all(todo.filter((it) => it.v?.match === 'none' && it.model).map(suggest));
  return true;
}

// suggest asks search, as the lookup does, for the models a label that
// verify did not match could be ("hik 1023"): the inspector may pick one.
async function suggest(it) {
  try {
    const res = await api('/v1/search' + qs({ q: it.model, type: 'model', limit: 5 }));
    it.suggest = res.items.filter((x) => x.type === 'model').map((x) => ({ id: x.id, brand: x.item.brand, model_number: x.item.model_number }));
  } catch {
    it.suggest = [];
  }
}

/** Verifies the model the inspector picked for an item. */
export async function verifyPick(it, at) {
  const p = it.pick;
  if (!p?.camera_model_id) { it.pv = null; return; }
  try {
    it.pv = await api('/v1/verify' + qs({ model: p.model_number, brand: p.brand, firmware: it.firmware, at }));
  } catch (err) {
    it.pv = null;
    if (err.kind === 'http') it.err = { message: err.message };
  }
}

/** The item as the create body of POST /v1/inspections takes it. */
export function bodyItem(it, withPhotos = false) {
  // An item known by its GTIN alone (scanned or typed offline, not
  // verified yet) goes with no model: the server names it by the GTIN.
  const out = { model: it.model || it.v?.model?.model_number || '', quantity: it.quantity };
  if (it.brand) out.brand = it.brand;
  if (it.firmware) out.firmware = it.firmware;
  if (it.gtin) out.gtin = it.gtin;
  if (it.pick?.camera_model_id) out.camera_model_id = it.pick.camera_model_id;
  // With photos, the mark waits for them: the item is settled after the
  // photos are uploaded (POST .../items/{n}/resolve with their ids).
  if (it.pick?.not_in_registry && !withPhotos) Object.assign(out, { not_in_registry: true, label_text: it.pick.label_text });
  return out;
}

/**
 * Renders the list. on.change() is called after the inspector removed an
 * item or picked for one (the caller saves and re-renders).
 */
export function renderItems(items, { at, onChange, onRemove }) {
  const list = $('items');
  if (!items.length) { fill(list, h('li', { class: 'empty' }, t('noItems'))); return; }
  fill(list, items.map((it) => {
    // A picked model is judged by its own verify (pv), never by the near
    // answer's (it.v: unknown, "only nearly matches"): picked offline, it
    // waits for the network.
    const v = it.pick?.camera_model_id ? it.pv : it.pick?.not_in_registry ? null : it.v;
    const waiting = (!it.v || (it.pick?.camera_model_id && !it.pv)) && !it.err;
    const state = waiting ? 'waiting' : needsPick(it) ? 'pick' : it.pick?.not_in_registry ? 'not_in_registry' : 'done';
    const model = it.model || it.gtin;
    const matched = v?.model ? modelName(v.model) : '';
    return h('li', { class: 'card item', dataset: { verdict: state === 'done' && v ? v.verdict : '', state } },
      h('div', { class: 'vline' },
        state === 'done' && v ? badge(v.verdict)
          : h('span', { class: 'badge b-pending' }, waiting ? (navigator.onLine === false ? t('itemQueued') : '…')
            : state === 'pick' ? t('needsPick') : state === 'not_in_registry' ? t('notInRegistryShort') : '?'),
        h('strong', {}, model),
        h('span', { class: 'sub' }, [it.gtin && it.model ? `GTIN ${it.gtin}` : '', it.firmware && t('firmware', it.firmware), t('qty', it.quantity)].filter(Boolean).join(' · ')),
        h('button', { type: 'button', class: 'link remove', 'aria-label': t('itemRemove', model), onclick: () => onRemove(it) }, t('remove'))),
      matched && state === 'done' && v.model.model_number.toLowerCase() !== String(model).toLowerCase() ? h('p', { class: 'sub' }, '→ ' + matched) : null,
      state === 'done' && it.v?.match === 'none' && !it.pick ? picker({
        candidates: it.suggest || [], label: it.model, optional: true,
        onPick: async (p, files) => { it.pick = p; await verifyPick(it, at()); onChange(it, files); },
      }) : null,
      state === 'pick' ? picker({
        candidates: candidatesOf(it.v),
        label: it.model,
        onPick: async (p, files) => { it.pick = p; await verifyPick(it, at()); onChange(it, files); },
      }) : null,
      it.pick ? h('p', { class: 'sub picked' }, it.pick.not_in_registry ? t('pickedNone', it.pick.label_text) : t('pickedModel', modelName(it.pick)),
        ' ', h('button', { type: 'button', class: 'link', onclick: () => { it.pick = null; it.pv = null; onChange(it); } }, t('changePick'))) : null,
      h('div', { class: 'item-photos', dataset: { item: it.id } }),
      state === 'done' && v ? h('p', { class: 'summary' }, v.summary) : null,
      // A verdict not checked again (offline, or kept since long ago) says when it was checked.
      state === 'done' && v && (navigator.onLine === false || stale(it))
        ? h('p', { class: 'checked-at' }, t(navigator.onLine === false ? 'checkedOffline' : 'checkedOld', it.checkedAt ? when(it.checkedAt) : '?')) : null,
      state === 'done' && v?.reasons?.length ? h('details', {}, h('summary', {}, t('reasonsAndEvidence')), reasons(v.reasons)) : null,
      it.err ? h('p', { class: 'error' }, it.err.message) : null);
  }));
}

// ---- the near-match picker ---------------------------------------------------
//
// The inspector compares the candidates with the label and picks one, or
// records the camera as not in the registry ("không có trong sổ đăng ký")
// with the text as printed on the label. Nothing is decided for them.

let n = 0;

/**
 * A picker for candidates [{id, brand, model_number}]; onPick receives
 * {camera_model_id, brand, model_number}, or {not_in_registry: true,
 * label_text} and the photos of the label the inspector took (Files).
 * With no candidates, it offers the second choice only.
 */
export function picker({ candidates, label, onPick, optional = false }) {
  const id = `pick-${++n}`;
  const text = h('input', { id: id + '-label', type: 'text', maxlength: 200, value: label || '', autocomplete: 'off', spellcheck: 'false' });
  const photo = h('input', { id: id + '-photo', type: 'file', accept: 'image/*', capture: 'environment', multiple: true });
  const none = h('div', { class: 'pick-none' },
    h('label', { for: id + '-label' }, t('labelText')),
    text,
    h('label', { for: id + '-photo' }, t('labelPhoto')),
    photo,
    h('button', { type: 'button', class: 'secondary', onclick: () => {
      const v = text.value.trim();
      if (!v) { text.focus(); return; }
      onPick({ not_in_registry: true, label_text: v }, [...photo.files]);
    } }, t('notInRegistry')));
  return h('fieldset', { class: optional ? 'picker optional' : 'picker' },
    h('legend', {}, optional && candidates.length ? t('suggestLegend') : candidates.length ? t('pickLegend') : t('noneLegend')),
    candidates.length ? h('ul', { class: 'plain' }, candidates.map((c) => h('li', {},
      h('button', { type: 'button', class: 'secondary pick', dataset: { id: c.id }, onclick: () => onPick({ camera_model_id: c.id, brand: c.brand, model_number: c.model_number }) },
        modelName(c))))) : null,
    optional ? h('details', {}, h('summary', {}, t('notInRegistry')), none) : none);
}

// Small DOM builders shared by the lookup and the inspection: elements are
// made with createElement and text nodes, never from HTML strings, so data
// from the registry can't inject markup.

import { t, code, day } from './i18n.js';

/** h('p', {class: 'x'}, 'text', child...) makes an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false || c === '') continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces el's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  // A part drawn again while printing (a record refreshed as the print
  // dialog opens) shows its evidence unfolded too, as beforeprint did.
  if (document.documentElement.dataset.printing) unfold(el);
  return el;
}

/** Opens the folded evidence under el for a printout, marked to fold again after it. */
export function unfold(el) {
  for (const d of el.querySelectorAll('details:not([open])')) { d.open = true; d.dataset.printOpened = '1'; }
}

const ICON = { compliant: '✓', non_compliant: '✕', warning: '!', unknown: '?' };

/** A verdict badge: a symbol and a word, so it never relies on colour alone. */
export function badge(verdict) {
  const v = ICON[verdict] ? verdict : 'unknown';
  return h('span', { class: `badge b-${v}`, dataset: { verdict: v } },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, ICON[v]), ' ', t('v_' + v));
}

// Evidence fields worth showing a person, in reading order, and how each
// value is written.
const EVIDENCE = [
  ['certificate_number'], ['standard_code'], ['issued_on', day], ['expires_on', day], ['lot_ref'],
  ['status', (v) => code('s_', v)], ['status_changed_on', day], ['status_reason'], ['mandatory_from', day],
  ['warning_reference'], ['measure', (v) => code('m_', v)], ['severity', (v) => code('sev_', v)],
  ['firmware'], ['introduced_in'], ['fixed_in'], ['cve_ids', (v) => v.join(', ')],
  ['origin_certificate_number'], ['origin_form'], ['exporting_country'],
  // gtin_model_mismatch: the box's barcode, and the brand typed off the label.
  ['gtin'], ['typed_brand'],
];

/** The evidence of a reason as a definition list, or null when it has none worth showing. */
export function evidence(ev) {
  if (!ev) return null;
  const rows = [];
  for (const [k, fmt] of EVIDENCE) {
    const v = ev[k];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    rows.push(h('div', {}, h('dt', {}, t('ev_' + k)), h('dd', {}, fmt ? fmt(v) : String(v))));
  }
  return rows.length ? h('dl', { class: 'evidence' }, rows) : null;
}

/** The reasons of a verdict, each with its effect in words and its evidence. */
export function reasons(list) {
  const items = (list || []).map((r) => h('li', { class: `reason r-${r.effect}`, dataset: { code: r.code } },
    h('span', { class: 'effect' }, code('e_', r.effect)), ' ',
    h('span', { class: 'msg' }, r.message),
    evidence(r.evidence)));
  return h('ul', { class: 'reasons' }, items);
}

/** "Brand ModelNumber" of a model-like object. */
export const modelName = (m) => [m?.brand, m?.model_number].filter(Boolean).join(' ');

/** The error box: the message and the field errors, then shown. */
export function showError(box, err) {
  if (!err) { box.hidden = true; box.replaceChildren(); return; }
  fill(box, h('p', {}, err.message || String(err)),
    err.details?.length ? h('ul', {}, err.details.map((d) => h('li', {}, d))) : null);
  box.hidden = false;
}

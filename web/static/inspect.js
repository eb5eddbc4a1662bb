// The inspection mode: an inspector enters a key (kept in this tab's
// sessionStorage only), picks the trader by search, adds the items seen on
// the shelf one after another (each verified on the spot), submits the
// inspection, and sees the findings it raised and the trader's compliance.

import { api, key, isAbort, qs } from './api.js';
import { t, code, day } from './i18n.js';
import { h, fill, badge, reasons, modelName, showError } from './render.js';

const $ = (id) => document.getElementById(id);

/** Today in Vietnam, as YYYY-MM-DD: the server judges by that date too. */
const todayVN = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

let trader = null; // the organization inspected
let pendingTrader = null; // chosen from the lookup before a key was entered
let items = []; // {id, model, firmware, quantity, v (verify answer), err}
let nextID = 1;
let traderCtl = null;
let traderTimer = 0;
let result = null; // the last inspection submitted, with its findings
let compliance = null;

/** True when the tab holds an inspector key. */
export const hasKey = () => key.get() !== '';

export function init() {
  const d = $('insp-date');
  d.value = todayVN();
  d.max = todayVN();
  $('key-form').addEventListener('submit', useKey);
  $('logout').addEventListener('click', () => {
    key.clear();
    trader = null; items = []; result = null; compliance = null;
    paint();
    $('key').focus();
  });
  $('trader-q').addEventListener('input', () => {
    clearTimeout(traderTimer);
    traderTimer = setTimeout(searchTraders, 250);
  });
  $('item-form').addEventListener('submit', addItem);
  $('submit-insp').addEventListener('click', submit);
  d.addEventListener('change', () => reverify());
  paint();
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
  if (hasKey() && trader) loadCompliance();
  if (items.length) reverify();
}

function paint() {
  const k = hasKey();
  $('key-form').hidden = k;
  $('insp').hidden = !k;
  $('session-label').textContent = t('sessionOn');
  renderTrader();
  renderItems();
  renderResult();
  renderCompliance();
}

async function useKey(e) {
  e.preventDefault();
  const box = $('key-error');
  const k = $('key').value.trim();
  if (!k) { showError(box, { message: t('needKey') }); $('key').focus(); return; }
  key.set(k);
  $('key').value = '';
  showError(box, { message: t('keyChecking') });
  try {
    // Any reader of findings may pass: a key that is not an inspector's
    // is told so by POST /v1/inspections, with the server's reason.
    await api('/v1/findings' + qs({ limit: 1 }));
  } catch (err) {
    key.clear();
    showError(box, err);
    $('key').focus();
    return;
  }
  showError(box, null);
  paint();
  if (pendingTrader) { choose(pendingTrader); pendingTrader = null; } else $('trader-q').focus();
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
  trader = org;
  result = null;
  compliance = null;
  const place = $('insp-place');
  if (!place.value) place.value = org.address || '';
  $('trader-status').textContent = t('chosen', org.name);
  paint();
  loadCompliance();
  $('item-model').focus();
}

function renderTrader() {
  const box = $('trader');
  $('trader-pick').hidden = !!trader;
  if (!trader) { fill(box); return; }
  fill(box, h('div', { class: 'chosen' },
    h('div', {}, h('strong', { id: 'trader-name' }, trader.name),
      h('p', { class: 'sub' }, [trader.tax_code ? `${t('taxCode')} ${trader.tax_code}` : '', trader.address || trader.province_name].filter(Boolean).join(' · '))),
    h('button', { type: 'button', class: 'link', onclick: () => {
      trader = null; compliance = null; result = null; $('insp-place').value = '';
      paint(); $('trader-q').focus();
    } }, t('change'))));
}

// ---- the items --------------------------------------------------------------

async function addItem(e) {
  e.preventDefault();
  const box = $('items-error');
  const model = $('item-model').value.trim();
  if (!model) { showError(box, { message: t('needModel') }); $('item-model').focus(); return; }
  showError(box, null);
  const qty = Math.max(1, parseInt($('item-qty').value, 10) || 1);
  const it = { id: nextID++, model, firmware: $('item-fw').value.trim(), quantity: qty, v: null, err: null };
  items.push(it);
  $('item-model').value = '';
  $('item-fw').value = '';
  $('item-qty').value = '1';
  $('item-model').focus();
  result = null;
  renderResult();
  renderItems();
  try {
    it.v = await api('/v1/verify' + qs({ model: it.model, firmware: it.firmware, at: $('insp-date').value }));
    $('items-status').textContent = t('itemAdded', it.model, t('v_' + it.v.verdict));
  } catch (err) {
    it.err = err;
    $('items-status').textContent = '';
  }
  renderItems();
}

// reverify asks for every item's verdict again, in one bulk request (the
// date or the language changed).
async function reverify() {
  if (!items.length) return;
  const at = $('insp-date').value;
  try {
    const res = await api('/v1/verify', { method: 'POST', body: { items: items.map((it) => ({ model: it.model, firmware: it.firmware, at })) } });
    items.forEach((it, i) => { it.v = res.items[i]; it.err = null; });
    showError($('items-error'), null);
  } catch (err) {
    showError($('items-error'), err);
  }
  renderItems();
}

function renderItems() {
  const list = $('items');
  if (!items.length) { fill(list, h('li', { class: 'empty' }, t('noItems'))); return; }
  fill(list, items.map((it) => {
    const v = it.v;
    const matched = v?.model ? modelName(v.model) : '';
    return h('li', { class: 'card item', dataset: { verdict: v?.verdict || '' } },
      h('div', { class: 'vline' },
        v ? badge(v.verdict) : h('span', { class: 'badge b-pending' }, '…'),
        h('strong', {}, it.model),
        h('span', { class: 'sub' }, [it.firmware && t('firmware', it.firmware), t('qty', it.quantity)].filter(Boolean).join(' · ')),
        h('button', { type: 'button', class: 'link remove', 'aria-label': t('itemRemove', it.model), onclick: () => {
          items = items.filter((x) => x !== it);
          renderItems();
          $('item-model').focus();
        } }, t('remove'))),
      matched && v.model.model_number.toLowerCase() !== it.model.toLowerCase() ? h('p', { class: 'sub' }, '→ ' + matched) : null,
      v ? h('p', { class: 'summary' }, v.summary) : null,
      v?.reasons?.length ? h('details', {}, h('summary', {}, t('reasonsAndEvidence')), reasons(v.reasons)) : null,
      it.err ? h('p', { class: 'error' }, it.err.message) : null);
  }));
}

// ---- submitting ---------------------------------------------------------------

async function submit() {
  const box = $('submit-error');
  if (!trader) { showError(box, { message: t('noTrader') }); $('trader-q').focus(); return; }
  if (!items.length) { showError(box, { message: t('noItems') }); $('item-model').focus(); return; }
  showError(box, null);
  const btn = $('submit-insp');
  btn.disabled = true;
  btn.textContent = t('submitting');
  const notes = $('insp-notes').value.trim();
  const place = $('insp-place').value.trim();
  try {
    result = await api('/v1/inspections', { method: 'POST', body: {
      trader_org_id: trader.id,
      inspected_on: $('insp-date').value || undefined,
      place: place || undefined,
      notes: notes || undefined,
      items: items.map((it) => ({ model: it.model, firmware: it.firmware || undefined, quantity: it.quantity })),
    } });
    items = [];
    $('insp-notes').value = '';
    $('items-status').textContent = '';
    renderItems();
    renderResult();
    $('result-h')?.focus();
    loadCompliance();
  } catch (err) {
    showError(box, err);
  } finally {
    btn.disabled = false;
    btn.textContent = t('submit');
  }
}

// findingList shows each finding in a line, its evidence folded away:
// on a phone, a few findings must not push the rest off the screen.
function findingList(fs) {
  return h('ul', { class: 'findings' }, fs.map((f) => {
    const ev = (f.evidence || []).filter((r) => r.effect !== 'info');
    return h('li', { class: 'finding', dataset: { violation: f.violation } },
      h('strong', {}, code('f_', f.violation)), ' — ', [f.brand, f.model].filter(Boolean).join(' '),
      h('span', { class: 'sub' }, ` (${code('s_', f.status)}${f.observed_on ? ', ' + day(f.observed_on) : ''})`),
      ev.length ? h('details', {}, h('summary', {}, t('evidence')), reasons(ev)) : null);
  }));
}

function renderResult() {
  const box = $('insp-result');
  if (!result) { fill(box); return; }
  const fs = result.findings || [];
  fill(box, h('div', { class: fs.length ? 'outcome bad' : 'outcome ok' },
    h('h3', { id: 'result-h', tabindex: '-1' }, t('submitted', fs.length)),
    fs.length ? findingList(fs) : null,
    h('ul', { class: 'plain' }, result.items.map((it) => h('li', { class: 'vline' }, badge(it.verdict), ' ', it.model,
      it.quantity > 1 ? ` × ${it.quantity}` : '')))));
}

// ---- the trader's compliance ------------------------------------------------

async function loadCompliance() {
  if (!trader) return;
  const id = trader.id;
  try {
    const c = await api(`/v1/organizations/${encodeURIComponent(id)}/compliance`);
    if (trader?.id !== id) return;
    compliance = c;
  } catch (err) {
    compliance = { error: err };
  }
  renderCompliance();
}

const ORDER = ['non_compliant', 'warning', 'unknown', 'compliant'];

function renderCompliance() {
  const card = $('compliance-card'), box = $('compliance');
  card.hidden = !trader || !compliance;
  if (card.hidden) { fill(box); return; }
  if (compliance.error) { fill(box, h('p', { class: 'error' }, compliance.error.message)); return; }
  const c = compliance;
  fill(box,
    h('p', {}, h('strong', {}, c.organization.name), ' — ', t('complianceOn', day(c.on))),
    h('ul', { class: 'counts' }, ORDER.filter((v) => c.counts?.[v]).map((v) => h('li', {}, badge(v), ` ${c.counts[v]}`))),
    h('h3', {}, t('listings')),
    c.listings.length ? h('ul', { class: 'plain' }, c.listings.map((l) => h('li', { class: 'vline' }, badge(l.verdict), ' ', `${l.brand} ${l.model_number}`)))
      : h('p', {}, t('noListings')),
    h('h3', {}, t('openFindings')),
    c.open_findings.length ? findingList(c.open_findings) : h('p', {}, t('noFindings')));
}

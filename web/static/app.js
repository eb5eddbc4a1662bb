// The inspector's page: the lookup (search as you type, verdicts with their
// reasons and evidence, point-in-time and firmware checks, permalinks and
// QR codes), the language switch, the network state, and the switch to the
// inspection mode (inspect.js).

import { api, isAbort, onSlow, qs } from './api.js';
import { t, lang, setLang, applyStatic, code, day, when } from './i18n.js';
import { h, fill, badge, reasons, modelName, showError, unfold } from './render.js';
import * as inspect from './inspect.js';

const $ = (id) => document.getElementById(id);
const DEBOUNCE = 250;

// ---- language ----------------------------------------------------------

function paintLangButton() {
  const b = $('lang');
  b.textContent = t('switchTo');
  b.setAttribute('aria-label', t('switchToLabel'));
  b.setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
}

$('lang').addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  applyStatic();
  paintLangButton();
  // The API words its verdicts in the language asked for, so ask again.
  lookup.rerun();
  inspect.relabel();
  // The records are drawn in the page's words, and the API's: again.
  if (location.hash.startsWith('#inspection')) route();
});

// ---- network state -----------------------------------------------------

let slowNow = false;
function paintNet() {
  const box = $('net');
  const offline = navigator.onLine === false;
  box.hidden = !offline && !slowNow;
  box.className = 'net ' + (offline ? 'offline' : 'slow');
  box.textContent = offline ? t('offline') : slowNow ? t('slow') : '';
}
window.addEventListener('offline', () => { paintNet(); paintChecked(); });
window.addEventListener('online', () => { paintNet(); paintChecked(); lookup.rerun(); });

// A verdict on screen when the network goes says when it was checked: it
// is not checked again until the network is back.
function paintChecked() {
  const p = document.querySelector('#verdict .checked-at');
  if (!p) return;
  const offline = navigator.onLine === false;
  p.hidden = !offline;
  p.textContent = offline ? t('checkedOffline', when(Number(p.dataset.at))) : '';
}
onSlow((s) => { slowNow = s; paintNet(); });

// ---- modes (tabs) --------------------------------------------------------

// #lookup (the default), #inspect, #inspections (past inspections) and
// #inspection/<id> (one record). The record pages need the key: without
// one, the key form shows, and the record after it.
function route() {
  const hash = location.hash;
  const rec = hash.match(/^#inspection\/([\w-]{1,64})$/);
  const wantsKey = hash === '#inspect' || hash === '#inspections' || !!rec;
  const keyed = inspect.hasKey();
  const view = !wantsKey ? 'lookup' : !keyed || hash === '#inspect' ? 'inspect' : rec ? 'inspection' : 'inspections';
  for (const id of ['lookup', 'inspect', 'inspections', 'inspection']) $(id).hidden = id !== view;
  for (const [a, on] of [[$('tab-lookup'), !wantsKey], [$('tab-inspect'), wantsKey]]) {
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (view === 'inspect') inspect.show();
  // The records are loaded when first shown (records.js).
  if (view === 'inspections') import('./records.js').then((r) => r.showList());
  if (view === 'inspection') import('./records.js').then((r) => r.showRecord(rec[1])).then(() => $('record-h')?.focus());
  return view;
}
window.addEventListener('hashchange', () => {
  const view = route();
  const h1 = { lookup: 'lookup-h', inspect: 'inspect-h', inspections: 'past-h' }[view];
  if (!h1) return;
  $(h1).setAttribute('tabindex', '-1');
  $(h1).focus();
});
inspect.onLogin(() => { if (location.hash !== '#inspect') route(); });

// ---- lookup ----------------------------------------------------------------

// A query that could be a model number read off a label (it has a digit
// and few words) is also sent to verify directly, which finds models that
// search does not list (pending registrations) and exact keys at once.
const looksLikeModel = (q) => /\d/.test(q) && q.length >= 3 && q.split(/\s+/).length <= 3;

// keyTokens are the words of a query that could be (the start of) a model
// key: letters and digits only, with a digit, at least 4 long.
const keyTokens = (q) => q.toLowerCase().split(/\s+/).map((w) => w.replace(/[^a-z0-9]/g, ''))
  .filter((w) => w.length >= 4 && /\d/.test(w));

// exactHits are the model hits whose key is a word of the query, or starts
// with one: "hikvison ds2cd1023" has one, the Hikvision DS-2CD1023G0E-I.
function exactHits(q, modelHits) {
  const toks = keyTokens(q);
  const exact = modelHits.filter((x) => toks.includes(x.item.model_key));
  if (exact.length) return exact;
  return modelHits.filter((x) => toks.some((w) => w.length >= 6 && x.item.model_key?.startsWith(w)));
}

const lookup = (() => {
  const q = $('q'), at = $('at'), fw = $('fw');
  const status = $('lookup-status'), errBox = $('lookup-error'), panel = $('verdict'), list = $('results');
  let ctl = null;
  let timer = 0;
  // pinned is the model the user chose (a result, a candidate, a deep
  // link): it stays in the panel until the query changes.
  let pinned = null;

  function params(extra = {}) {
    return { at: at.value, firmware: fw.value, ...extra };
  }

  function setURL(m) {
    const p = m ? qs({ model: m.model, brand: m.brand, at: at.value, firmware: fw.value }) : '';
    history.replaceState(null, '', '/' + p + location.hash);
  }

  let seq = 0;
  async function run() {
    const mine = ++seq;
    try {
      await ask();
    } finally {
      if (mine === seq) panel.removeAttribute('aria-busy');
    }
  }

  async function ask() {
    clearTimeout(timer);
    ctl?.abort();
    ctl = new AbortController();
    const signal = ctl.signal;
    const text = q.value.trim();
    showError(errBox, null);
    // The verdict on screen is for the query before: marked busy (and
    // dimmed) until the answer to this one replaces it.
    if (panel.firstElementChild) panel.setAttribute('aria-busy', 'true');
    if (!pinned && text.length < 2) {
      fill(panel); fill(list); list.hidden = true; status.textContent = '';
      setURL(null);
      return;
    }
    status.textContent = t('searching');
    try {
      const tasks = [];
      tasks.push(pinned ? api('/v1/verify' + qs(params(pinned.gtin ? { gtin: pinned.gtin } : { model: pinned.model, brand: pinned.brand })), { signal }) : null);
      tasks.push(!pinned && looksLikeModel(text) ? api('/v1/verify' + qs(params({ model: text })), { signal }).catch(soft) : null);
      tasks.push(text.length >= 2 ? api('/v1/search' + qs({ q: text, limit: 8 }), { signal }).catch(soft) : null);
      const [pinnedV, direct, found] = await Promise.all(tasks);
      const hits = found && !found.error ? found.items : [];
      const modelHits = hits.filter((x) => x.type === 'model');

      // Which verdict goes in the panel.
      let v = pinnedV;
      if (!v && direct && !direct.error && (direct.match === 'exact' || direct.match === 'possible')) v = direct;
      const exact = exactHits(text, modelHits);
      const single = modelHits.length === 1 ? modelHits : exact.length === 1 ? exact : [];
      if (!v && single.length === 1) {
        const m = single[0].item;
        v = await api('/v1/verify' + qs(params({ model: m.model_number, brand: m.brand })), { signal });
      }
      if (!v && direct && !direct.error && (direct.match === 'ambiguous' || (direct.match === 'none' && hits.length === 0))) v = direct;

      // Badges for the other model hits, in one bulk request.
      const others = modelHits.filter((x) => !(v?.model && v.model.id === x.id));
      let verdicts = [];
      if (others.length) {
        const res = await api('/v1/verify', { method: 'POST', signal,
          body: { items: others.map((x) => ({ model: x.item.model_number, brand: x.item.brand, at: at.value.trim() })) } });
        verdicts = res.items;
      }
      const byID = new Map(others.map((x, i) => [x.id, verdicts[i]]));

      if (v) renderPanel(v); else fill(panel);
      if (v?.model && (v.match === 'exact' || pinned)) setURL({ model: v.model.model_number, brand: v.model.brand });
      else setURL(null);
      const shown = hits.filter((x) => !(v?.model && x.type === 'model' && x.id === v.model.id));
      renderResults(shown, byID);
      const said = [];
      if (v) said.push(t('verdictOf', v.model && !near(v) ? modelName(v.model) : v.query?.model || text, t('v_' + v.verdict)));
      if (!v || shown.length) said.push(t('nResults', shown.length));
      status.textContent = said.join(' ');
      const failed = found?.error || direct?.error;
      if (failed && !v && !shown.length) showError(errBox, failed);
    } catch (err) {
      if (isAbort(err)) return;
      status.textContent = '';
      showError(errBox, err);
    }
  }

  // soft keeps one failed call (search down, say) from hiding the other's answer.
  const soft = (err) => { if (isAbort(err)) throw err; return { error: err }; };

  // near: a near match (possible). Its verdict is never the other model's
  // (unknown, unless that model is banned), so the panel is named for the
  // number typed, and the other model is only offered (candidates, whose
  // choice is its own exact verdict), without its permalink or QR code.
  function near(v) { return v.match === 'possible'; }

  function renderPanel(v) {
    const m = near(v) ? null : v.model;
    const title = m ? modelName(m) : v.query.model;
    const heading = h('h2', { id: 'verdict-h', tabindex: '-1' }, title);
    const meta = [t('onDate', day(v.at))];
    if (v.query.firmware) meta.push(t('firmware', v.query.firmware));
    const parts = [
      h('div', { class: 'vhead' }, badge(v.verdict), h('div', {}, heading, m?.name ? h('p', { class: 'sub' }, m.name) : null)),
      h('p', { class: 'summary' }, v.summary),
      h('p', { class: 'meta' }, meta.join(' · ')),
      h('p', { class: 'checked-at', hidden: true, dataset: { at: String(Date.now()) } }),
    ];
    if (v.match === 'possible') parts.push(h('p', { class: 'notice' }, t('possible')));
    if (v.candidates?.length) {
      parts.push(h('p', {}, t('candidates')), h('ul', { class: 'candidates' }, v.candidates.map((c) =>
        h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => choose(c) }, modelName(c))))));
    }
    if (v.reasons?.length) parts.push(h('h3', {}, t('reasons')), reasons(v.reasons));
    if (v.standards?.length) {
      parts.push(h('h3', {}, t('standards')), h('ul', { class: 'plain' }, v.standards.map((s) =>
        h('li', {}, `${s.code} (${s.mandatory ? t('mandatory') : t('notMandatory')}${s.mandatory_from ? ', ' + day(s.mandatory_from) : ''})`))));
    }
    if (m?.permalink) {
      const path = new URL(m.permalink, location.href).pathname;
      parts.push(h('div', { class: 'permalink' },
        h('img', { src: path + '/qr.svg', width: 132, height: 132, alt: t('qrAlt', title), class: 'qr' }),
        h('div', {}, h('h3', {}, t('permalink')), h('a', { href: m.permalink, class: 'url' }, m.permalink))));
    } else if (m) {
      parts.push(h('p', { class: 'meta' }, t('noPermalink')));
    }
    fill(panel, h('article', { class: `card verdict-panel v-${v.verdict}`, 'aria-labelledby': 'verdict-h' }, parts));
    paintChecked();
  }

  function renderResults(hits, byID) {
    list.hidden = hits.length === 0;
    fill(list, hits.map((x) => h('li', { class: 'card hit', dataset: { type: x.type } }, renderHit(x, byID.get(x.id)))));
  }

  function renderHit(x, v) {
    const it = x.item || {};
    const kind = h('p', { class: 'kind' }, t('t_' + x.type));
    switch (x.type) {
      case 'model':
        return [kind, h('h3', {}, modelName(it)), it.name ? h('p', { class: 'sub' }, it.name) : null,
          v ? h('div', { class: 'vline' }, badge(v.verdict), ' ', h('span', {}, v.summary)) : null,
          v?.reasons?.length ? h('details', {}, h('summary', {}, t('reasonsAndEvidence')), reasons(v.reasons)) : null,
          h('button', { type: 'button', class: 'secondary', onclick: () => choose(it) }, t('details'))];
      case 'organization':
        return [kind, h('h3', {}, it.name),
          dl([[t('traderKind'), code('k_', it.kind)], [t('taxCode'), it.tax_code], [t('address'), it.address || it.province_name]]),
          it.trader && inspect.hasKey() ? h('button', { type: 'button', class: 'secondary', onclick: () => inspect.startWith(it) }, t('inspectThis')) : null];
      case 'certificate': {
        const st = it.expired && it.status === 'valid' ? 'expired' : it.status;
        return [kind, h('h3', {}, it.number),
          dl([[t('standard'), it.standard_code], [t('status'), code('s_', st) + (it.status_changed_on ? ` (${day(it.status_changed_on)})` : '')],
            [t('issued'), day(it.issued_on)], [t('expires'), day(it.expires_on)], [t('ev_status_reason'), it.status_reason]])];
      }
      case 'warning':
        return [kind, h('h3', {}, `${it.reference}: ${it.title}`),
          dl([[t('measure'), code('m_', it.measure)], [t('severity'), code('sev_', it.severity)], [t('issued'), day(it.issued_on)],
            [t('status'), code('s_', it.status)]]),
          it.summary ? h('p', { class: 'sub' }, it.summary) : null];
      default:
        return [kind, h('h3', {}, x.title)];
    }
  }

  const dl = (rows) => h('dl', { class: 'facts' }, rows.filter(([, v]) => v).map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));

  function choose(m) {
    pinned = { model: m.model_number, brand: m.brand };
    run().then(() => $('verdict-h')?.focus());
  }

  q.addEventListener('input', () => {
    pinned = null;
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE);
  });
  // Enter closes the phone's keyboard (the field loses focus) and brings
  // the verdict into view once it is there.
  $('search-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    pinned = null;
    q.blur();
    await run();
    const el = panel.firstElementChild || list;
    el?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  });
  at.addEventListener('change', () => run());
  // A scanned box (GTIN) or e-label (permalink) lands on its model's
  // verdict; any other code is searched as typed.
  $('lookup-scan').addEventListener('click', async () => {
    const m = await import('./scan.js');
    m.open((text) => {
      const what = m.meaning(text);
      q.value = what.text ?? what.gtin ?? what.key;
      pinned = what.gtin ? { gtin: what.gtin } : what.key ? { model: what.key, brand: what.brand } : null;
      run().then(() => $('verdict-h')?.focus());
    });
  });
  fw.addEventListener('change', () => run());

  // A deep link /?model=&brand=[&at=][&firmware=] (from a permalink page,
  // a shared link or a scan) lands on the model's verdict.
  function fromURL() {
    const p = new URLSearchParams(location.search);
    const model = p.get('model')?.trim();
    if (p.get('at')) at.value = p.get('at');
    if (p.get('firmware')) fw.value = p.get('firmware');
    if (p.get('q')) q.value = p.get('q');
    if (model) {
      q.value = model;
      pinned = { model, brand: p.get('brand')?.trim() || '' };
    }
    if (q.value) run();
  }

  return { rerun: () => { if (q.value.trim() || pinned) run(); }, fromURL };
})();

// ---- start -------------------------------------------------------------

applyStatic();
paintLangButton();
paintNet();
inspect.init();
route();
// A printout shows the evidence folded away on the screen.
window.addEventListener('beforeprint', () => {
  document.documentElement.dataset.printing = '1';
  unfold(document);
});
window.addEventListener('afterprint', () => {
  delete document.documentElement.dataset.printing;
  for (const d of document.querySelectorAll('details[data-print-opened]')) { d.open = false; delete d.dataset.printOpened; }
});
// The offline shell: the page opens without a network once it was seen.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/static/sw.js', { scope: '/' }).catch(() => {});
lookup.fromURL();

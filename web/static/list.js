// The published list of compliant models (GET /v1/compliant-models), with
// its filters, paging, downloads of the same view, and what changed this
// month (GET /v1/compliant-models/changes). Plain DOM, no framework: every
// value from the API goes in as text, never as HTML.

const $ = (id) => document.getElementById(id);
const form = $('filters');
const tbody = document.querySelector('#list tbody');
let cursor = '';

// today is the date in Vietnam, as the registry counts days.
function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

// params is the view's filters as a query string, empty ones left out.
function params(extra = {}) {
  const p = new URLSearchParams();
  for (const name of ['at', 'brand', 'kind', 'standard', 'q']) {
    const v = form.elements[name].value.trim();
    if (v) p.set(name, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  return p;
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (cls) td.className = cls;
  tr.append(td);
}

async function getJSON(url) {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const fields = (body.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new Error(fields || body.detail || body.title || `HTTP ${res.status}`);
  }
  return body;
}

async function load(more) {
  if (!more) {
    cursor = '';
    tbody.replaceChildren();
  }
  $('status').textContent = 'Đang tải…';
  try {
    const page = await getJSON('/v1/compliant-models?' + params({ limit: '100', cursor }));
    for (const it of page.items) {
      const tr = document.createElement('tr');
      const m = it.model, c = it.certificate || {};
      cell(tr, m.brand);
      const td = document.createElement('td');
      if (m.permalink) {
        const a = document.createElement('a');
        a.href = m.permalink;
        a.textContent = m.model_number;
        td.append(a);
      } else td.textContent = m.model_number;
      tr.append(td);
      cell(tr, m.name);
      cell(tr, m.kind);
      cell(tr, c.number || '—');
      cell(tr, c.standard_code || '—');
      cell(tr, c.certification_body || '—');
      cell(tr, c.expires_on || '—', 'num');
      tbody.append(tr);
    }
    cursor = page.next_cursor;
    $('more').hidden = !cursor;
    const n = tbody.children.length;
    $('status').textContent = `${n}${cursor ? '+' : ''} mẫu đạt vào ngày ${page.at}.`;
    $('caption').textContent = `Danh mục camera đạt quy chuẩn ngày ${page.at}`;
  } catch (err) {
    $('status').textContent = 'Không tải được danh mục: ' + err.message;
  }
}

// downloads point at the exports of the view on screen.
function links() {
  const q = params().toString();
  for (const f of ['csv', 'xlsx', 'ndjson']) $('dl-' + f).href = `/v1/export/compliant-models.${f}${q ? '?' + q : ''}`;
}

async function changes() {
  const to = form.elements.at.value || today();
  const from = to.slice(0, 8) + '01';
  const list = $('changes');
  list.replaceChildren();
  $('changes-hint').textContent = `Các mẫu được đưa vào hoặc rời khỏi danh mục từ ${from} tới ${to}, và lý do.`;
  try {
    const p = params({ from, to, limit: '200' });
    p.delete('at');
    const page = await getJSON('/v1/compliant-models/changes?' + p);
    if (!page.items.length) {
      const li = document.createElement('li');
      li.textContent = 'Không có thay đổi.';
      list.append(li);
    }
    for (const ch of page.items) {
      const li = document.createElement('li');
      li.className = ch.change;
      const why = ch.reasons.filter((r) => r.effect !== 'info').map((r) => r.message);
      const what = ch.change === 'entered' ? 'được đưa vào danh mục' : 'rời khỏi danh mục';
      li.textContent = `${ch.model.brand} ${ch.model.model_number}: ${what}` + (why.length ? ` (${why.join(' ')})` : '');
      list.append(li);
    }
  } catch (err) {
    const li = document.createElement('li');
    li.textContent = 'Không tải được các thay đổi: ' + err.message;
    list.append(li);
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  links();
  load(false);
  changes();
});
$('more').addEventListener('click', () => load(true));
form.elements.at.value = today();
links();
load(false);
changes();

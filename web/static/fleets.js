// The fleet page (issue #17): an operator's fleets, the import of an
// inventory file (a dry run first, its bad rows, then the import), and the
// compliance report with its downloads. Plain DOM, no framework: every
// value from the API goes in as text, never as HTML. The key lives in
// sessionStorage only (api.js).

import { api, key, qs } from './api.js';

const $ = (id) => document.getElementById(id);
let fleet = null; // the fleet on screen
let dryDone = ''; // the file (name/size/mtime) and mode the last clean dry run checked

const VERDICTS = { compliant: 'Đạt', non_compliant: 'Không đạt', warning: 'Cảnh báo', unknown: 'Chưa xác định' };
const MATCHES = { exact: 'chính xác', possible: 'có thể', ambiguous: 'nhiều mẫu', none: 'không tìm thấy' };

function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

function row(tbody, cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    if (c && typeof c === 'object' && !(c instanceof Node)) {
      td.textContent = c.text ?? '';
      if (c.cls) td.className = c.cls;
    } else if (c instanceof Node) td.append(c);
    else td.textContent = c ?? '';
    tr.append(td);
  }
  tbody.append(tr);
  return tr;
}

function say(id, text, cls = '') {
  $(id).textContent = text;
  $(id).className = cls;
}

function errText(err) {
  return [err.message, ...(err.details || [])].join(' ');
}

// ---- the key and the list of fleets -------------------------------------

$('keyform').addEventListener('submit', (e) => {
  e.preventDefault();
  const k = $('key').value.trim();
  if (k) key.set(k);
  $('key').value = '';
  loadFleets();
});

async function loadFleets() {
  if (!key.get()) {
    say('key-status', 'Nhập khóa API để xem các đội camera của đơn vị. (Enter your key.)');
    return;
  }
  const tbody = document.querySelector('#fleets tbody');
  try {
    const page = await api('/v1/fleets?limit=100');
    $('fleets-sec').hidden = false;
    say('key-status', 'Đã dùng khóa. (Key in use for this tab.)');
    tbody.replaceChildren();
    for (const f of page.items) {
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = 'Mở · Open';
      open.addEventListener('click', () => openFleet(f));
      row(tbody, [f.name, f.description, f.security_level ?? '—', open]);
    }
    if (!page.items.length) row(tbody, ['Chưa có đội camera nào. (No fleet yet.)', '', '', '']);
  } catch (err) {
    say('key-status', 'Không tải được danh sách: ' + errText(err), 'bad');
  }
}

$('create').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target.elements;
  const body = { name: f.name.value.trim() };
  if (f.description.value.trim()) body.description = f.description.value.trim();
  if (f.security_level.value) body.security_level = Number(f.security_level.value);
  try {
    const created = await api('/v1/fleets', { method: 'POST', body });
    e.target.reset();
    say('fleets-status', `Đã tạo “${created.name}”. (Created.)`);
    await loadFleets();
    openFleet(created);
  } catch (err) {
    say('fleets-status', 'Không tạo được: ' + errText(err), 'bad');
  }
});

function openFleet(f) {
  fleet = f;
  dryDone = '';
  $('fleet-sec').hidden = false;
  $('fleet-h').textContent = f.name;
  $('import').disabled = true;
  $('errors-wrap').hidden = true;
  $('report').hidden = true;
  say('job-status', '');
  $('at').value = today();
  report();
}

// ---- the import -----------------------------------------------------------

function fileTag() {
  const file = $('file').files[0];
  return file ? [file.name, file.size, file.lastModified, $('mode').value, $('skip').checked].join('|') : '';
}

for (const id of ['file', 'mode', 'skip']) {
  $(id).addEventListener('change', () => { $('import').disabled = !dryDone || dryDone !== fileTag(); });
}

async function upload(dry) {
  const file = $('file').files[0];
  if (!file) {
    say('job-status', 'Chọn một tệp. (Choose a file.)', 'bad');
    return;
  }
  const tag = fileTag();
  const form = new FormData();
  form.append('entity', 'devices');
  form.append('fleet_id', fleet.id);
  if (dry) form.append('dry_run', 'true');
  if ($('mode').value === 'replace') form.append('replace', 'true');
  if ($('skip').checked) form.append('skip_invalid', 'true');
  form.append('file', file, file.name);
  say('job-status', dry ? 'Đang kiểm tra… (Checking…)' : 'Đang nhập… (Importing…)');
  $('dry').disabled = $('import').disabled = true;
  try {
    const res = await fetch('/v1/imports', { method: 'POST', body: form, headers: { Authorization: 'Bearer ' + key.get(), Accept: 'application/json' } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(body.detail || body.title || `HTTP ${res.status}`),
      { details: (body.errors || []).map((e) => `${e.field}: ${e.message}`) });
    const job = await follow(res.headers.get('Location'));
    showJob(job, dry);
    if (dry && job.status === 'succeeded' && (job.invalid === 0 || $('skip').checked)) dryDone = tag;
    if (!dry && job.status === 'succeeded') { dryDone = ''; report(); }
  } catch (err) {
    say('job-status', 'Không nhập được: ' + errText(err), 'bad');
  } finally {
    $('dry').disabled = false;
    $('import').disabled = !dryDone || dryDone !== fileTag();
  }
}

// follow polls an import job until it ends.
async function follow(location) {
  for (;;) {
    const job = await api(location);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    say('job-status', `${job.phase || job.status}: ${job.rows} dòng (rows)…`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function showJob(job, dry) {
  const counts = `${job.rows} dòng: ${job.created} mới, ${job.updated} cập nhật, ${job.unchanged} không đổi, ${job.invalid} lỗi` +
    ` (${job.rows} rows: ${job.created} new, ${job.updated} updated, ${job.unchanged} unchanged, ${job.invalid} invalid)`;
  let lead;
  if (dry) lead = job.invalid && !job.skip_invalid ? 'Kiểm tra thử: có dòng lỗi, hãy sửa tệp. (Dry run: fix the rows below.)' : 'Kiểm tra thử: mọi dòng hợp lệ, có thể nhập. (Dry run: every row is valid.)';
  else if (job.status === 'succeeded') lead = 'Đã nhập. (Imported.)';
  else lead = 'Chưa ghi gì: ' + (job.error || '') + ' (Nothing written.)';
  const bad = job.status === 'failed' || (job.invalid > 0 && !job.skip_invalid);
  say('job-status', `${lead} ${counts}`, bad ? 'bad' : 'good');
  $('pos-h').textContent = job.position === 'row' ? 'Hàng (sheet row)' : job.position === 'record' ? 'Bản ghi (record)' : 'Dòng (line)';
  const tbody = document.querySelector('#errors tbody');
  tbody.replaceChildren();
  for (const e of job.errors || []) {
    const why = e.errors.map((f) => (f.field ? f.field + ': ' : '') + f.message).join('; ');
    row(tbody, [{ text: String(e.line), cls: 'num' }, (e.key || '').replace(/^external_id /, ''), why]);
  }
  $('errors-wrap').hidden = !(job.errors || []).length;
}

$('dry').addEventListener('click', () => upload(true));
$('import').addEventListener('click', () => upload(false));

// ---- the report -----------------------------------------------------------

async function report() {
  if (!fleet) return;
  say('report-status', 'Đang tính báo cáo… (Computing the report…)');
  try {
    const r = await api(`/v1/fleets/${fleet.id}/report` + qs({ at: $('at').value }));
    $('report').hidden = false;
    say('report-status', '');
    $('total').textContent = `${r.total.rows} dòng, ${r.total.cameras} camera vào ngày ${r.at} (${r.total.rows} rows, ${r.total.cameras} cameras)`;
    const fill = (id, m, label) => {
      const tbody = document.querySelector(`#${id} tbody`);
      tbody.replaceChildren();
      for (const [k, c] of Object.entries(m).sort((a, b) => b[1].rows - a[1].rows)) {
        row(tbody, [{ text: label(k), cls: 'verdict-' + k }, { text: String(c.rows), cls: 'num' }, { text: String(c.cameras), cls: 'num' }]);
      }
    };
    fill('by-verdict', r.by_verdict, (k) => `${VERDICTS[k] || k} (${k})`);
    fill('by-reason', r.by_reason, (k) => k);
    const tbody = document.querySelector('#tofix tbody');
    tbody.replaceChildren();
    for (const x of r.to_fix.slice(0, 200)) {
      const d = x.device;
      const hint = x.model ? `${x.model.brand} ${x.model.model_number}` : '—';
      row(tbody, [d.external_id, d.brand, d.model, d.location, `${MATCHES[x.match] || x.match} (${x.match})`, hint]);
    }
    $('tofix-h').textContent = `Dòng cần sửa: ${r.to_fix_total} (rows to fix)`;
  } catch (err) {
    say('report-status', 'Không tính được báo cáo: ' + errText(err), 'bad');
  }
}

$('report-form').addEventListener('submit', (e) => { e.preventDefault(); report(); });

// download fetches a report file with the key and hands it to the browser.
async function download(format) {
  if (!fleet) return;
  try {
    const res = await fetch(`/v1/fleets/${fleet.id}/report.${format}` + qs({ at: $('at').value }),
      { headers: { Authorization: 'Bearer ' + key.get() } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const name = (res.headers.get('Content-Disposition') || '').match(/filename="?([^";]+)"?/)?.[1] || `fleet-report.${format}`;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    say('report-status', 'Không tải được: ' + err.message, 'bad');
  }
}

$('dl-csv').addEventListener('click', () => download('csv'));
$('dl-xlsx').addEventListener('click', () => download('xlsx'));

loadFleets();

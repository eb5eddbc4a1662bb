// The tired inspector with a bad connection, on a 390 × 844 touch phone:
// the lookup and the shop visit with the network cut (context.setOffline),
// on a slow 3G-like line (every API answer delayed), and with the server
// killed in the middle of a request and started again. The page must never
// leave a verdict on screen for another query, must say the time of a
// verdict it did not check again, and must send the queued work once.
//
//   node --test --test-concurrency=1 offline.test.js

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DAY, base, tmp, server, serverLog, camregEnv, waitFor, errors, getJSON, cleanups } from './harness.js';
import { newKey, auth, login, chooseTrader, addItem, items, inspectionsWith, traderID, gtin13, recordOf } from './shop.js';

const PHONE390 = { width: 390, height: 844 };
let phone; // a touch phone's own browser context
let revived; // the server started again after the kill
// Requests a page's service worker lets through are routed too.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

before(async () => {
  phone = await chromium.launchPersistentContext(join(tmp, 'phone-profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: PHONE390, hasTouch: true, isMobile: true, deviceScaleFactor: 2,
    locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh',
  });
});

// A run cut short (CI's timeout) takes the revived server with it.
process.once('exit', () => { if (revived && revived.exitCode === null && revived.signalCode === null) revived.kill('SIGKILL'); });
// The harness runs these before it removes the data directory.
cleanups.push(async () => {
  await phone?.close().catch(() => {});
  if (revived && revived.exitCode === null && revived.signalCode === null) {
    const gone = new Promise((r) => revived.once('exit', r));
    revived.kill('SIGKILL');
    await gone;
  }
});

async function openPhone(path = '/') {
  const page = await phone.newPage();
  // A bound on waiting, not a timing: CI on a shared 2-core machine once
  // took over 10 s to show an item typed offline as waiting for the
  // network (20:14 UTC 2026-12-07, beside a national Meilisearch index).
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + path);
  return page;
}

// draftWithOneItem signs in on a phone with key k and starts a visit to
// Hoàng Long with one camera whose verdict has come back.
async function draftWithOneItem(k) {
  const page = await openPhone();
  await shellReady(page);
  await login(page, k);
  await chooseTrader(page, 'hoang long', 'Hoàng Long');
  await addItem(page, 'DS-2CD1023G0E-I');
  await page.waitForFunction(() => document.querySelector('#items .item')?.dataset.verdict);
  return page;
}

async function shellReady(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
}

// smallTargets lists the visible buttons, summaries and form fields under
// sel shorter than 44 CSS px: too small for a tired thumb.
const smallTargets = (page, sel) => page.evaluate((sel) => [...document.querySelectorAll(`${sel} button, ${sel} summary, ${sel} input:not([type=file]), ${sel} select`)]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.id || el.className || el.tagName, Math.round(el.getBoundingClientRect().height)])
  .filter(([, hgt]) => hgt < 44), sel);

const panelBadge = (page) => page.locator('#verdict article .badge').first();

test('offline, the lookup never leaves a verdict on screen for another model, and dates the one it keeps', async () => {
  const page = await openPhone();
  await shellReady(page);
  await page.locator('#q').tap();
  await page.fill('#q', 'DS-2CD1023G0E-I');
  await page.locator('#verdict article').waitFor();
  assert.equal(await panelBadge(page).getAttribute('data-verdict'), 'warning');
  assert.deepEqual(await smallTargets(page, 'main'), [], 'every tap target is at least 44 px high');

  await phone.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false);
  try {
    // The verdict on screen was checked while online: now it says when.
    await page.locator('#verdict .checked-at').waitFor();
    assert.match(await page.locator('#verdict .checked-at').innerText(), /Kiểm tra lúc \d\d\/\d\d\/\d{4} \d\d:\d\d\. Đang mất mạng/);
    // Another model typed with a typo, offline: an error, and no verdict
    // of the model before.
    await page.fill('#q', 'hikvison 2cd1043');
    await page.locator('#lookup-error').filter({ hasText: 'Mất kết nối mạng' }).waitFor();
    assert.equal(await page.locator('#verdict article').count(), 0, 'no verdict of another model under an error');
    // The shell comes back from the service worker on a reload.
    const res = await page.reload();
    assert.ok(res.fromServiceWorker());
    await page.locator('#q').waitFor();
  } finally {
    await phone.setOffline(false);
  }
  await page.close();
});

test('on a slow line, a verdict being checked again is not shown as the answer to a new query', async () => {
  const page = await openPhone();
  await page.fill('#q', 'DS-2CD1023G0E-I');
  await page.locator('#verdict article').waitFor();
  // A 3G-like line: every API answer waits 1.5 s.
  await page.route('**/v1/**', async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue().catch(() => {}); });
  await page.fill('#q', 'Y33-1080P');
  await page.waitForTimeout(600);
  // While the new answer is on its way, the old panel is marked busy.
  assert.equal(await page.locator('#verdict').getAttribute('aria-busy'), 'true');
  await page.locator('#verdict article h2', { hasText: 'Y33-1080P' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#verdict').getAttribute('aria-busy'), null);
  await page.unroute('**/v1/**');
  await page.close();
});

test('a draft kept since the day before says when its verdicts were checked, and is checked again online', async () => {
  const k = await newKey();
  let page = await draftWithOneItem(k);
  assert.equal(await items(page).first().locator('.checked-at').count(), 0, 'a fresh verdict needs no date');
  await page.close(); // the draft is written as the tab goes
  // The draft's verdicts were checked two days ago.
  page = await openPhone();
  const old = Date.now() - 2 * 86400_000;
  await page.evaluate(async ({ k, old }) => {
    const { drafts, ownerOf } = await import('/static/outbox.js');
    const o = await ownerOf(k);
    const d = await drafts.get(o);
    for (const it of d.items) it.checkedAt = old;
    await drafts.put(o, d);
  }, { k, old });
  await phone.setOffline(true);
  try {
    await page.waitForFunction(() => navigator.onLine === false);
    await login(page, k);
    const note = items(page).first().locator('.checked-at');
    await note.waitFor();
    const d = new Date(old + 7 * 3600_000).toISOString().slice(0, 10); // the day in Vietnam
    assert.match(await note.innerText(), new RegExp(`Kiểm tra lúc ${d.split('-').reverse().join('/')} \\d\\d:\\d\\d\\. Đang mất mạng`));
  } finally {
    await phone.setOffline(false);
  }
  // Online, the draft is checked again, and the date goes.
  await items(page).first().locator('.checked-at').waitFor({ state: 'detached' });
  assert.equal(await items(page).first().getAttribute('data-verdict'), 'warning');
  await page.click('#logout').catch(() => {});
  await page.close();
});

test('a near match picked offline waits for the picked model\'s own verdict, not the near answer\'s unknown', async () => {
  const k = await newKey();
  const page = await openPhone();
  await shellReady(page);
  await login(page, k);
  await chooseTrader(page, 'hoang long', 'Hoàng Long');
  await addItem(page, 'DS-2CD1023GOE-I'); // O for 0: verify answers unknown, "only nearly matches"
  const item = items(page).first();
  await item.locator('.picker').waitFor();
  await phone.setOffline(true);
  try {
    await page.waitForFunction(() => navigator.onLine === false);
    await item.locator('.picker button.pick', { hasText: 'DS-2CD1023G0E-I' }).click();
    await item.locator('.picked').waitFor();
    assert.equal(await item.getAttribute('data-state'), 'waiting', 'the pick waits for its own verdict');
    assert.equal(await item.getAttribute('data-verdict'), '');
    assert.equal(await item.locator('.summary').count(), 0, 'no near-match summary under the pick');
  } finally {
    await phone.setOffline(false);
  }
  // Online, the picked model's own verdict.
  await page.waitForFunction(() => document.querySelector('#items .item')?.dataset.verdict === 'warning');
  assert.doesNotMatch(await item.locator('.summary').innerText(), /gần khớp/);
  await page.click('#logout').catch(() => {});
  await page.close();
});

test('a visit made offline on a phone is sent once, across a closed tab and a server frozen then killed mid-request', async () => {
  const k = await newKey();
  let page = await draftWithOneItem(k);
  const marker = 'offline phone ' + Date.now();
  await page.fill('#insp-notes', marker);
  // A box whose GTIN the registry knows; its digits are typed offline.
  const code = gtin13('894' + String(Date.now()).slice(-9));
  const admin = await newKey('admin', 'e2e admin');
  const boxed = (await getJSON('/v1/search?type=model&q=Y33-1080P')).items[0];
  const patch = await fetch(`${base}/v1/models/${boxed.id}`, { method: 'PATCH', headers: { ...auth(admin).headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ gtins: [code] }) });
  assert.ok(patch.ok, `PATCH gtins: ${patch.status}`);

  await phone.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false);
  try {
    // The first item was checked online: offline, it says when.
    await items(page).first().locator('.checked-at', { hasText: 'Đang mất mạng' }).waitFor();
    // Items typed with a typo, a GTIN and a lookalike brand: they wait.
    await addItem(page, 'ds 2cd1023g0ei');
    await addItem(page, code);
    await addItem(page, 'Hikv1sion DS-2CD2143G2-IU');
    await items(page).nth(3).locator('.badge', { hasText: 'Chờ mạng' }).waitFor();
    assert.deepEqual(await smallTargets(page, '#insp'), [], 'every tap target is at least 44 px high');
    await page.waitForTimeout(400);
    const res = await page.reload();
    assert.ok(res.fromServiceWorker());
    await page.locator('#insp').waitFor();
    assert.equal(await items(page).count(), 4);
    await page.click('#submit-insp');
    await page.locator('#outbox .ob[data-state="queued"]').waitFor();
    await page.waitForTimeout(300);
  } finally {
    await page.close();
    await phone.setOffline(false);
  }
  // The network is back but the server is frozen: the tab opens again
  // from the kept shell, the key is kept unchecked, and the queued visit
  // goes out and hangs...
  const posts = [];
  server.kill('SIGSTOP');
  try {
    page = await phone.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/inspections') posts.push(r.headers()['idempotency-key']); });
    await page.goto(base + '/', { timeout: 30_000 });
    await login(page, k);
    await page.locator('#outbox .ob[data-state="sending"]').waitFor({ timeout: 30_000 });
  } finally {
    // ...until the server dies with the request in it, and starts again.
    server.kill('SIGKILL');
    server.kill('SIGCONT');
  }
  await new Promise((r) => server.exitCode !== null || server.signalCode !== null ? r() : server.once('exit', r));
  await page.locator('#outbox .ob[data-state="queued"]').waitFor({ timeout: 20_000 });
  const out = openSync(serverLog, 'a');
  revived = spawn(server.spawnfile, server.spawnargs.slice(1), {
    cwd: tmp, stdio: ['ignore', out, out],
    env: { ...camregEnv(), CAMREG_ADDR: new URL(base).host, CAMREG_RATE_LIMITS: 'public=200:400' },
  });
  await waitFor('/readyz', async () => (await fetch(base + '/readyz')).ok);
  // The phone says it is back online: the outbox tries at once.
  await phone.setOffline(true);
  await phone.setOffline(false);
  await page.locator('#outbox .ob[data-state="sent"]').waitFor({ timeout: 30_000 });
  assert.ok(posts.length >= 2, 'sent again after the kill');
  assert.equal(new Set(posts).size, 1, 'with one Idempotency-Key');
  const recs = await inspectionsWith(k, await traderID('Hoàng Long'), marker);
  assert.equal(recs.length, 1, 'one inspection on the server');
  assert.equal(recs[0].items.length, 4, 'with every item');
  assert.equal(recs[0].items[2].camera_model_id, boxed.id, 'the typed GTIN is the box\'s model');
  assert.equal(recs[0].inspected_on, DAY);
  assert.deepEqual(errors.splice(0), [], 'no script errors');
  await page.close();
});

test('a finding moved offline after a colleague moved it is refused on sync and said so, not overwritten', async () => {
  const k = await newKey();
  const insp = await recordOf(k, [{ model: 'QTX-9412AIP' }], 'conflict ' + Date.now());
  const page = await openPhone();
  await login(page, k);
  await page.goto(`${base}/#inspection/${insp.id}`);
  const f = page.locator('#record .finding').first();
  await f.waitFor();
  const fid = await f.getAttribute('data-id');
  await phone.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false);
  try {
    await f.locator('button[data-to="dismissed"]').tap();
    await f.locator('form.move textarea').fill('Hàng trưng bày, không bán');
    await f.locator('form.move button[type="submit"]').tap();
    await page.locator('#record-outbox .ob[data-state="queued"]').waitFor();
    // Meanwhile a colleague at the office confirms it.
    const cur = await fetch(`${base}/v1/findings/${fid}`, auth(k));
    const r = await fetch(`${base}/v1/findings/${fid}`, { method: 'PATCH',
      headers: { ...auth(k).headers, 'Content-Type': 'application/json', 'If-Match': cur.headers.get('etag') },
      body: JSON.stringify({ status: 'confirmed', note: 'Đã xác nhận tại văn phòng' }) });
    assert.equal(r.status, 200);
  } finally {
    await phone.setOffline(false);
  }
  // Back online: the queued move is refused, and the page says why.
  const failed = page.locator('#record-outbox .ob[data-state="failed"]');
  await failed.waitFor({ timeout: 20_000 });
  assert.match(await failed.innerText(), /người khác thay đổi/);
  await page.locator(`#record .finding[data-id="${fid}"][data-status="confirmed"]`).waitFor();
  const after = await getJSON('/v1/findings/' + fid, auth(k));
  assert.equal(after.status, 'confirmed', 'the colleague\'s move stands');
  assert.equal(after.status_reason, 'Đã xác nhận tại văn phòng');
  assert.deepEqual(errors.splice(0), [], 'no script errors');
  await page.close();
});

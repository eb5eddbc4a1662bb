// End-to-end tests of the inspector's page in a real browser: Debian's
// headless Chromium driven by playwright-core, against a real
// `camreg serve --demo` on 127.0.0.1 with its own data directory (the
// set-up and the shared helpers are in harness.js; the shop visit's tests
// are in visit.test.js).
//
//   node --test --test-concurrency=1 e2e.test.js visit.test.js
//
// Verdicts depend on the date, so the checks that assert one set the date
// ("on date…", the inspection date) to DAY: today in Vietnam, the day the
// demo is loaded, from which its relative dates (importer/demo/*.csv,
// "today-116d") count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DAY, shifted, vn, PHONE, DESKTOP, base, ctx, inspectorKey, getJSON, open, done, shot, panel, verdictOf, noHorizontalScroll,
} from './harness.js';

// ---- the tests ------------------------------------------------------------------

test('the first load is under 150 KB', async () => {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const wire = new Map();
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, e.encodedDataLength));
  const bodies = [];
  page.on('response', async (r) => { bodies.push(r.body().then((b) => [r.url(), b.length]).catch(() => [r.url(), 0])); });
  await page.goto(base + '/', { waitUntil: 'networkidle' });
  const sizes = await Promise.all(bodies);
  const body = sizes.reduce((n, [, b]) => n + b, 0);
  const onWire = [...wire.values()].reduce((n, b) => n + b, 0);
  for (const [u, b] of sizes) console.log(`  first load: ${String(b).padStart(6)} B  ${u.replace(base, '')}`);
  console.log(`  first load: ${sizes.length} requests, ${body} bytes of content, ${onWire} bytes on the wire (headers included)`);
  assert.ok(sizes.length >= 2 && sizes.length <= 10, `${sizes.length} requests`);
  assert.ok(onWire < 150_000, `the first load weighs ${onWire} bytes on the wire`);
  assert.ok(body < 150_000, `the first load weighs ${body} bytes`);
  await cdp.detach();
  await page.close();
});

test('search with a typo, then the verdict with its reasons, evidence, permalink and QR code', async () => {
  const page = await open();
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.fill('#at', DAY);
  await page.fill('#q', 'hikvison ds2cd1023');
  const p = panel(page);
  await p.locator('h2', { hasText: 'DS-2CD1023G0E-I' }).waitFor();
  assert.equal(await verdictOf(p), 'warning');
  assert.match(await p.locator('.badge').first().innerText(), /Cần lưu ý/);
  // The reasons, with their evidence: the warning and the certificate.
  const text = await p.innerText();
  for (const want of ['383/CATTT-NCSC', 'V5.5.800 build 210628', 'QCVN11-Q1-2026-0008', vn(shifted(0, -116)), vn(shifted(3, -117)), 'E256100128410034']) {
    assert.ok(text.includes(want), `the verdict shows ${want}`);
  }
  // The permalink and its QR code.
  const link = p.locator('.permalink a');
  assert.match(await link.getAttribute('href'), /\/m\/hikvision\/ds2cd1023g0ei$/);
  const qr = p.locator('img.qr');
  await qr.waitFor();
  await page.waitForFunction(() => document.querySelector('img.qr')?.complete);
  assert.ok(await qr.evaluate((img) => img.naturalWidth > 0), 'the QR code loads');
  assert.ok((await qr.getAttribute('alt')).length > 5, 'the QR code has a text alternative');
  // The status line says it for screen readers.
  assert.match(await page.locator('#lookup-status').innerText(), /DS-2CD1023G0E-I: Cần lưu ý/);
  // The URL is now a deep link to this verdict.
  assert.match(page.url(), /[?&]model=DS-2CD1023G0E-I/);
  await noHorizontalScroll(page);
  await shot(page, 'lookup-phone', { height: 1500 });
  // A broader query lists several models, each with its own badge.
  await page.fill('#q', 'hikvision');
  await page.waitForFunction(() => document.querySelectorAll('#results .hit[data-type="model"] .badge').length >= 2);
  const badges = await page.locator('#results .hit[data-type="model"] .badge').evaluateAll((els) => els.map((e) => e.dataset.verdict));
  assert.ok(badges.every((v) => ['compliant', 'non_compliant', 'warning', 'unknown'].includes(v)), badges.join());
  await done(page);
});

test('a box\'s GTIN of another model (gtin_model_mismatch): its evidence names the GTIN and the brand typed, in both languages', async () => {
  const page = await open();
  const rows = await page.evaluate(async () => {
    const { evidence } = await import('/static/render.js');
    const i18n = await import('/static/i18n.js');
    // The evidence verify gives (api/gtin_test.go TestGTINOfAnotherModelNeverPasses).
    const ev = { query: 'IPC-HFW1230S-S5', typed_brand: 'Dahua', gtin: '08936012345674', brand: 'Hikvision', model_number: 'DS-2CD1023G0E-I' };
    const was = i18n.lang();
    const out = {};
    for (const l of ['vi', 'en']) {
      i18n.setLang(l);
      out[l] = [...evidence(ev).querySelectorAll(':scope > div')].map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]);
    }
    i18n.setLang(was);
    return out;
  });
  assert.deepEqual(rows.vi, [['GTIN trên hộp', '08936012345674'], ['Hãng đã nhập', 'Dahua']]);
  assert.deepEqual(rows.en, [['GTIN on the box', '08936012345674'], ['Brand typed', 'Dahua']]);
  await done(page);
});

test('search without diacritics finds traders', async () => {
  const page = await open();
  await page.fill('#q', 'dien may song han da nang');
  const hit = page.locator('#results .hit[data-type="organization"]', { hasText: 'Điện máy Sông Hàn' });
  await hit.waitFor();
  assert.match(await hit.innerText(), /0402156374/);
  await page.fill('#q', 'cua hang thiet bi so hoang long');
  await page.locator('#results .hit', { hasText: 'Thiết bị Số Hoàng Long' }).waitFor();
  await done(page);
});

test('typing a model number as printed or as a key lands on its verdict', async () => {
  const page = await open();
  await page.fill('#at', DAY);
  for (const typed of ['ds2cd1023g0ei', 'DS-2CD1023G0E-I']) {
    await page.fill('#q', typed);
    await panel(page).locator('h2', { hasText: 'Hikvision DS-2CD1023G0E-I' }).waitFor();
  }
  // The no-brand Yoosee camera, found by its model number alone.
  await page.fill('#q', 'Y33-1080P');
  await panel(page).locator('h2', { hasText: 'Yoosee Y33-1080P' }).waitFor();
  assert.equal(await verdictOf(panel(page)), 'non_compliant');
  await done(page);
});

test('a near number is unknown: named as typed, the model it nearly matches offered, no QR of that model', async () => {
  const page = await open();
  await page.fill('#at', DAY);
  await page.fill('#q', 'DS-2CD1023GOE-I'); // O for 0: one letter from the registered DS-2CD1023G0E-I
  const p = panel(page);
  await p.locator('.summary', { hasText: 'chỉ gần khớp với Hikvision DS-2CD1023G0E-I' }).waitFor();
  assert.equal(await verdictOf(p), 'unknown');
  assert.match(await p.locator('.badge').first().innerText(), /Chưa xác định/);
  assert.equal(await p.locator('#verdict-h').innerText(), 'DS-2CD1023GOE-I', 'the heading is the number typed, not the other model');
  assert.match(await p.locator('.notice').innerText(), /chưa kết luận được/);
  assert.equal(await p.locator('.reason').first().getAttribute('data-code'), 'possible_match');
  assert.equal(await p.locator('img.qr').count(), 0, 'no QR code of the other model');
  assert.match(await page.locator('#lookup-status').innerText(), /DS-2CD1023GOE-I: Chưa xác định/);
  assert.ok(!/[?&]model=/.test(page.url()), 'no deep link to a near match');
  await page.click('#lang');
  await p.locator('.summary', { hasText: 'only nearly matches Hikvision DS-2CD1023G0E-I' }).waitFor();
  assert.match(await p.locator('.notice').innerText(), /no verdict until the number on the label is checked/);
  assert.match(await p.locator('.badge').first().innerText(), /Unknown/);
  await page.click('#lang');
  // The candidate, chosen, is that model's own verdict, with its QR code.
  await p.locator('ul.candidates button', { hasText: 'DS-2CD1023G0E-I' }).click();
  await p.locator('#verdict-h', { hasText: 'Hikvision DS-2CD1023G0E-I' }).waitFor();
  assert.equal(await verdictOf(p), 'warning');
  await p.locator('img.qr').waitFor();
  await done(page);
});

test('a non-compliant model shows why: a stop-sale warning and a revoked certificate', async () => {
  const page = await open();
  await page.fill('#at', DAY);
  await page.fill('#q', 'Y33-1080P');
  const p = panel(page);
  await p.locator('h2', { hasText: 'Y33-1080P' }).waitFor();
  assert.equal(await verdictOf(p), 'non_compliant');
  assert.match(await p.locator('.badge').first().innerText(), /Không đạt/);
  const warned = p.locator('.reason[data-code="warned_model"]');
  assert.match(await warned.innerText(), /1586\/CATTT-NCSC/);
  assert.match(await warned.innerText(), /dừng kinh doanh/);
  assert.equal(await p.locator('.reason[data-code="no_conformity_certificate"]').count(), 1);
  await shot(page, 'noncompliant-phone', { height: 1400 });

  await page.fill('#q', 'questek');
  await p.locator('h2', { hasText: 'QTX-9412AIP' }).waitFor();
  assert.equal(await verdictOf(p), 'non_compliant');
  const revoked = p.locator('.reason[data-code="certificate_revoked"]');
  const r = await revoked.innerText();
  assert.match(r, /QCVN135-Q3-2025-0102/);
  assert.match(r, /15\/09\/2026/);
  assert.match(r, /bị thu hồi/);
  await done(page);
});

test('"on date…" and the firmware re-run the verdict', async () => {
  const page = await open();
  await page.fill('#at', DAY);
  await page.fill('#q', 'QTX-9412AIP');
  const p = panel(page);
  await p.locator('h2', { hasText: 'QTX-9412AIP' }).waitFor();
  assert.equal(await verdictOf(p), 'non_compliant');
  // Before the revocation (and before QCVN 11 became mandatory) it was fine but for its origin papers.
  await page.fill('#at', '2026-06-01');
  await page.locator('#at').dispatchEvent('change');
  await p.locator('.meta', { hasText: '01/06/2026' }).waitFor();
  assert.equal(await verdictOf(p), 'warning');
  assert.equal(await p.locator('.reason[data-code="certificate_valid"]').count(), 1);

  // A firmware past the fix clears the Hikvision warning.
  await page.fill('#at', DAY);
  await page.fill('#q', 'DS-2CD1023G0E-I');
  await p.locator('h2', { hasText: 'DS-2CD1023G0E-I' }).waitFor();
  await page.locator('.meta', { hasText: vn(DAY) }).waitFor();
  assert.equal(await verdictOf(p), 'warning');
  await page.fill('#fw', 'V5.7.3 build 220112');
  await page.locator('#fw').press('Enter');
  await p.locator('.meta', { hasText: 'V5.7.3 build 220112' }).waitFor();
  assert.equal(await verdictOf(p), 'compliant');
  assert.equal(await p.locator('.reason[data-code="firmware_not_affected"]').count(), 1);
  await done(page);
});

test('deep links and QR permalinks land on the verdict', async () => {
  const page = await open(`/?model=DS-2CD1023G0E-I&brand=Hikvision&at=${DAY}`);
  const p = panel(page);
  await p.locator('h2', { hasText: 'Hikvision DS-2CD1023G0E-I' }).waitFor();
  assert.equal(await page.inputValue('#q'), 'DS-2CD1023G0E-I');
  // The QR code's permalink: a server-rendered page with the same verdict.
  const href = await p.locator('.permalink a').getAttribute('href');
  await page.goto(href);
  assert.match(await page.locator('.verdict .label').textContent(), /cần lưu ý|đạt|không đạt/iu);
  assert.match(await page.locator('h1').innerText(), /DS-2CD1023G0E-I/);
  await done(page);
});

test('the English switch, remembered across loads', async () => {
  const page = await open();
  await page.fill('#at', DAY);
  await page.fill('#q', 'DS-2CD1023G0E-I');
  const p = panel(page);
  await p.locator('h2', { hasText: 'DS-2CD1023G0E-I' }).waitFor();
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('label[for="q"]').innerText(), 'Camera model number, brand, shop or certificate number');
  // The API's own words follow: the summary and reasons come back in English.
  await p.locator('.summary', { hasText: 'Compliant with reservations' }).waitFor();
  assert.match(await p.locator('.badge').first().innerText(), /Warning/);
  assert.match(await p.locator('.reason[data-code="warned_model"]').innerText(), /Warning 383\/CATTT-NCSC|383\/CATTT-NCSC/);
  await shot(page, 'lookup-english-phone', { height: 1100 });
  await page.reload();
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered');
  assert.equal(await page.evaluate(() => localStorage.getItem('camreg.lang')), 'en');
  assert.equal(await page.locator('#lang').innerText(), 'Tiếng Việt');
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await done(page);
});

test('everything is reachable and operable by keyboard, with visible focus', async () => {
  const page = await open(`/?at=${DAY}`);
  // From the top of the page, Tab reaches the search box.
  const seen = [];
  for (let i = 0; i < 8 && seen.at(-1) !== 'q'; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent.trim()));
  }
  assert.equal(seen.at(-1), 'q', `Tab order: ${seen.join(' → ')}`);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused input shows its focus');
  await page.keyboard.type('hikvision');
  const buttons = page.locator('#results .hit[data-type="model"] button');
  await buttons.first().waitFor();
  // Tab on to the first "see the verdict" button, and press Enter.
  let onButton = false;
  for (let i = 0; i < 30 && !onButton; i++) {
    await page.keyboard.press('Tab');
    onButton = await page.evaluate(() => document.activeElement?.matches('#results .hit[data-type="model"] button.secondary'));
  }
  assert.ok(onButton, 'a result button is reachable by Tab');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
  const chosen = await page.evaluate(() => document.activeElement.closest('.hit').querySelector('h3').textContent);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'verdict-h');
  assert.equal(await page.locator('#verdict-h').innerText(), chosen, 'Enter opens that verdict and moves focus to it');
  // Every input has a label.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, textarea, select')]
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label'))).map((el) => el.id));
  assert.deepEqual(unlabelled, []);
  await done(page);
});

test('text and badges have a contrast of at least 4.5:1', async () => {
  const page = await open(`/?model=Y33-1080P&at=${DAY}`);
  await panel(page).waitFor();
  await page.fill('#q', 'hikvision');
  await page.locator('#results .hit .badge').first().waitFor();
  const low = await page.evaluate(() => {
    const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (!el.offsetParent && el.tagName !== 'BODY') continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const fg = rgb(getComputedStyle(el).color).slice(0, 3);
      const [a, b] = [lum(fg), lum(bg(el))].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 4.5) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
    }
    return out;
  });
  assert.deepEqual(low, []);
  await done(page);
});

test('API errors (problem+json) are readable, never raw JSON', async () => {
  const page = await open();
  // A problem as the server words it, with field errors, in place of a search answer.
  await page.route('**/v1/search**', (route) => route.fulfill({
    status: 422, contentType: 'application/problem+json',
    body: JSON.stringify({ type: 'about:blank', title: 'Your request has invalid fields', status: 422,
      errors: [{ field: 'q', message: 'must be at most 200 characters' }] }),
  }));
  await page.fill('#q', 'camera');
  const box = page.locator('#lookup-error');
  await box.waitFor();
  const text = await box.innerText();
  assert.equal(await box.getAttribute('role'), 'alert');
  assert.match(text, /Dữ liệu chưa hợp lệ/);
  assert.match(text, /Your request has invalid fields/);
  assert.match(text, /q: must be at most 200 characters/);
  assert.ok(!text.includes('{'), 'no JSON in the message');
  await page.unroute('**/v1/search**');
  await done(page);
});

test('offline is shown clearly, and the page recovers', async () => {
  const page = await open();
  await ctx.setOffline(true);
  try {
    const net = page.locator('#net');
    await net.waitFor();
    assert.match(await net.innerText(), /Mất kết nối mạng/);
    await page.fill('#q', 'ds2cd1023g0ei');
    const box = page.locator('#lookup-error');
    await box.waitFor();
    assert.match(await box.innerText(), /Mất kết nối mạng|Không kết nối được/);
    await shot(page, 'offline-phone');
  } finally {
    await ctx.setOffline(false);
  }
  await page.locator('#net').waitFor({ state: 'hidden' });
  // Back online, the pending query runs again.
  await panel(page).locator('h2', { hasText: 'DS-2CD1023G0E-I' }).waitFor();
  await done(page);
});

test('a slow network is shown while a request waits', async () => {
  const page = await open();
  const aborted = [];
  page.on('requestfailed', (r) => { if (r.url().includes('/v1/search')) aborted.push(new URL(r.url()).searchParams.get('q')); });
  await page.route('**/v1/search**', async (route) => {
    await new Promise((r) => setTimeout(r, 3500));
    await route.continue().catch(() => {}); // the page may have cancelled it meanwhile
  });
  // A stale request is cancelled when the user types on.
  await page.fill('#q', 'dah');
  await page.waitForRequest((r) => r.url().includes('/v1/search'));
  await page.fill('#q', 'dahua');
  const net = page.locator('#net');
  await net.waitFor({ timeout: 5000 });
  assert.match(await net.innerText(), /Mạng chậm/);
  await net.waitFor({ state: 'hidden', timeout: 8000 });
  await page.locator('#results .hit').first().waitFor();
  assert.deepEqual(aborted, ['dah'], 'the stale search was aborted');
  await page.unroute('**/v1/search**');
  await done(page);
});

async function inspection(page, { screenshots = '' } = {}) {
  await page.click('#tab-inspect');
  await page.locator('#key-form').waitFor();
  // A wrong key is refused with a readable message.
  await page.fill('#key', 'not-a-real-key');
  await page.locator('#key').press('Enter');
  await page.locator('#key-error', { hasText: 'Khóa không hợp lệ' }).waitFor();
  assert.ok(!(await page.locator('#key-error').innerText()).includes('{'));

  await page.fill('#key', inspectorKey);
  await page.click('#key-form button[type="submit"]');
  await page.locator('#insp').waitFor();
  // The key stays in this tab only: never in localStorage or the URL.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('camreg.key')), inspectorKey);
  assert.ok(!(await page.evaluate(() => JSON.stringify({ ...localStorage }))).includes(inspectorKey));
  assert.ok(!page.url().includes(inspectorKey));

  await page.fill('#insp-date', DAY);
  await page.locator('#insp-date').dispatchEvent('change');
  await page.fill('#trader-q', 'hoang long');
  await page.locator('#trader-results button', { hasText: 'Chọn' }).first().click();
  await page.locator('#trader-name', { hasText: 'Hoàng Long' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'item-model', 'focus moves on to the first item');
  // The compliance summary of the trader appears.
  await page.locator('#compliance .counts .badge').first().waitFor();

  // Items one after another, from the keyboard: model, Tab, firmware, Tab, quantity, Enter.
  const items = [['DS-2CD1023G0E-I', 'V5.7.3 build 220112', '4'], ['Y33-1080P', '', '10'], ['qtx9412aip', '', '2']];
  for (const [model, fw, qty] of items) {
    await page.keyboard.type(model);
    await page.keyboard.press('Tab');
    if (fw) await page.keyboard.type(fw);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(qty);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement.id === 'item-model');
  }
  const li = page.locator('#items .item');
  await page.waitForFunction(() => document.querySelectorAll('#items .item .badge[data-verdict]').length === 3);
  assert.deepEqual(await li.evaluateAll((els) => els.map((e) => e.dataset.verdict)), ['compliant', 'non_compliant', 'non_compliant']);
  assert.match(await li.nth(2).innerText(), /Questek QTX-9412AIP/, 'a key typed without dashes is matched to the model');
  if (screenshots) await shot(page, `inspection-items-${screenshots}`, { height: screenshots === 'phone' ? 1700 : 1400 });

  // A date in the future is refused by the server, and said so plainly.
  await page.fill('#insp-date', '2099-01-01');
  await page.click('#submit-insp');
  const refused = page.locator('#submit-error');
  await refused.waitFor();
  assert.match(await refused.innerText(), /Dữ liệu chưa hợp lệ[\s\S]*inspected_on/);
  assert.ok(!(await refused.innerText()).includes('{'));
  await page.fill('#insp-date', DAY);

  await page.click('#submit-insp');
  const outcome = page.locator('#insp-result .outcome');
  await outcome.waitFor();
  assert.match(await outcome.locator('h3').innerText(), /Phát sinh 2 vi phạm/);
  const violations = await outcome.locator('.finding').evaluateAll((els) => els.map((e) => e.dataset.violation));
  assert.ok(violations.includes('certificate_revoked'), `findings: ${violations}`);
  assert.ok(violations.some((v) => v === 'warned_model' || v === 'no_conformity_certificate'), `findings: ${violations}`);
  // The trader's summary now lists the open findings.
  await page.locator('#compliance .finding').first().waitFor();
  assert.ok(await page.locator('#compliance .finding').count() >= 2);
  await noHorizontalScroll(page);
  if (screenshots) {
    await outcome.scrollIntoViewIfNeeded();
    await shot(page, `inspection-findings-${screenshots}`, { full: true });
  }
  // The raised findings are in the API too.
  const fs = await getJSON('/v1/findings?limit=50', { headers: { Authorization: 'Bearer ' + inspectorKey } });
  assert.ok(fs.items.some((f) => f.violation === 'certificate_revoked'));
}

test('a complete inspection raises findings (phone)', async () => {
  const page = await open();
  await inspection(page, { screenshots: 'phone' });
  // Ending the session forgets the key.
  await page.click('#logout');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('camreg.key')), null);
  await page.locator('#key-form').waitFor();
  await done(page);
});

test('a complete inspection on a desktop, and the desktop lookup', async () => {
  const page = await open('/', DESKTOP);
  await inspection(page, { screenshots: 'desktop' });
  await page.click('#tab-lookup');
  await page.fill('#at', DAY);
  await page.fill('#q', 'hikvison');
  await page.locator('#results .hit[data-type="model"] .badge').first().waitFor();
  await page.locator('#results .hit[data-type="model"] button', { hasText: 'Xem kết luận' }).first().click();
  await panel(page).locator('h2', { hasText: 'Hikvision' }).waitFor();
  await page.locator('#results .hit[data-type="model"] .badge').first().waitFor();
  await page.locator('img.qr').evaluate((img) => img.complete || new Promise((r) => { img.onload = r; }));
  await shot(page, 'lookup-desktop', { full: true });
  await done(page);
});

test('a 360 px screen: no horizontal scroll, key controls in view', async () => {
  const page = await open(`/?model=QTX-9412AIP&at=${DAY}`, PHONE);
  await panel(page).waitFor();
  await noHorizontalScroll(page);
  for (const sel of ['#q', '#lang', '#tab-lookup', '#tab-inspect']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height, `${sel} is in view: ${JSON.stringify(box)}`);
  }
  const q = await page.locator('#q').boundingBox();
  assert.ok(q.width >= 300, 'the search box spans the screen');
  await page.click('#tab-inspect');
  await page.locator('#key').waitFor();
  await noHorizontalScroll(page);
  const key = await page.locator('#key-form button').boundingBox();
  assert.ok(key.y + key.height <= PHONE.height, 'the start button is in view');
  await done(page);
});

// Scanning with a live camera, in Chromium's fake camera: the camera
// "films" a video file made here, in the test, from a rendered EAN-13
// barcode (a .y4m of a few frames, written to the test's temp dir and never
// committed). Both of the page's decoding paths run on the live video:
// ZXing (the vendored decoder, lazily loaded, where BarcodeDetector is
// missing, as in headless Chromium on Linux), and BarcodeDetector (a fake
// one injected before the page loads, which must be handed the playing
// video and answers a known code).
//
//   node --test --test-concurrency=1 camera.test.js

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PHONE, base, tmp, getJSON } from './harness.js';
import { newKey, auth, login, chooseTrader, items, gtin13 } from './shop.js';

// ean13Bits is the 95 modules of an EAN-13 symbol, '1' for a bar.
function ean13Bits(digits) {
  const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
  const R = L.map((c) => [...c].map((b) => (b === '0' ? '1' : '0')).join(''));
  const G = R.map((c) => [...c].reverse().join(''));
  const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];
  const d = [...digits].map(Number);
  let bits = '101';
  for (let i = 1; i <= 6; i++) bits += (PARITY[d[0]][i - 1] === 'L' ? L : G)[d[i]];
  bits += '01010';
  for (let i = 7; i <= 12; i++) bits += R[d[i]];
  return bits + '101';
}

// y4m writes a YUV4MPEG2 video (4:2:0) of frames showing the barcode of
// digits on white, as a phone held over a box would see it: 640×480,
// 4 px a module, centred, the same picture in every frame.
function y4m(path, digits, frames = 6) {
  const W = 640, H = 480, m = 4;
  const bits = ean13Bits(digits);
  const x0 = Math.floor((W - bits.length * m) / 2), y0 = 90, y1 = 390;
  const y = Buffer.alloc(W * H, 235); // white
  for (let row = y0; row < y1; row++) {
    for (let i = 0; i < bits.length; i++) if (bits[i] === '1') y.fill(16, row * W + x0 + i * m, row * W + x0 + (i + 1) * m);
  }
  const uv = Buffer.alloc((W / 2) * (H / 2) * 2, 128); // no colour
  const parts = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n'), y, uv);
  writeFileSync(path, Buffer.concat(parts));
}

let browser, cam, code, model;

// setUp runs once, from the first test: the harness's own before hook
// (the server) must have finished, and hooks of one file do not wait for
// each other.
let ready = null;
const setUp = () => (ready ??= setUpOnce());
async function setUpOnce() {
  code = gtin13('893' + String(Date.now()).slice(-9));
  const video = join(tmp, 'barcode.y4m');
  y4m(video, code);
  // A demo model carries the code as its GTIN (an admin sets it).
  const admin = await newKey('admin', 'e2e camera admin');
  model = (await getJSON('/v1/search?type=model&q=DS-2CD1023G0E-I')).items[0];
  const res = await fetch(`${base}/v1/models/${model.id}`, {
    method: 'PATCH', headers: { ...auth(admin).headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ gtins: [code] }),
  });
  assert.ok(res.ok, `PATCH gtins: ${res.status} ${await res.text()}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  cam = await browser.newContext({ viewport: PHONE, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', permissions: ['camera'] });
}

after(async () => {
  await cam?.close().catch(() => {});
  await browser?.close().catch(() => {});
});

async function page() {
  await setUp();
  const p = await cam.newPage();
  p.setDefaultTimeout(15_000);
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  p.errors = errors;
  return p;
}

test('the live camera, decoded by ZXing: a box\'s EAN-13 filmed from the lookup lands on its model\'s verdict', async () => {
  const p = await page();
  const loaded = [];
  p.on('request', (r) => { if (r.url().includes('zxing')) loaded.push(r.url()); });
  await p.goto(base + '/');
  // Where the browser has its own BarcodeDetector, ZXing is asked for.
  await p.evaluate(() => localStorage.setItem('camreg.scan', 'zxing'));
  await p.reload();
  await p.click('#lookup-scan');
  await p.locator('#scanner').waitFor();
  // The decoder loads, the camera starts, frames are read until one decodes:
  // nothing is typed and no file is picked.
  await p.waitForFunction(() => document.querySelector('#scanner')?.dataset.decoder === 'ZXing', null, { timeout: 30_000 });
  await p.locator('#verdict article h2', { hasText: 'DS-2CD1023G0E-I' }).waitFor({ timeout: 60_000 })
    .catch(async (e) => { throw new Error(`${e.message}; scanner: ${await p.locator('#scan-status').innerText()}`); });
  assert.equal(await p.inputValue('#q'), code, 'the box\'s GTIN is what was read');
  assert.ok(await p.locator('#scanner').isHidden(), 'the scanner closes after a read');
  assert.equal(await p.evaluate(() => document.querySelector('#scan-video').srcObject), null, 'the camera is released');
  assert.equal(loaded.length, 1, 'ZXing was loaded, once');
  await p.evaluate(() => localStorage.removeItem('camreg.scan'));
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the live camera, decoded by BarcodeDetector: the scan adds the box to the inspection', async () => {
  const p = await page();
  // A BarcodeDetector of the shape browsers have; it sees the live video
  // (its size and that it plays are recorded), and reads the known code.
  await p.addInitScript((known) => {
    window.__seen = [];
    window.BarcodeDetector = class {
      static async getSupportedFormats() { return ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'qr_code']; }
      constructor(opts) { window.__formats = opts?.formats || []; }
      async detect(src) {
        const live = src instanceof HTMLVideoElement && !!src.srcObject && !src.paused && src.videoWidth > 0;
        window.__seen.push({ live, w: src.videoWidth, h: src.videoHeight });
        return live ? [{ rawValue: known, format: 'ean_13', boundingBox: { x: 0, y: 0, width: 1, height: 1 } }] : [];
      }
    };
  }, code);
  const loaded = [];
  p.on('request', (r) => { if (r.url().includes('zxing')) loaded.push(r.url()); });
  await p.goto(base + '/');
  await p.evaluate(() => localStorage.removeItem('camreg.scan')); // the browser's detector, wherever it exists
  await login(p, await newKey('inspector', 'e2e camera'));
  await chooseTrader(p, 'hoang long', 'Hoàng Long');
  await p.click('#scan-btn');
  await p.locator('#scanner').waitFor();
  await p.waitForFunction(() => document.querySelectorAll('#items .item')[0]?.dataset.verdict, null, { timeout: 30_000 })
    .catch(async (e) => { throw new Error(`${e.message}; scanner: ${await p.locator('#scan-status').innerText()}`); });
  const item = await items(p).first().innerText();
  assert.match(item, /DS-2CD1023G0E-I/);
  assert.match(item, new RegExp('GTIN ' + code));
  assert.equal(await p.locator('#scanner').getAttribute('data-decoder'), 'BarcodeDetector');
  const seen = await p.evaluate(() => window.__seen);
  assert.ok(seen.some((s) => s.live && s.w === 640 && s.h === 480), `the detector was given the live 640×480 camera: ${JSON.stringify(seen)}`);
  assert.ok((await p.evaluate(() => window.__formats)).includes('ean_13'));
  assert.equal(loaded.length, 0, 'ZXing is not loaded where BarcodeDetector is');
  assert.ok(await p.locator('#scanner').isHidden());
  assert.deepEqual(p.errors, []);
  await p.close();
});

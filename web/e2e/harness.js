// The shared harness of the browser tests: a real `camreg serve --demo` on
// 127.0.0.1 with its own data directory, an inspector key made with the
// CLI, one persistent headless Chromium context, and the helpers the tests
// share. Importing it registers the before and after hooks of the file.
//
// CAMREG_BIN names a built camreg (else it is built into a temp dir);
// CHROMIUM names the browser (default /usr/bin/chromium); SCREENSHOTS names
// the directory that receives the screenshots (default: a temp dir; `make
// screenshots` points it at docs/screenshots).

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, rmSync, openSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

export const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
export const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
// shifted returns DAY moved by years and days, as the demo's "today+3y-117d".
export const shifted = (years, days) => {
  const d = new Date(`${DAY}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
// vn writes a YYYY-MM-DD date as the page does: DD/MM/YYYY.
export const vn = (iso) => iso.split('-').reverse().join('/');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

export let tmp, bin, base, server, serverLog, ctx, inspectorKey, shots;

// ---- set-up -----------------------------------------------------------------

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

export async function getJSON(path, init) {
  const res = await fetch(base + path, init);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function waitFor(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { if (await fn()) return; } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}\n--- server log ---\n${tail()}`);
}

export const tail = () => { try { return readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n'); } catch { return ''; } };

// The server under test: SQLite and bleve in its own data directory,
// whatever the environment says, and permalinks on its own address.
export const camregEnv = () => {
  const env = { ...process.env, CAMREG_DATA: join(tmp, 'data'), CAMREG_DB: '', CAMREG_SEARCH: 'bleve' };
  delete env.CAMREG_PUBLIC_URL;
  return env;
};

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'camreg-e2e-'));
  shots = resolve(process.env.SCREENSHOTS || join(tmp, 'shots'));
  mkdirSync(shots, { recursive: true });
  bin = process.env.CAMREG_BIN ? resolve(process.env.CAMREG_BIN) : join(tmp, 'camreg');
  if (!process.env.CAMREG_BIN) await run('go', ['build', '-o', bin, '.'], { cwd: root });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  serverLog = join(tmp, 'serve.log');
  const out = openSync(serverLog, 'a');
  server = spawn(bin, ['serve', '--demo'], {
    cwd: tmp, stdio: ['ignore', out, out],
    // The tests type quickly from one address; the public rate limit has
    // its own tests, so it is raised here rather than waited out.
    env: { ...camregEnv(), CAMREG_ADDR: `127.0.0.1:${port}`, CAMREG_RATE_LIMITS: 'public=200:400' },
  });
  // If the run is interrupted (CI's timeout, Ctrl-C), the server goes too.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.once(sig, () => {
      server.kill('SIGKILL');
      if (!process.env.KEEP_E2E_TMP) rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    });
  }
  process.once('exit', () => { if (server.exitCode === null) server.kill('SIGKILL'); });
  server.on('exit', (code, sig) => { if (code !== null && code !== 0) console.error(`camreg serve exited ${code ?? sig}\n${tail()}`); });
  await waitFor('/readyz', async () => (await fetch(base + '/readyz')).ok);
  // The demo is loaded before the server listens, but the search index
  // catches up in the background.
  await waitFor('the search index', async () => (await getJSON('/v1/search?q=questek&type=model')).items.length > 0);

  // An inspector of the demo's market-surveillance office, created with
  // the CLI against the same data directory while the server runs.
  const offices = await getJSON('/v1/organizations?kind=market_surveillance');
  assert.ok(offices.items.length > 0, 'the demo has a market-surveillance office');
  const { stdout } = await run(bin, ['keys', 'create', '--role', 'inspector', '--org', offices.items[0].id, '--name', 'e2e inspector'],
    { cwd: tmp, env: camregEnv() });
  inspectorKey = stdout.trim().split('\n').pop().trim();
  assert.ok(inspectorKey.length > 20, 'keys create printed a key');

  ctx = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: PHONE,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
});

// cleanups run first in the after hook: a test file's own processes (a
// server it started again) go before the data directory is removed.
export const cleanups = [];

after(async () => {
  for (const fn of cleanups.splice(0)) await fn().catch(() => {});
  await ctx?.close().catch(() => {});
  if (server && server.exitCode === null && server.signalCode === null) { // not killed by a test
    server.kill('SIGTERM');
    const gone = new Promise((r) => server.once('exit', r));
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
  if (tmp && !process.env.KEEP_E2E_TMP) rmSync(tmp, { recursive: true, force: true });
});

// ---- helpers ------------------------------------------------------------------

export const errors = [];

// open starts a fresh tab (its own sessionStorage), with the language
// reset to the default, and fails the test on any script error.
export async function open(path = '/', viewport = PHONE) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewportSize(viewport);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  await page.goto(base + '/');
  await page.evaluate(() => localStorage.clear());
  if (path !== '/') await page.goto(base + path);
  else await page.reload();
  return page;
}

export async function done(page) {
  await page.close();
  assert.deepEqual(errors.splice(0), [], 'no script errors');
}

export async function shot(page, name, { full = false, height } = {}) {
  const vp = page.viewportSize();
  const opts = { path: join(shots, name + '.png') };
  if (full || height) {
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    opts.fullPage = true;
    if (height) opts.clip = { x: 0, y: 0, width: vp.width, height: Math.min(h, height) };
  }
  await page.screenshot(opts);
}

export const panel = (page) => page.locator('#verdict article');
export const verdictOf = (loc) => loc.locator('.badge').first().getAttribute('data-verdict');

export async function noHorizontalScroll(page) {
  const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  assert.ok(sw <= w, `no horizontal scroll: the page is ${sw} px wide in a ${w} px viewport`);
}


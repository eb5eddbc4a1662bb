// Helpers of the shop-visit tests (visit.test.js): keys made with the CLI,
// logging in, choosing the trader, adding items, reading back what the
// server recorded, and drawing barcodes.

import assert from 'node:assert/strict';
import { DAY, base, bin, tmp, run, camregEnv, getJSON } from './harness.js';

let office;

/** A fresh key of the given role, made with the CLI. */
export async function newKey(role = 'inspector', name = 'e2e visit') {
  office ??= (await getJSON('/v1/organizations?kind=market_surveillance')).items[0].id;
  const args = ['keys', 'create', '--role', role, '--name', name];
  if (role === 'inspector') args.push('--org', office);
  const { stdout } = await run(bin, args, { cwd: tmp, env: camregEnv() });
  return stdout.trim().split('\n').pop().trim();
}

export const auth = (k) => ({ headers: { Authorization: 'Bearer ' + k } });

/** The server's OpenAPI description, as text: what it supports. */
let openapi;
export async function supports(what) {
  openapi ??= await (await fetch(base + '/openapi.json')).text();
  return openapi.includes(what);
}

export async function login(page, k) {
  await page.click('#tab-inspect');
  await page.fill('#key', k);
  await page.click('#key-form button[type="submit"]');
  await page.locator('#insp').waitFor();
}

export async function chooseTrader(page, q, name) {
  await page.fill('#insp-date', DAY);
  await page.locator('#insp-date').dispatchEvent('change');
  await page.fill('#trader-q', q);
  await page.locator('#trader-results button', { hasText: 'Chọn' }).first().click();
  await page.locator('#trader-name', { hasText: name }).waitFor();
}

export async function addItem(page, model) {
  await page.fill('#item-model', model);
  await page.locator('#item-model').press('Enter');
}

export const items = (page) => page.locator('#items .item');

/** The inspections of a trader whose notes are marker, as the API lists them. */
export async function inspectionsWith(k, traderID, marker) {
  const res = await getJSON(`/v1/inspections?trader=${traderID}&limit=500`, auth(k));
  return res.items.filter((i) => i.notes === marker);
}

export async function traderID(name) {
  const res = await getJSON('/v1/search?type=organization&q=' + encodeURIComponent(name));
  return res.items.find((x) => x.item?.trader).id;
}

// ean13 draws an EAN-13 barcode of digits on a canvas, as a PNG data URL.
export function drawEAN13(digits) {
  const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
  const R = L.map((c) => [...c].map((b) => (b === '0' ? '1' : '0')).join(''));
  const G = R.map((c) => [...c].reverse().join(''));
  const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];
  const d = [...digits].map(Number);
  let bits = '101';
  for (let i = 1; i <= 6; i++) bits += (PARITY[d[0]][i - 1] === 'L' ? L : G)[d[i]];
  bits += '01010';
  for (let i = 7; i <= 12; i++) bits += R[d[i]];
  bits += '101';
  const m = 4, quiet = 12 * m;
  const c = document.createElement('canvas');
  c.width = bits.length * m + 2 * quiet;
  c.height = 220;
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#000';
  [...bits].forEach((b, i) => { if (b === '1') g.fillRect(quiet + i * m, 20, m, 180); });
  return c.toDataURL('image/png');
}

/** A GTIN-13 with its GS1 check digit. */
export function gtin13(first12) {
  const sum = [...first12].map(Number).reduce((s, x, i) => s + x * (i % 2 ? 3 : 1), 0);
  return first12 + ((10 - (sum % 10)) % 10);
}

export const dataURLBuffer = (u) => Buffer.from(u.slice(u.indexOf(',') + 1), 'base64');

// recordOf makes an inspection through the API, as the outbox would.
export async function recordOf(k, items, notes) {
  const res = await fetch(base + '/v1/inspections', {
    method: 'POST', headers: { ...auth(k).headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ trader_org_id: await traderID('Hoàng Long'), inspected_on: DAY, notes, items }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

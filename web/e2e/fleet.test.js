// The fleet page (issue #17), on a desktop: an operator pastes its key,
// creates a fleet, uploads an inventory with bad rows (the dry run lists
// them by line, and the import stays locked), imports the good rows, reads
// the report (counts by verdict and reason, rows to fix) and downloads it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { base, bin, tmp, run, camregEnv, getJSON, open, done, shot, DESKTOP } from './harness.js';

async function cli(...args) {
  const { stdout } = await run(bin, args, { cwd: tmp, env: camregEnv() });
  return stdout.trim().split('\n').pop().trim();
}

test('fleet page: upload with errors, import, report, download', async () => {
  const admin = await cli('keys', 'create', '--role', 'admin', '--name', 'e2e fleet admin');
  const isp = await getJSON('/v1/organizations', {
    method: 'POST', headers: { Authorization: 'Bearer ' + admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Nhà mạng thử nghiệm E2E', kind: 'operator' }),
  });
  const operator = await cli('keys', 'create', '--role', 'operator', '--org', isp.id, '--name', 'e2e noc');

  const page = await open('/static/fleets.html', DESKTOP);
  await page.fill('#key', operator);
  await page.click('#keyform button[type=submit]');
  await page.locator('#fleets-sec').waitFor();
  await page.fill('#f-name', 'Camera trạm BTS Hải Châu');
  await page.selectOption('#f-level', '3');
  await page.click('#create button[type=submit]');
  await page.locator('#fleet-h', { hasText: 'Camera trạm BTS Hải Châu' }).waitFor();
  await page.locator('#fleets tbody tr', { hasText: 'Camera trạm BTS Hải Châu' }).waitFor();

  const inventory = 'Mã thiết bị,Hãng,Model,Phiên bản firmware,Số lượng,Vị trí / Hệ thống\n' +
    'BTS-001,Hikvision,DS-2CD1023G0E-I,V5.5.800 build 210628,4,Trạm Hải Châu 1\n' +
    'BTS-002,Hikvision,,,1,Trạm Hải Châu 2\n' + // line 3: no model
    'BTS-003,EZVIZ,C6N,,hai,Trạm Hải Châu 3\n' + // line 4: quantity
    'BTS-004,Không rõ,XYZ-999-KHONGCO,,2,Trạm Hải Châu 4\n';
  await page.setInputFiles('#file', { name: 'bts.csv', mimeType: 'text/csv', buffer: Buffer.from(inventory) });
  await page.click('#dry');
  await page.locator('#job-status.bad').waitFor();
  const errs = await page.locator('#errors tbody tr').allTextContents();
  assert.equal(errs.length, 2, errs.join('\n'));
  assert.match(errs[0], /^3.*BTS-002.*model/);
  assert.match(errs[1], /^4.*BTS-003.*quantity/);
  assert.ok(await page.locator('#import').isDisabled(), 'the import waits for a clean dry run');
  await shot(page, 'fleet-dry-run', { full: true, height: 1400 });

  // Skip the bad rows: a dry run of that, then the import.
  await page.check('#skip');
  await page.click('#dry');
  await page.waitForFunction(() => !document.querySelector('#import').disabled);
  await page.click('#import');
  await page.locator('#job-status.good', { hasText: 'Đã nhập' }).waitFor();

  // The report: 2 rows, 6 cameras; the unknown model is a row to fix.
  await page.locator('#total', { hasText: '2 dòng, 6 camera' }).waitFor();
  const verdicts = await page.locator('#by-verdict tbody').textContent();
  assert.match(verdicts, /unknown/);
  const fix = await page.locator('#tofix tbody tr').allTextContents();
  assert.equal(fix.length, 1, fix.join('\n'));
  assert.match(fix[0], /BTS-004.*XYZ-999-KHONGCO/);
  await shot(page, 'fleet-report', { full: true, height: 1600 });

  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-csv')]);
  const csv = readFileSync(await dl.path(), 'utf8');
  assert.match(dl.suggestedFilename(), /\.csv$/);
  assert.match(csv, /BTS-001/);
  assert.match(csv, /BTS-004/);
  const [xl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-xlsx')]);
  assert.match(xl.suggestedFilename(), /\.xlsx$/);

  // Another organization's operator sees no such fleet.
  const other = await getJSON('/v1/organizations', {
    method: 'POST', headers: { Authorization: 'Bearer ' + admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Nhà mạng khác E2E', kind: 'operator' }),
  });
  const otherKey = await cli('keys', 'create', '--role', 'operator', '--org', other.id, '--name', 'e2e other');
  const theirs = await getJSON('/v1/fleets', { headers: { Authorization: 'Bearer ' + otherKey } });
  assert.equal(theirs.items.length, 0);
  assert.ok(base);
  await done(page);
});

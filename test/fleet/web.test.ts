/**
 * The web studio's batch view in a fleet: Debian's Chromium (playwright-core) against
 * `greenroom serve --no-worker` on a real redis-server. A seller drops three photos; each card gets its cutout, the batch progress reaches "3 of 3
 * ready", and "download all" gives a zip of three images. (The page calls /v1/cutout and /v1/edit,
 * which the server answers itself in a fleet too; batch jobs over /v1/jobs are in demo.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { zipEntryNames } from '../helpers/jobs.ts';
import { photo } from '../helpers/images.ts';
import { freePort, startRedis, type TestRedis } from './redis.ts';
import { startServe, type Proc } from './procs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-fleet-web-'));
const procs: Proc[] = [];
let redis: TestRedis | undefined;
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  await Promise.all(procs.map((p) => p.kill()));
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('the web studio works against a fleet server (serve --no-worker): three photos, progress, download all', { timeout: 180_000 }, async () => {
  const executablePath = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  redis = await startRedis();
  const env = { GREENROOM_REDIS_URL: redis.url, GREENROOM_STORAGE_URL: `file://${path.join(root, 'storage')}` };
  const port = await freePort();
  procs.push(await startServe(port, ['--no-worker'], { ...env, GREENROOM_DATA_DIR: path.join(root, 'serve') }));
  browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.setInputFiles('#files', [photo('coffee.png'), photo('rocket.jpg'), photo('chelsea.png')]);
  await page.waitForFunction(() => document.querySelectorAll('.card[data-state="ready"]').length === 3, undefined, { timeout: 150_000 });
  assert.match(await page.locator('#progress-text').innerText(), /3 of 3 ready/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-all')]);
  const file = path.join(root, download.suggestedFilename());
  await download.saveAs(file);
  assert.deepEqual(zipEntryNames(fs.readFileSync(file)).sort(), ['chelsea.png', 'coffee.png', 'rocket.png']);
  assert.deepEqual(errors, []);
});

/**
 * The web studio's batch view in a fleet: Debian's Chromium (playwright-core) against
 * `greenroom serve --no-worker` and one `greenroom worker` process on a real redis-server. A
 * seller drops three photos: the page submits them as one job, the worker cuts them out (the
 * server runs no network: it only places each cutout on the background), each card gets its
 * cutout as its item finishes, progress reaches "3 of 3 ready", and both the server's zip of the
 * cutouts and the page's "download all" hold three images. A second batch is cancelled.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import type { JobStatus } from '../../src/jobs/types.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { zipEntryNames } from '../helpers/jobs.ts';
import { smallPhotos } from '../helpers/web-photos.ts';
import { freePort, startRedis, type TestRedis } from './redis.ts';
import { FAST_FLEET, startServe, startWorker, type Proc } from './procs.ts';

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

test('the web studio sends a batch to the fleet: a worker cuts out, the page follows, zips from the server and the page, cancel', { timeout: 300_000 }, async () => {
  redis = await startRedis();
  const env = { GREENROOM_REDIS_URL: redis.url, GREENROOM_STORAGE_URL: `file://${path.join(root, 'storage')}`, ...FAST_FLEET };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const photos = await smallPhotos(path.join(root, 'photos'));
  const [serve, worker] = await Promise.all([
    startServe(port, ['--no-worker'], { ...env, GREENROOM_DATA_DIR: path.join(root, 'serve') }),
    startWorker('w1', { ...env, GREENROOM_DATA_DIR: path.join(root, 'w1') }),
  ]);
  procs.push(serve, worker);
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  const posts: Request[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => r.method() === 'POST' && posts.push(r));
  await page.goto(`${base}/`);
  await page.locator('#model option').first().waitFor({ state: 'attached' });
  await page.click('#quality button[data-quality="fast"]');
  await page.setInputFiles('#files', photos.slice(0, 3));
  await page.waitForFunction(() => document.querySelectorAll('.card[data-state="ready"]').length === 3, undefined, { timeout: 180_000 });
  assert.match(await page.locator('#progress-text').innerText(), /3 of 3 ready/);

  // One job, cut out by the worker; the server only placed the cutouts (no /v1/cutout, no network of its own).
  const paths = posts.map((r) => new URL(r.url()).pathname);
  assert.deepEqual(paths.filter((p) => p !== '/v1/edit'), ['/v1/jobs']);
  assert.equal(paths.filter((p) => p === '/v1/edit').length, 3);
  const row = page.locator('#jobs .job').first();
  const id = (await row.getAttribute('data-job'))!;
  const status = (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as JobStatus;
  assert.equal(status.kind, 'cutout');
  assert.equal(status.state, 'done');
  assert.deepEqual(status.items.map((i) => [i.state, i.worker]), Array(3).fill(['done', 'w1']));
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.doesNotMatch(metrics, /greenroom_images_processed_total\{operation="cutout"\} [1-9]/, 'the server cut nothing out itself');
  assert.match(metrics, /greenroom_images_processed_total\{operation="edit"\} 3/);

  // The server's zip of the cutouts, and the page's zip of the finished images.
  const [cutouts] = await Promise.all([page.waitForEvent('download'), row.locator('.job-zip').click()]);
  await cutouts.saveAs(path.join(root, 'cutouts.zip'));
  assert.deepEqual(zipEntryNames(fs.readFileSync(path.join(root, 'cutouts.zip'))).sort(), ['chelsea.png', 'coffee.png', 'rocket.png']);
  const [all] = await Promise.all([page.waitForEvent('download'), page.click('#download-all')]);
  await all.saveAs(path.join(root, 'all.zip'));
  assert.deepEqual(zipEntryNames(fs.readFileSync(path.join(root, 'all.zip'))).sort(), ['chelsea.png', 'coffee.png', 'rocket.png']);

  // A second batch, cancelled as soon as it is on the server: queued photos are dropped.
  await page.click('#quality button[data-quality="best"]');
  await page.setInputFiles('#files', photos);
  const second = page.locator('#jobs .job').nth(1);
  await second.locator('xpath=self::*[@data-job]').waitFor({ timeout: 30_000 });
  await second.locator('.job-cancel').click();
  await second.locator('xpath=self::*[@data-state="cancelled"]').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.card')].slice(3).every((c) => ['ready', 'cancelled'].includes(c.getAttribute('data-state') ?? '')), undefined, { timeout: 60_000 });
  const states = await page.locator('.card').evaluateAll((cards) => cards.slice(3).map((c) => c.getAttribute('data-state')));
  assert.ok(states.includes('cancelled'), `some photos were cancelled: ${states.join(',')}`);
  const cancelled = (await (await fetch(`${base}/v1/jobs/${await second.getAttribute('data-job')}`)).json()) as JobStatus;
  assert.equal(cancelled.state, 'cancelled');
  assert.equal(states.filter((s) => s === 'ready').length, cancelled.done, 'every finished item reached its card');
  assert.deepEqual(errors, []);
});

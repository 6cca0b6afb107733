/**
 * The web studio's batch view on the embedded queue, in Debian's Chromium (playwright-core) with
 * the real model: photos dropped together go to POST /v1/jobs as one job (with an
 * Idempotency-Key), the page follows its events, each card gets its cutout from the item's
 * output and is placed on the background; the server's zip of the cutouts is offered; a batch
 * can be cancelled; the cutout settings (model, quality) reach the job and are remembered; the
 * "check this one" marker follows the uncertainty score from a response header and from job
 * items (the server's own scores replaced by a playwright route and a hook, so the test
 * chooses them), above the threshold only. A single photo still goes straight to /v1/cutout.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { openEmbeddedQueue, type EmbeddedQueue } from '../../src/jobs/embedded.ts';
import { Studio } from '../../src/studio.ts';
import { launchBrowser, SHOTS_DIR } from '../helpers/browser.ts';
import { zipEntryNames } from '../helpers/jobs.ts';
import { smallPhotos } from '../helpers/web-photos.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-e2e-batch-'));
let studio: Studio;
let queue: EmbeddedQueue;
let app: FastifyInstance;
let browser: Browser;
let url = '';
let photos: string[] = [];
const cutouts: Record<string, unknown>[] = [];
const headerScores: string[] = [];

before(async () => {
  photos = await smallPhotos(path.join(root, 'photos'));
  studio = await Studio.open({ dataDir: path.join(root, 'data') });
  // What each cutout was asked for, whichever way it came (a route or a job item).
  const cutoutOf = studio.cutout.bind(studio);
  studio.cutout = (input, options, label) => {
    cutouts.push({ ...(options as Record<string, unknown>), via: label?.operation ?? 'cutout' });
    return cutoutOf(input, options, label);
  };
  queue = await openEmbeddedQueue({ studio, dataDir: path.join(root, 'data') });
  app = buildApp({ studio, queue });
  // Replaces the server's score with the test's: the next scores, one per /v1/cutout answer.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url === '/v1/cutout' && headerScores.length) reply.header('x-uncertainty-score', headerScores.shift()!);
    return payload;
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await queue?.close();
  await studio?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A page that records the API calls it makes and the errors it throws. */
async function open(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; calls: Request[]; errors: string[] }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const calls: Request[] = [];
  const errors: string[] = [];
  page.on('request', (r) => r.url().includes('/v1/') && calls.push(r));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.locator('#model option').first().waitFor({ state: 'attached' });
  return { page, calls, errors };
}

/** Waits for n ready cards; on a timeout, says what each card was doing. */
async function readyCount(page: Page, n: number, timeout = 120_000): Promise<void> {
  try {
    await page.waitForFunction((k) => document.querySelectorAll('.card[data-state="ready"]').length === k, n, { timeout });
  } catch (err) {
    const cards = await page.locator('.card').evaluateAll((cs) => cs.map((c) => `${c.getAttribute('data-state')} ${c.querySelector('.status')?.textContent} ${c.querySelector('.error')?.textContent}`));
    throw new Error(`${(err as Error).message}\ncards: ${cards.join(' | ')}\njobs: ${await page.locator('#jobs').innerText()}`);
  }
}

test('photos dropped together are one job: progress, cutouts as items finish, backgrounds, the server zip', { timeout: 240_000 }, async () => {
  const { page, calls, errors } = await open();
  cutouts.length = 0;
  await page.click('#quality button[data-quality="fast"]');
  await page.click('#bg-tabs button[data-bg="color"]');
  await page.setInputFiles('#files', photos.slice(0, 3));
  // The job is on the server before any card is ready; each card says where it stands.
  const row = page.locator('#jobs .job').first();
  await row.locator('xpath=self::*[@data-job]').waitFor({ timeout: 30_000 });
  await readyCount(page, 3);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'batch-desktop.png') });

  const posts = calls.filter((r) => r.method() === 'POST');
  const jobPosts = posts.filter((r) => new URL(r.url()).pathname === '/v1/jobs');
  assert.equal(jobPosts.length, 1, 'one job for three photos');
  assert.match(jobPosts[0]!.headers()['idempotency-key'] ?? '', /^studio-[0-9a-f]{32}$/);
  assert.equal(posts.filter((r) => new URL(r.url()).pathname === '/v1/cutout').length, 0, 'no photo went to /v1/cutout');
  assert.equal(posts.filter((r) => new URL(r.url()).pathname === '/v1/edit').length, 3, 'each cutout placed on the background once');
  const id = (await row.getAttribute('data-job'))!;
  const status = await queue.get(id);
  assert.equal(status?.kind, 'cutout');
  assert.equal(status?.state, 'done');
  assert.equal(status?.done, 3);
  // The settings reached the job's items.
  const model = await page.locator('#model').inputValue();
  assert.deepEqual(cutouts.map((c) => [c.via, c.quality, c.model, c.format]), Array(3).fill(['batch-item', 'fast', model, 'png']));
  assert.ok(calls.some((r) => new URL(r.url()).pathname === `/v1/jobs/${id}/events`), 'followed the job over server-sent events');
  for (let i = 0; i < 3; i++) assert.ok(calls.some((r) => new URL(r.url()).pathname === `/v1/jobs/${id}/items/${i}`), `fetched item ${i}`);

  assert.match(await page.locator('#progress-text').innerText(), /3 of 3 ready/);
  assert.match(await row.innerText(), /3 of 3 cut out · done/);
  // Each card: the after image laid on the chosen colour, the energy of its cutout counted.
  for (const card of await page.locator('.card').all()) {
    assert.equal(await card.getAttribute('data-cut-with'), `${model}:fast`);
    assert.equal(await card.evaluate((c) => c.classList.contains('transparent')), false, 'laid on the colour');
    assert.match(await card.locator('.joules').innerText(), /\d J/);
  }

  // The server's zip: the three cutouts.
  const zip = row.locator('.job-zip');
  assert.equal(await zip.isVisible(), true);
  const [download] = await Promise.all([page.waitForEvent('download'), zip.click()]);
  const file = path.join(root, 'cutouts.zip');
  await download.saveAs(file);
  assert.deepEqual(zipEntryNames(fs.readFileSync(file)).sort(), photos.slice(0, 3).map((p) => path.basename(p).replace(/\.\w+$/, '.png')).sort());
  // And the page's own zip of the finished images.
  const [all] = await Promise.all([page.waitForEvent('download'), page.click('#download-all')]);
  await all.saveAs(path.join(root, 'all.zip'));
  assert.equal(zipEntryNames(fs.readFileSync(path.join(root, 'all.zip'))).length, 3);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a single photo goes straight to /v1/cutout; the settings are remembered across visits', { timeout: 120_000 }, async () => {
  const { page, calls, errors } = await open();
  cutouts.length = 0;
  await page.click('#quality button[data-quality="balanced"]');
  await page.setInputFiles('#files', photos[0]!);
  await readyCount(page, 1);
  const paths = calls.filter((r) => r.method() === 'POST').map((r) => new URL(r.url()).pathname);
  assert.deepEqual(paths, ['/v1/cutout', '/v1/edit']);
  assert.deepEqual(cutouts.map((c) => [c.quality, c.model]), [['balanced', studio.config.defaultModel]], 'the server default model, quality balanced');
  // Another visit in the same browser context: balanced is still chosen.
  const again = await page.context().newPage();
  await again.goto(url);
  await again.locator('#quality button[data-quality="balanced"][aria-checked="true"]').waitFor();
  assert.match(await again.locator('#cutout-hint').innerText(), /768 px/);
  // Changing the quality offers to cut the card out again, and does it.
  await page.click('#quality button[data-quality="fast"]');
  const recut = page.locator('#recut');
  await recut.waitFor();
  assert.match(await recut.innerText(), /fast/);
  await recut.click();
  await page.waitForFunction(() => document.querySelector('.card')?.getAttribute('data-cut-with')?.endsWith(':fast') && document.querySelector('.card')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
  assert.equal(await recut.isVisible(), false);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a batch can be cancelled: queued photos are dropped, the one being cut out finishes', { timeout: 180_000 }, async () => {
  const { page, errors } = await open();
  await page.click('#quality button[data-quality="best"]');
  await page.setInputFiles('#files', photos);
  const row = page.locator('#jobs .job').first();
  await row.locator('xpath=self::*[@data-job]').waitFor({ timeout: 30_000 });
  await row.locator('.job-cancel').click();
  await row.locator('xpath=self::*[@data-state="cancelled"]').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.card')].every((c) => ['ready', 'cancelled'].includes(c.getAttribute('data-state') ?? '')), undefined, { timeout: 60_000 });
  const states = await page.locator('.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-state')));
  assert.ok(states.filter((s) => s === 'cancelled').length >= 1, `some photos were cancelled: ${states.join(',')}`);
  const id = (await row.getAttribute('data-job'))!;
  const status = (await queue.get(id))!;
  assert.equal(status.state, 'cancelled');
  assert.equal(states.filter((s) => s === 'ready').length, status.done, 'every finished item reached its card');
  assert.match(await page.locator('#progress-text').innerText(), /cancelled/);
  // Cancelled photos can be cut out again.
  await page.locator('#recut').waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the "check this one" marker follows the uncertainty score of responses and job items, from the threshold up', { timeout: 180_000 }, async () => {
  const { page, errors } = await open();
  await page.click('#quality button[data-quality="fast"]');
  // One photo at a time through /v1/cutout, answered with X-Uncertainty-Score (added by the test's hook).
  headerScores.push('0.63', '0.2');
  await page.setInputFiles('#files', photos[0]!);
  await readyCount(page, 1);
  await page.setInputFiles('#files', photos[1]!);
  await readyCount(page, 2);
  const cards = page.locator('.card');
  const marker = cards.nth(0).locator('.check');
  assert.equal(await marker.isVisible(), true, 'unsure (0.63): marked');
  assert.equal(await marker.getAttribute('title'), 'check this cutout: the model was unsure (0.63)');
  assert.equal(await cards.nth(1).locator('.check').isVisible(), false, 'sure (0.2): no marker');

  // A batch: the score comes in each item's event.
  await page.route('**/v1/jobs/*/events', async (route) => {
    const res = await route.fetch(); // the stream ends with the job, so the whole of it
    // The server sends its own scores; the test sets each item's so the marker's rule is what is tested.
    const text = (await res.text()).replace(/^data: (.*)$/gm, (line, json: string) => {
      const event = JSON.parse(json) as { item?: { index: number } };
      if (!event.item) return line;
      return `data: ${JSON.stringify({ ...event, item: { ...event.item, uncertainty: [0.71, 0.5, 0.1][event.item.index] } })}`;
    });
    await route.fulfill({ response: res, body: text });
  });
  await page.setInputFiles('#files', photos.slice(0, 3));
  await readyCount(page, 5);
  const visible = await cards.evaluateAll((cs) => cs.map((c) => !c.querySelector<HTMLElement>('.check')!.hidden));
  assert.deepEqual(visible, [true, false, true, true, false], 'marked: 0.63, then the batch items at 0.71 and 0.5 (the threshold), not 0.2 or 0.1');
  assert.match((await cards.nth(2).locator('.check').getAttribute('title'))!, /unsure \(0\.71\)/);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'batch-check-marker.png') });

  // Touching a marked cutout up takes its marker away (the seller has looked at it).
  await cards.nth(2).locator('.touch').click();
  await page.locator('#touchup[data-ready="true"]').waitFor({ timeout: 30_000 });
  const stage = (await page.locator('#tu-stage').boundingBox())!;
  await page.mouse.move(stage.x + 20, stage.y + 20);
  await page.mouse.down();
  await page.mouse.move(stage.x + 60, stage.y + 40, { steps: 4 });
  await page.mouse.up();
  await page.locator('#touchup[data-strokes="1"]').waitFor();
  await page.click('#tu-done');
  await page.waitForFunction(() => document.querySelectorAll('.card')[2]?.classList.contains('touched'), undefined, { timeout: 30_000 });
  assert.equal(await cards.nth(2).locator('.check').isVisible(), false);
  assert.equal(await cards.nth(3).locator('.check').isVisible(), true);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the settings and the batch row fit a phone-sized page', { timeout: 180_000 }, async () => {
  const { page, errors } = await open({ width: 390, height: 844 });
  for (const q of ['fast', 'balanced', 'best']) {
    const box = (await page.locator(`#quality button[data-quality="${q}"]`).boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.height >= 36, `${q} is a finger-sized button on screen`);
  }
  const select = (await page.locator('#model').boundingBox())!;
  assert.ok(select.x + select.width <= 390);
  await page.click('#quality button[data-quality="fast"]');
  await page.setInputFiles('#files', photos.slice(0, 2));
  await readyCount(page, 2);
  const row = (await page.locator('#jobs .job').first().boundingBox())!;
  assert.ok(row.x + row.width <= 390, 'the batch row fits');
  await page.screenshot({ path: path.join(SHOTS_DIR, 'batch-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.context().close();
});

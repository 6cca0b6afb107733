/**
 * The web studio end to end, in Debian's Chromium driven by playwright-core: open the page,
 * upload a real photo, see the cutout, pick a template, download, and check the file. The
 * server runs in this process on a free port with the real model; the page is the Vite build
 * in web/dist (npm install builds it).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { SHOTS_DIR, webStudioSuite } from '../helpers/browser.ts';
import { photo } from '../helpers/images.ts';

const web = webStudioSuite();

/** The page's uncaught errors and the paths it POSTs to, as they happen. */
function watch(page: Page): { errors: string[]; posts: string[] } {
  const errors: string[] = [];
  const posts: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
  return { errors, posts };
}

test('a seller drops a photo, sees the cutout, picks a template and downloads a valid image', { timeout: 120_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(web.url);
  await page.setInputFiles('#files', photo('coffee.png'));
  const card = page.locator('.card').first();
  await card.locator('xpath=self::*[@data-state="ready"]').waitFor({ timeout: 60_000 });
  assert.match(await card.locator('.joules').innerText(), /J estimated/);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'desktop-cutout.png') });

  await page.click('#bg-tabs button[data-bg="template"]');
  await page.click('#templates button[data-name="white-marble"]');
  await page.selectOption('#preset', 'square');
  // The card re-renders for the new settings (possibly twice: template, then size) and comes back
  // ready with a 2000 x 2000 image on a background.
  await page.waitForFunction(() => {
    const c = document.querySelector('.card');
    const after = c?.querySelector<HTMLImageElement>('.after');
    return c?.getAttribute('data-state') === 'ready' && !c.classList.contains('transparent') && after?.complete === true && after.naturalWidth === 2000;
  }, undefined, { timeout: 60_000 });
  await page.screenshot({ path: path.join(SHOTS_DIR, 'desktop-template.png') });

  const [download] = await Promise.all([page.waitForEvent('download'), card.locator('.download').click()]);
  const file = path.join(SHOTS_DIR, download.suggestedFilename());
  await download.saveAs(file);
  const meta = await sharp(file).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 2000);
  assert.equal(meta.height, 2000);
  assert.deepEqual(errors, []);

  // Phone-sized: the same page, one column, still usable.
  const phone = await web.browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await phone.goto(web.url);
  await phone.setInputFiles('#files', photo('motorcycle_left.png'));
  await phone.locator('.card[data-state="ready"]').waitFor({ timeout: 60_000 });
  await phone.screenshot({ path: path.join(SHOTS_DIR, 'phone.png'), fullPage: true });
  const dropBox = await phone.locator('#drop').boundingBox();
  assert.ok(dropBox && dropBox.width <= 390, 'the drop zone fits a phone screen');
});

test('on a server without a job queue, photos dropped together are cut out one by one', { timeout: 120_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { errors, posts } = watch(page);
  await page.goto(web.url);
  await page.locator('#model option').first().waitFor({ state: 'attached' });
  await page.click('#quality button[data-quality="fast"]');
  await page.setInputFiles('#files', [photo('chelsea.png'), photo('rocket.jpg')]);
  await page.waitForFunction(() => document.querySelectorAll('.card[data-state="ready"]').length === 2, undefined, { timeout: 90_000 });
  assert.equal(posts[0], '/v1/jobs', 'tried a job first');
  assert.deepEqual(posts.filter((p) => p === '/v1/cutout').length, 2);
  assert.equal(await page.locator('#jobs .job').count(), 0, 'no batch row left behind');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an iPhone photo (HEIC) dropped into the studio shows at its rotated size and is cut out like a JPEG', { timeout: 120_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { errors, posts } = watch(page);
  await page.goto(web.url);
  await page.click('#quality button[data-quality="fast"]');
  const heic = path.join(import.meta.dirname, '..', 'fixtures', 'heic', 'coffee-p3-icc-rot90.heic');
  await page.setInputFiles('#files', { name: 'IMG_0042.HEIC', mimeType: 'image/heic', buffer: fs.readFileSync(heic) });
  const card = page.locator('.card').first();
  await card.locator('xpath=self::*[@data-state="ready"]').waitFor({ timeout: 60_000 });
  assert.equal(posts[0], '/v1/convert', 'the page asked the server for a photo it can show');
  // the before image is the converted photo, shown by the browser at its rotated size
  const before = await card.locator('.before').evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight]);
  assert.deepEqual(before, [true, 240, 320]);
  const after = await card.locator('.after').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  assert.deepEqual(after, [240, 320]);
  assert.equal(await card.locator('.name').innerText(), 'IMG_0042.jpg');
  await page.screenshot({ path: path.join(SHOTS_DIR, 'heic-card.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

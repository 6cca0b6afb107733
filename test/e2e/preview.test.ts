/**
 * Preview first, end to end in Debian's Chromium with the real model: a photo larger than a
 * preview gets its card from one /v1/cutout preview answer (a small cutout and the coarse matte)
 * and a small edit, before any full-resolution file exists; "Download" then makes the
 * full-resolution file from the photo and the coarse matte (no network) and it has the photo's
 * size; touch-up loads the full-resolution cutout the same way.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import type { Response } from 'playwright-core';
import sharp from 'sharp';
import { SHOTS_DIR, webStudioSuite } from '../helpers/browser.ts';
import { photo } from '../helpers/images.ts';

const web = webStudioSuite();
const big = path.join(SHOTS_DIR, 'preview-2400x1800.jpg');

before(async () => {
  // Larger than a preview (1024 px), as a phone photo is.
  await sharp(photo('motorcycle_left.png')).resize(2400, 1800, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(big);
});


/** An image route's answer, as the server described it in its headers. */
interface Call {
  path: string;
  type: string;
  width: number;
  /** The network ran for it (its stage is in Server-Timing). */
  network: boolean;
}

function callOf(r: Response): Call {
  const h = r.headers();
  return { path: new URL(r.url()).pathname, type: h['content-type'] ?? '', width: Number(h['x-width'] ?? 0), network: /(^|, )segment;/.test(h['server-timing'] ?? '') };
}

test('the card shows from the preview before any full-resolution file; Download gives the full-resolution file', { timeout: 240_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const calls: Call[] = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST') calls.push(callOf(r));
  });
  await page.goto(web.url);
  await page.locator('#model option').first().waitFor({ state: 'attached' });
  await page.click('#quality button[data-quality="fast"]');
  await page.setInputFiles('#files', big);
  await page.waitForFunction(() => {
    const after = document.querySelector<HTMLImageElement>('.card[data-state="ready"] .after');
    return !!after && after.complete && after.naturalWidth > 0;
  }, undefined, { timeout: 120_000 });
  const shown = await page.evaluate(() => {
    const img = document.querySelector<HTMLImageElement>('.card .after')!;
    return { width: img.naturalWidth, height: img.naturalHeight };
  });
  assert.ok(Math.max(shown.width, shown.height) <= 1024, `the card shows a preview (${shown.width}x${shown.height})`);
  // Before the card: one preview cutout (a zip: the preview and the coarse matte) and one edit of
  // the preview, nothing at full resolution.
  assert.deepEqual(calls.map((c) => [c.path, c.type]), [['/v1/cutout', 'application/zip'], ['/v1/edit', 'image/webp']]);
  assert.ok(calls.every((c) => c.width > 0 && c.width <= 1024), `preview sizes: ${calls.map((c) => c.width).join(', ')}`);
  assert.deepEqual(calls.map((c) => c.network), [true, false]);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'preview-card.png') });

  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.locator('.card .download').click()]);
  const file = path.join(SHOTS_DIR, `preview-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 2400, 1800, 4], 'the full-resolution file');
  const full = calls.slice(2);
  assert.deepEqual(full.map((c) => [c.path, c.type, c.width, c.network]), [['/v1/edit', 'image/png', 2400, false]], 'made at full size without the network');
  // A second download of the same card is the file already made.
  const [again] = await Promise.all([page.waitForEvent('download'), page.locator('.card .download').click()]);
  assert.ok((await again.path()) !== null);
  assert.equal(calls.length, 3, 'no second render');

  // Touch-up works on the full-resolution cutout, made the same way.
  await page.locator('.card .touch').click();
  await page.locator('#touchup[data-ready="true"]').waitFor({ timeout: 120_000 });
  const touch = calls.slice(3);
  assert.deepEqual(touch.map((c) => [c.path, c.type, c.width, c.network]), [['/v1/cutout', 'image/png', 2400, false]]);
  await page.click('#tu-cancel');
  assert.deepEqual(errors, []);
  fs.rmSync(file, { force: true });
  await page.close();
});

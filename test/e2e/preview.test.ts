/**
 * Preview first, end to end in Debian's Chromium with the real model: a photo larger than a
 * preview gets its card from one /v1/cutout preview answer (a small cutout and the coarse matte)
 * and a small edit, before any full-resolution file exists; "Download" then makes the
 * full-resolution file from the photo and the coarse matte (no network) and it has the photo's
 * size; touch-up loads the full-resolution cutout the same way.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import sharp from 'sharp';
import { SHOTS_DIR, startWebStudio, type WebStudio } from '../helpers/browser.ts';
import { photo } from '../helpers/images.ts';

let web: WebStudio | undefined;
let browser: Browser;
let url = '';
const big = path.join(SHOTS_DIR, 'preview-2400x1800.jpg');

before(async () => {
  web = await startWebStudio();
  ({ browser, url } = web);
  // Larger than a preview (1024 px), as a phone photo is.
  await sharp(photo('motorcycle_left.png')).resize(2400, 1800, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(big);
});

after(async () => {
  await web?.close();
});

interface Call {
  path: string;
  fields: string[];
  at: number;
}

/** The form fields a POST carried (their names), from its multipart body. */
function fieldsOf(r: Request): string[] {
  const body = r.postDataBuffer()?.toString('latin1') ?? '';
  return [...body.matchAll(/name="([^"]+)"/g)].map((m) => m[1]!);
}

test('the card shows from the preview before any full-resolution file; Download gives the full-resolution file', { timeout: 240_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const calls: Call[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') calls.push({ path: new URL(r.url()).pathname, fields: fieldsOf(r), at: Date.now() });
  });
  await page.goto(url);
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
  // Before the card: one preview cutout and one edit of the preview, nothing at full resolution.
  assert.deepEqual(calls.map((c) => c.path), ['/v1/cutout', '/v1/edit']);
  assert.ok(calls[0]!.fields.includes('preview'), 'the cutout was asked as a preview');
  assert.ok(!calls.some((c) => c.fields.includes('coarse_matte')), 'no full-resolution file was made yet');
  await page.screenshot({ path: path.join(SHOTS_DIR, 'preview-card.png') });

  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.locator('.card .download').click()]);
  const file = path.join(SHOTS_DIR, `preview-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 2400, 1800, 4], 'the full-resolution file');
  const full = calls.slice(2);
  assert.deepEqual(full.map((c) => c.path), ['/v1/edit']);
  assert.ok(full[0]!.fields.includes('coarse_matte') && full[0]!.fields.includes('image_file'), 'made from the photo and the coarse matte');
  // A second download of the same card is the file already made.
  const [again] = await Promise.all([page.waitForEvent('download'), page.locator('.card .download').click()]);
  assert.ok((await again.path()) !== null);
  assert.equal(calls.length, 3, 'no second render');

  // Touch-up works on the full-resolution cutout, made the same way.
  await page.locator('.card .touch').click();
  await page.locator('#touchup[data-ready="true"]').waitFor({ timeout: 120_000 });
  const touch = calls.slice(3);
  assert.deepEqual(touch.map((c) => c.path), ['/v1/cutout']);
  assert.ok(touch[0]!.fields.includes('coarse_matte') && !touch[0]!.fields.includes('preview'));
  await page.click('#tu-cancel');
  assert.deepEqual(errors, []);
  fs.rmSync(file, { force: true });
  await page.close();
});

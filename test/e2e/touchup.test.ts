/**
 * Touch-up mode end to end, in Debian's Chromium driven by playwright-core, with the real model:
 * upload a photo, open touch-up on its cutout, erase a stroke over the clutter behind the seat,
 * see the cutout change there and nowhere else (live, in the page), undo, redo, download the
 * cutout the server makes from the same strokes (the same matte), and apply it to the card. Then
 * the same on a phone-sized page with touch events (one finger paints, two fingers zoom).
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

/** The editor's current matte (its hidden working canvas), as an array. */
async function matte(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = document.getElementById('tu-result') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const a: number[] = [];
    for (let i = 3; i < d.length; i += 4) a.push(d[i]!);
    return a;
  });
}

/** Screen position (page CSS pixels) of a photo pixel in the editor. */
async function toScreen(page: Page, x: number, y: number): Promise<[number, number]> {
  const stage = page.locator('#tu-stage');
  const box = (await stage.boundingBox())!;
  const d = await stage.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  const k = Number(d.workScale), s = Number(d.scale);
  return [box.x + Number(d.ox) + x * k * s, box.y + Number(d.oy) + y * k * s];
}

/** Pixels that differ, and the largest distance of any of them from the points of a stroke. */
function diff(a: number[], b: number[], width: number, path: [number, number][]): { changed: number; farthest: number; erasedOnPath: boolean } {
  let changed = 0, farthest = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    changed++;
    const x = (i % width) + 0.5, y = Math.floor(i / width) + 0.5;
    farthest = Math.max(farthest, Math.min(...path.map(([px, py]) => Math.hypot(px - x, py - y))));
  }
  const erasedOnPath = path.every(([x, y]) => b[Math.floor(y) * width + Math.floor(x)] === 0);
  return { changed, farthest, erasedOnPath };
}

const PHOTO = 'motorcycle_left.png';
const WIDTH = 741;
// Behind the seat: the bench the network kept, semi-transparent.
const STROKE: [number, number][] = [[150, 152], [150, 160], [150, 170], [150, 178], [150, 185]];

async function uploadAndOpen(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(web.url);
  await page.setInputFiles('#files', photo(PHOTO));
  await page.locator('.card[data-state="ready"]').waitFor({ timeout: 90_000 });
  assert.deepEqual(errors, []);
}

test('desktop: erase a stroke behind the seat, the cutout changes there and nowhere else; undo, redo, download, apply', { timeout: 240_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await uploadAndOpen(page);
  await page.click('.card .touch');
  await page.locator('#touchup[data-ready="true"]').waitFor({ timeout: 30_000 });
  await page.selectOption('#tu-bg', '#ff00ff');
  const before = await matte(page);
  assert.equal(before.length, WIDTH * 500);

  // Brush: 6 photo pixels at this zoom.
  const scale = Number(await page.locator('#tu-stage').getAttribute('data-scale'));
  await page.locator('#tu-size').fill(String(Math.round(6 * scale)));
  await page.click('#tu-erase');
  const points = await Promise.all(STROKE.map(([x, y]) => toScreen(page, x, y)));
  await page.mouse.move(...points[0]!);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...p, { steps: 3 });
  await page.mouse.up();
  await page.locator('#touchup[data-strokes="1"]').waitFor();
  assert.match(await page.locator('#tu-status').innerText(), /Erase: applied in \d+ ms/);
  await page.mouse.move(5, 5);
  const afterStroke = await matte(page);
  const d = diff(before, afterStroke, WIDTH, STROKE);
  assert.ok(d.changed > 200, `the clutter changed (${d.changed} px)`);
  assert.ok(d.erasedOnPath, 'the stroke itself is erased');
  assert.ok(d.farthest < 70, `nothing changed far from the stroke (farthest ${d.farthest.toFixed(0)} px)`);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'touchup-desktop.png') });

  await page.click('#tu-undo');
  assert.deepEqual(await matte(page), before, 'undo restores the cutout');
  assert.equal(await page.locator('#tu-redo').isEnabled(), true);
  await page.click('#tu-redo');
  assert.deepEqual(await matte(page), afterStroke, 'redo applies the stroke again');

  // The download is made by the server from the same strokes: the same matte as the page's.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#tu-download')]);
  const file = path.join(SHOTS_DIR, download.suggestedFilename());
  await download.saveAs(file);
  assert.match(download.suggestedFilename(), /motorcycle_left-cutout\.png$/);
  const served = [...(await sharp(file).ensureAlpha().extractChannel(3).raw().toBuffer())];
  const mismatch = served.filter((v, i) => Math.abs(v - afterStroke[i]!) > 1).length;
  assert.ok(mismatch <= served.length * 0.001, `the server's cutout matches the page's (${mismatch} pixels differ)`);

  // Done: the card renders again with the strokes, and its download works.
  await page.click('#tu-done');
  await page.waitForFunction(() => document.querySelector('.card')?.classList.contains('touched') && document.querySelector('.card')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
  const [edited] = await Promise.all([page.waitForEvent('download'), page.locator('.card .download').click()]);
  const editedFile = path.join(SHOTS_DIR, `touched-${edited.suggestedFilename()}`);
  await edited.saveAs(editedFile);
  assert.equal((await sharp(editedFile).metadata()).format, 'png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('phone: a finger paints an erase stroke, two fingers zoom, undo and redo by tap, download', { timeout: 240_000 }, async () => {
  const context = await web.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await uploadAndOpen(page);
  await page.locator('.card .touch').tap();
  await page.locator('#touchup[data-ready="true"]').waitFor({ timeout: 30_000 });
  const stageBox = (await page.locator('#tu-stage').boundingBox())!;
  assert.ok(stageBox.width <= 390 && stageBox.height > 200, 'the editor fits the phone');
  const before = await matte(page);

  const cdp = await context.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', pts: [number, number][]) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
  const scale = Number(await page.locator('#tu-stage').getAttribute('data-scale'));
  await page.locator('#tu-size').fill(String(Math.max(2, Math.round(6 * scale))));
  const points = await Promise.all(STROKE.map(([x, y]) => toScreen(page, x, y)));
  await touch('touchStart', [points[0]!]);
  for (const p of points.slice(1)) await touch('touchMove', [p]);
  await touch('touchEnd', []);
  await page.locator('#touchup[data-strokes="1"]').waitFor();
  const afterStroke = await matte(page);
  const d = diff(before, afterStroke, WIDTH, STROKE);
  assert.ok(d.changed > 100 && d.erasedOnPath, `a finger stroke erased (${d.changed} px)`);
  assert.ok(d.farthest < 70, `nothing changed far from the stroke (farthest ${d.farthest.toFixed(0)} px)`);

  // Two fingers spread apart: a zoom, not a stroke.
  const mid: [number, number] = [stageBox.x + stageBox.width / 2, stageBox.y + stageBox.height / 2];
  await touch('touchStart', [[mid[0] - 20, mid[1]], [mid[0] + 20, mid[1]]]);
  for (const k of [30, 45, 60]) await touch('touchMove', [[mid[0] - k, mid[1]], [mid[0] + k, mid[1]]]);
  await touch('touchEnd', []);
  assert.ok(Number(await page.locator('#tu-stage').getAttribute('data-scale')) > scale * 2, 'pinching zoomed in');
  assert.equal(await page.locator('#touchup').getAttribute('data-strokes'), '1', 'the pinch painted nothing');
  await page.screenshot({ path: path.join(SHOTS_DIR, 'touchup-phone.png') });

  await page.locator('#tu-undo').tap();
  assert.deepEqual(await matte(page), before);
  await page.locator('#tu-redo').tap();
  assert.deepEqual(await matte(page), afterStroke);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#tu-download').tap()]);
  const file = path.join(SHOTS_DIR, `phone-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', WIDTH, 500]);
  assert.deepEqual(errors, []);
  await context.close();
});

/**
 * The Retouch brush end to end, in Debian's Chromium driven by playwright-core, with the real
 * model: upload a photo, open Retouch, paint over the clutter behind the seat with the mouse,
 * release, see it filled (in the page, by the engine the server runs: the server's /v1/retouch
 * fills the same stroke with the same pixels), nothing changed away from the stroke; Before shows
 * the photo as it came; undo and redo are exact; Done hands the retouched photo to the card,
 * which is cut out again. Then a pen stroke, and a phone with touch (one finger paints, two zoom).
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

const PHOTO = 'motorcycle_left.png';
const WIDTH = 741, HEIGHT = 500;
// Behind the seat: the slats of the wooden bench.
const STROKE: [number, number][] = [[175, 128], [195, 126], [215, 125], [235, 125], [255, 127]];
const RADIUS = 7;

/** The photo as the brush holds it now (its hidden full-size canvas), RGB. */
async function current(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = document.getElementById('rt-current') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let i = 0; i < d.length; i += 4) out.push(d[i]!, d[i + 1]!, d[i + 2]!);
    return out;
  });
}

/** Screen position (page CSS pixels) of a photo pixel in the brush's view. */
async function toScreen(page: Page, x: number, y: number): Promise<[number, number]> {
  const stage = page.locator('#rt-stage');
  const box = (await stage.boundingBox())!;
  const d = await stage.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  return [box.x + Number(d.ox) + x * Number(d.scale), box.y + Number(d.oy) + y * Number(d.scale)];
}

/** Pixels that changed, and the farthest of them from the stroke's path (segments). */
function changes(a: number[], b: number[], path: [number, number][]): { changed: number; farthest: number } {
  let changed = 0, farthest = 0;
  for (let i = 0; i < a.length / 3; i++) {
    if (a[i * 3] === b[i * 3] && a[i * 3 + 1] === b[i * 3 + 1] && a[i * 3 + 2] === b[i * 3 + 2]) continue;
    changed++;
    const x = (i % WIDTH) + 0.5, y = Math.floor(i / WIDTH) + 0.5;
    let d = Infinity;
    for (let k = 0; k + 1 < path.length; k++) {
      const [ax, ay] = path[k]!, [bx, by] = path[k + 1]!;
      const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      d = Math.min(d, Math.hypot(ax + t * (bx - ax) - x, ay + t * (by - ay) - y));
    }
    farthest = Math.max(farthest, d);
  }
  return { changed, farthest };
}

async function uploadAndOpen(page: Page, tap = false): Promise<void> {
  await page.goto(web.url);
  await page.setInputFiles('#files', photo(PHOTO));
  await page.locator('.card[data-state="ready"]').waitFor({ timeout: 90_000 });
  if (tap) await page.locator('.card .retouch').tap();
  else await page.click('.card .retouch');
  await page.locator('#retouch[data-ready="true"]').waitFor({ timeout: 30_000 });
}

/** Sets the brush to `radius` photo pixels at the current zoom. */
async function brush(page: Page, radius: number): Promise<void> {
  const scale = Number(await page.locator('#rt-stage').getAttribute('data-scale'));
  await page.locator('#rt-size').fill(String(Math.max(3, Math.round(radius * scale))));
}

test('desktop: paint over the clutter behind the seat, release, it is filled there and nowhere else, as the server fills it; before/after, undo, redo, done', { timeout: 240_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await uploadAndOpen(page);
  const original = await current(page);
  assert.equal(original.length, WIDTH * HEIGHT * 3);
  await brush(page, RADIUS);
  const radius = Number(await page.locator('#rt-size').inputValue()) / Number(await page.locator('#rt-stage').getAttribute('data-scale'));
  const points = await Promise.all(STROKE.map(([x, y]) => toScreen(page, x, y)));
  await page.mouse.move(...points[0]!);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...p, { steps: 3 });
  await page.mouse.up();
  await page.locator('#retouch[data-fills="1"]').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#rt-status').innerText(), /Filled [\d,]+ px in \d+ ms/);
  const filled = await current(page);
  const c = changes(original, filled, STROKE);
  assert.ok(c.changed > 500, `the clutter was filled (${c.changed} px changed)`);
  assert.ok(c.farthest < radius + 4, `nothing changed 3 px or more outside the brush (farthest ${c.farthest.toFixed(1)} px, brush ${radius.toFixed(1)})`);
  await page.mouse.move(5, 5);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'retouch-desktop.png') });

  // The server's /v1/retouch, given the same stroke and the photo's cutout, fills it with the same pixels.
  const stroke = JSON.parse((await page.locator('#retouch').getAttribute('data-last-stroke'))!);
  const photoBytes = fs.readFileSync(photo(PHOTO));
  const form = (fields: Record<string, Blob | string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v, ...(typeof v === 'string' ? [] : [`${k}.png`]) as []);
    return f;
  };
  const cutout = await fetch(`${web.url}/v1/cutout`, { method: 'POST', body: form({ image_file: new Blob([photoBytes]) }) });
  assert.equal(cutout.status, 200);
  const res = await fetch(`${web.url}/v1/retouch`, { method: 'POST', body: form({ image_file: new Blob([photoBytes]), matte_file: new Blob([await cutout.arrayBuffer()]), strokes: JSON.stringify([stroke]) }) });
  assert.equal(res.status, 200, await res.clone().text());
  const served = [...(await sharp(Buffer.from(await res.arrayBuffer())).removeAlpha().raw().toBuffer())];
  const differ = served.filter((v, i) => Math.abs(v - filled[i]!) > 1).length;
  assert.ok(differ <= 30, `the server fills the stroke as the page did (${differ} channel values differ by more than 1)`);

  // Before shows the photo as it came; pressing it again, the retouched one.
  const shown = () => page.evaluate(() => {
    const c = document.getElementById('rt-view') as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  });
  const after = await shown();
  await page.click('#rt-before');
  assert.equal(await page.locator('#rt-before').getAttribute('aria-pressed'), 'true');
  const beforeShown = await shown();
  assert.ok(beforeShown.some((v, i) => Math.abs(v - after[i]!) > 8), 'Before shows the photo as it came');
  await page.click('#rt-before');
  assert.deepEqual(await shown(), after);

  await page.click('#rt-undo');
  assert.deepEqual(await current(page), original, 'undo restores the photo exactly');
  await page.click('#rt-redo');
  assert.deepEqual(await current(page), filled, 'redo fills it again, the same');

  // Done: the card takes the retouched photo and is cut out again.
  await page.click('#rt-done');
  await page.waitForFunction(() => document.querySelector('.card')?.getAttribute('data-retouched') === '1' && document.querySelector('.card')?.getAttribute('data-state') === 'ready', undefined, { timeout: 90_000 });
  assert.equal(await page.locator('#retouch').isHidden(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pen: a pen stroke is painted and filled like the mouse\'s', { timeout: 240_000 }, async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await uploadAndOpen(page);
  const original = await current(page);
  await brush(page, RADIUS);
  const cdp = await page.context().newCDPSession(page);
  const pen = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', [x, y]: [number, number]) => cdp.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen', force: 0.5 });
  const points = await Promise.all(STROKE.map(([x, y]) => toScreen(page, x, y + 40)));
  await pen('mousePressed', points[0]!);
  for (const p of points.slice(1)) await pen('mouseMoved', p);
  await pen('mouseReleased', points.at(-1)!);
  await page.locator('#retouch[data-fills="1"]').waitFor({ timeout: 30_000 });
  const c = changes(original, await current(page), STROKE.map(([x, y]) => [x, y + 40]));
  assert.ok(c.changed > 300, `the pen's stroke was filled (${c.changed} px)`);
  assert.ok(c.farthest < RADIUS + 6, `nowhere else (farthest ${c.farthest.toFixed(1)} px)`);
  await page.close();
});

test('phone: a finger paints, two fingers zoom without painting, undo and redo by tap', { timeout: 240_000 }, async () => {
  const context = await web.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await uploadAndOpen(page, true);
  const stageBox = (await page.locator('#rt-stage').boundingBox())!;
  assert.ok(stageBox.width <= 390 && stageBox.height > 200, 'the brush fits the phone');
  const original = await current(page);
  await brush(page, RADIUS);
  const cdp = await context.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', pts: [number, number][]) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
  const points = await Promise.all(STROKE.map(([x, y]) => toScreen(page, x, y)));
  await touch('touchStart', [points[0]!]);
  for (const p of points.slice(1)) await touch('touchMove', [p]);
  await touch('touchEnd', []);
  await page.locator('#retouch[data-fills="1"]').waitFor({ timeout: 30_000 });
  const filled = await current(page);
  assert.ok(changes(original, filled, STROKE).changed > 200, 'a finger stroke was filled');

  const scale = Number(await page.locator('#rt-stage').getAttribute('data-scale'));
  const mid: [number, number] = [stageBox.x + stageBox.width / 2, stageBox.y + stageBox.height / 2];
  await touch('touchStart', [[mid[0] - 20, mid[1]], [mid[0] + 20, mid[1]]]);
  for (const k of [30, 45, 60]) await touch('touchMove', [[mid[0] - k, mid[1]], [mid[0] + k, mid[1]]]);
  await touch('touchEnd', []);
  assert.ok(Number(await page.locator('#rt-stage').getAttribute('data-scale')) > scale * 2, 'pinching zoomed in');
  assert.equal(await page.locator('#retouch').getAttribute('data-fills'), '1', 'the pinch painted nothing');
  await page.screenshot({ path: path.join(SHOTS_DIR, 'retouch-phone.png') });

  await page.locator('#rt-undo').tap();
  assert.deepEqual(await current(page), original);
  await page.locator('#rt-redo').tap();
  assert.deepEqual(await current(page), filled);
  assert.ok(fs.existsSync(SHOTS_DIR));
  assert.deepEqual(errors, []);
  await context.close();
});

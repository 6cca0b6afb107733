/**
 * The web studio's Retouch brush, timed in Debian's Chromium: a stroke filled in the page (the
 * engine in a Web Worker, from release to the fill on screen) against the same stroke sent to
 * /v1/retouch from the page (the photo and the cutout uploaded, the fill made by the server's
 * pool, the PNG downloaded and decoded), alternately, on the 1.5 MP motorcycle photo.
 */
import path from 'node:path';
import type { Studio } from '../src/index.ts';
import { buildApp } from '../src/server/app.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { buildSpeedSet } from './dataset.ts';
import { median, round } from './stats.ts';

export interface WebBrushTiming {
  browser: string;
  width: number;
  height: number;
  runs: number;
  maskPixels: number;
  /** Median ms from release to the fill on screen, in the page. */
  pageMs: number;
  /** Median ms of the same stroke through /v1/retouch, fetched and decoded by the page. */
  serverMs: number;
  serverOverPage: number;
}

export async function timeWebBrush(studio: Studio, log: (s: string) => void, runs = 5): Promise<WebBrushTiming> {
  const photo = (await buildSpeedSet()).find((i) => i.name === 'motorcycle_left')!;
  const app = buildApp({ studio });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    await page.goto(url);
    await page.setInputFiles('#files', photo.file);
    await page.locator('.card[data-state="ready"]').waitFor({ timeout: 120_000 });
    await page.click('.card .retouch');
    await page.locator('#retouch[data-ready="true"]').waitFor({ timeout: 60_000 });
    const stage = page.locator('#rt-stage');
    const box = (await stage.boundingBox())!;
    const d = await stage.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    const s = Number(d.scale);
    const at = (x: number, y: number): [number, number] => [box.x + Number(d.ox) + x * s, box.y + Number(d.oy) + y * s];
    // A stroke across the floor under the front wheel, 40 px wide in the photo.
    await page.locator('#rt-size').fill(String(Math.round(20 * s)));
    const from = at(photo.width * 0.5, photo.height * 0.93), to = at(photo.width * 0.7, photo.height * 0.93);
    const pageMs: number[] = [], serverMs: number[] = [];
    let maskPixels = 0;
    for (let r = 0; r <= runs; r++) {
      await page.mouse.move(...from);
      await page.mouse.down();
      await page.mouse.move(...to, { steps: 8 });
      await page.mouse.up();
      await page.locator('#retouch[data-fills="1"]').waitFor({ timeout: 60_000 });
      const ms = Number(await page.locator('#retouch').getAttribute('data-last-ms'));
      maskPixels = Number(/Filled ([\d,.\s]+) px/.exec(await page.locator('#rt-status').innerText())?.[1]?.replace(/[^\d]/g, '') ?? 0);
      const stroke = (await page.locator('#retouch').getAttribute('data-last-stroke'))!;
      const served = await page.evaluate(async (strokeJson) => {
        const photoBlob = await (await fetch((document.querySelector('.card .before') as HTMLImageElement).src)).blob();
        const t = performance.now();
        const form = new FormData();
        form.append('image_file', photoBlob, 'photo.jpg');
        form.append('strokes', `[${strokeJson}]`);
        const res = await fetch('/v1/retouch', { method: 'POST', body: form });
        const bitmap = await createImageBitmap(await res.blob());
        bitmap.close();
        return { ms: performance.now() - t, status: res.status };
      }, stroke);
      if (served.status !== 200) throw new Error(`/v1/retouch answered ${served.status}`);
      await page.click('#rt-undo');
      // The first run of each warms up (the worker's and the pool's code).
      if (r === 0) continue;
      pageMs.push(ms);
      serverMs.push(served.ms);
    }
    const version = browser.version();
    const result: WebBrushTiming = { browser: `Chromium ${version}`, width: photo.width, height: photo.height, runs, maskPixels, pageMs: round(median(pageMs)), serverMs: round(median(serverMs)), serverOverPage: round(median(serverMs) / median(pageMs), 2) };
    log(`  ${path.basename(photo.file)} ${photo.width}x${photo.height}, a ${maskPixels} px stroke: in the page ${result.pageMs} ms, through /v1/retouch ${result.serverMs} ms`);
    return result;
  } finally {
    await browser.close();
    await app.close();
  }
}

/**
 * Measures the web studio's two ways of cutting photos out, over HTTP against a real server on
 * the embedded queue with the real model, making the same calls the page makes:
 *   per-photo: two lanes of POST /v1/cutout then POST /v1/edit (reuseAlpha);
 *   batch:     POST /v1/jobs (kind cutout), its event stream, GET each item's output as it
 *              finishes, then POST /v1/edit (reuseAlpha) in two lanes.
 * For each number of photos: milliseconds to the first finished image and to the last (median
 * of the runs). Used to choose BATCH_FROM in web/src/batch.ts.
 *
 *   node --import tsx scripts/measure-web-batch.ts [--quality fast] [--size 1600x1200] [--runs 3] [--counts 1,2,3,4,8]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values } = parseArgs({
  options: { quality: { type: 'string', default: 'fast' }, size: { type: 'string', default: '1600x1200' }, runs: { type: 'string', default: '3' }, counts: { type: 'string', default: '1,2,3,4,8' } },
});
const [W, H] = values.size!.split('x').map(Number) as [number, number];
const runs = Number(values.runs);
const counts = values.counts!.split(',').map(Number);
const quality = values.quality!;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-measure-'));
process.env.GREENROOM_DATA_DIR = path.join(root, 'data');
process.env.GREENROOM_CACHE_DIR ??= path.join(os.tmpdir(), 'greenroom-test-cache');
const { startServer } = await import('../src/server/server.ts');

const fixtures = ['coffee.png', 'rocket.jpg', 'chelsea.png', 'astronaut.png', 'motorcycle_left.png'];
const photos: { name: string; bytes: Buffer }[] = [];
for (let i = 0; i < Math.max(...counts); i++) {
  const f = fixtures[i % fixtures.length]!;
  const bytes = await sharp(path.join('test', 'fixtures', 'photos', f)).resize(W, H, { fit: 'fill' }).modulate({ brightness: 1 + i * 0.01 }).jpeg({ quality: 88 }).toBuffer();
  photos.push({ name: `p${i}.jpg`, bytes });
}

const server = await startServer({ port: 0, host: '127.0.0.1', handleSignals: false, app: { logger: false } });
const base = server.url;

async function post(url: string, form: FormData, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(base + url, { method: 'POST', body: form, headers });
  if (!res.ok && res.status !== 202) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res;
}

async function place(cut: Blob, name: string): Promise<void> {
  const form = new FormData();
  form.append('image_file', cut, name.replace(/\.\w+$/, '.png'));
  form.append('spec', JSON.stringify({ background: { type: 'transparent' }, layout: {}, export: { format: 'png' }, cutout: { reuseAlpha: true, quality } }));
  await (await post('/v1/edit', form)).arrayBuffer();
}

/** Two lanes, as the page's pump. */
async function lanes<T>(work: T[], fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...work];
  await Promise.all([0, 1].map(async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
  }));
}

async function perPhoto(n: number): Promise<[number, number]> {
  const t0 = performance.now();
  let first = 0;
  await lanes(photos.slice(0, n), async (p) => {
    const form = new FormData();
    form.append('image_file', new Blob([new Uint8Array(p.bytes)]), p.name);
    form.append('format', 'png');
    form.append('quality', quality);
    const cut = await (await post('/v1/cutout', form)).blob();
    await place(cut, p.name);
    first ||= performance.now() - t0;
  });
  return [first, performance.now() - t0];
}

async function batch(n: number): Promise<[number, number]> {
  const t0 = performance.now();
  const form = new FormData();
  for (const p of photos.slice(0, n)) form.append('image_file', new Blob([new Uint8Array(p.bytes)]), p.name);
  form.append('kind', 'cutout');
  form.append('spec', JSON.stringify({ format: 'png', quality }));
  const { id } = (await (await post('/v1/jobs', form, { 'idempotency-key': `m-${Math.random()}` })).json()) as { id: string };
  let first = 0;
  const placing: Promise<void>[] = [];
  const ready: number[] = [];
  let wake = () => {};
  const res = await fetch(`${base}/v1/jobs/${id}/events`);
  const decoder = new TextDecoder();
  let buffer = '';
  const placer = (async () => {
    // Two lanes of edits fed by the finished items, as the page does.
    let active = 0;
    for (let placed = 0; placed < n; ) {
      if (ready.length && active < 2) {
        const index = ready.shift()!;
        active++;
        placing.push((async () => {
          const cut = await (await fetch(`${base}/v1/jobs/${id}/items/${index}`)).blob();
          await place(cut, `p${index}.jpg`);
          first ||= performance.now() - t0;
          active--;
          wake();
        })());
        placed++;
        continue;
      }
      await new Promise<void>((r) => (wake = r));
    }
  })();
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const m = /^event: item\ndata: (.*)$/s.exec(block);
      if (m) {
        const e = JSON.parse(m[1]!) as { item: { index: number; state: string } };
        if (e.item.state === 'done') {
          ready.push(e.item.index);
          wake();
        }
      }
    }
  }
  await placer;
  await Promise.all(placing);
  return [first, performance.now() - t0];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`# ${W}x${H} JPEG, quality ${quality}, ${runs} runs, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// Warm the model (and the job path) once.
await perPhoto(1);
await batch(1);
console.log('| photos | per-photo first | per-photo all | batch first | batch all |');
console.log('|---|---|---|---|---|');
for (const n of counts) {
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  for (let r = 0; r < runs; r++) {
    a.push(await perPhoto(n));
    b.push(await batch(n));
  }
  const f = (xs: [number, number][], i: 0 | 1) => `${(median(xs.map((x) => x[i])) / 1000).toFixed(2)} s`;
  console.log(`| ${n} | ${f(a, 0)} | ${f(a, 1)} | ${f(b, 0)} | ${f(b, 1)} |`);
}
console.log(`# load after ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
await server.close();
fs.rmSync(root, { recursive: true, force: true });

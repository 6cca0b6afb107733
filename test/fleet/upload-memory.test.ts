/**
 * Uploads stream to storage part by part, on both queues: a 1,000-image batch (about 110 MB of
 * generated JPEGs) posted to `greenroom serve` (the embedded queue) and to `greenroom serve
 * --no-worker` (the fleet, on a real redis-server) raises the server's resident memory by less
 * than 64 MB during the upload. Memory is sampled from /proc while the body streams.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { freePort, startRedis, type TestRedis } from './redis.ts';
import { startServe, waitFor, type Proc } from './procs.ts';
import { seeded } from '../helpers/images.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-upload-memory-'));
const procs: Proc[] = [];
let redis: TestRedis | undefined;
after(async () => {
  await Promise.all(procs.map((p) => p.kill()));
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

const rssMB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Ten different noisy JPEGs of about 110 KB, reused for the 1,000 parts (the server cannot tell). */
async function jpegs(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let k = 0; k < 10; k++) {
    const rnd = seeded(100 + k);
    const raw = Buffer.alloc(420 * 320 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (rnd() * 256) | 0;
    out.push(await sharp(raw, { raw: { width: 420, height: 320, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  }
  return out;
}

/** Posts n image parts as one streamed multipart body (written as the socket drains); resolves with the response. */
function upload(port: number, n: number, images: Buffer[], key: string): Promise<{ status: number; body: string }> {
  const boundary = '----greenroommemory';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/jobs', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'idempotency-key': key } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    let i = 0;
    const write = () => {
      while (i < n) {
        const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image_file"; filename="p${i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
        const ok = req.write(Buffer.concat([head, images[i % images.length]!, Buffer.from('\r\n')]));
        i++;
        if (!ok) return void req.once('drain', write);
      }
      req.end(`--${boundary}\r\nContent-Disposition: form-data; name="spec"\r\n\r\n{"cutout":{"quality":"fast"}}\r\n--${boundary}--\r\n`);
    };
    write();
  });
}

async function measure(t: { diagnostic(s: string): void }, label: string, args: string[], env: Record<string, string>): Promise<void> {
  const port = await freePort();
  const serve = await startServe(port, args, { GREENROOM_DATA_DIR: path.join(root, label), ...env });
  procs.push(serve);
  const pid = serve.child.pid!;
  const images = await jpegs();
  // Warm up the upload path, then measure from a settled baseline.
  const warm = await upload(port, 50, images, `${label}-warm`);
  assert.equal(warm.status, 202, warm.body);
  const warmId = JSON.parse(warm.body).id as string;
  await fetch(`http://127.0.0.1:${port}/v1/jobs/${warmId}`, { method: 'DELETE' });
  // The embedded queue runs the item that had started: wait for it, so only the upload is measured.
  await waitFor('the warm-up job to end', async () => ['cancelled', 'done', 'failed'].includes(((await (await fetch(`http://127.0.0.1:${port}/v1/jobs/${warmId}`)).json()) as { state: string }).state), 60_000, 100);
  await new Promise((r) => setTimeout(r, 1000));
  const baseline = rssMB(pid);
  let peak = baseline;
  const timeline: string[] = [];
  let tick = 0;
  const sampler = setInterval(() => {
    const r = rssMB(pid);
    peak = Math.max(peak, r);
    if (tick++ % 25 === 0) timeline.push(r.toFixed(0));
  }, 20);
  const t0 = performance.now();
  const res = await upload(port, 1000, images, `${label}-big`);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  assert.equal(res.status, 202, res.body);
  const { id, status } = JSON.parse(res.body) as { id: string; status: { total: number } };
  assert.equal(status.total, 1000);
  await fetch(`http://127.0.0.1:${port}/v1/jobs/${id}`, { method: 'DELETE' });
  const mb = images.reduce((s, b) => s + b.length, 0) * 100 / 1e6;
  t.diagnostic(`${label}: RSS every 0.5 s: ${timeline.join(' ')}`);
  t.diagnostic(`${label}: 1000 images, ${mb.toFixed(0)} MB in ${seconds.toFixed(1)} s; server RSS ${baseline.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (+${(peak - baseline).toFixed(1)} MB)`);
  assert.ok(peak - baseline < 64, `${label}: resident memory grew by ${(peak - baseline).toFixed(1)} MB during a ${mb.toFixed(0)} MB upload`);
  await serve.kill('SIGTERM');
}

test('a 1,000-image upload to the embedded queue: server memory grows by less than 64 MB', { timeout: 240_000 }, async (t) => {
  await measure(t, 'embedded', [], {});
});

test('a 1,000-image upload to the fleet (serve --no-worker): server memory grows by less than 64 MB', { timeout: 240_000 }, async (t) => {
  redis = await startRedis();
  await measure(t, 'fleet', ['--no-worker'], { GREENROOM_REDIS_URL: redis.url, GREENROOM_STORAGE_URL: `file://${path.join(root, 'storage')}` });
});

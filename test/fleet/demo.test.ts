/**
 * The fleet, end to end, and the first fault: two `greenroom worker` processes and a
 * `greenroom serve --no-worker` on one real redis-server finish a batch submitted over HTTP
 * while one worker is killed with SIGKILL in the middle of an item. The other worker finishes
 * that item; every item ends with exactly one output; outputs written before the kill are
 * byte-identical after; live progress reaches the client's event stream from both workers; the
 * energy ledgers (one per worker) count each item once; /metrics shows the fleet.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { JobStatus } from '../../src/jobs/types.ts';
import { zipEntryNames } from '../helpers/jobs.ts';
import { freePort, startRedis, type TestRedis } from './redis.ts';
import { FAST_FLEET, ledgerLines, makePhotos, outputFiles, startServe, startWorker, waitFor, type Proc } from './procs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-fleet-demo-'));
const procs: Proc[] = [];
let redis: TestRedis | undefined;
after(async () => {
  await Promise.all(procs.map((p) => p.kill()));
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('two workers and serve --no-worker finish an HTTP batch while one worker is killed mid-item', { timeout: 300_000 }, async () => {
  redis = await startRedis();
  const storage = path.join(root, 'storage');
  const fleet = { GREENROOM_REDIS_URL: redis.url, GREENROOM_STORAGE_URL: `file://${storage}`, ...FAST_FLEET };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const [serve, w1, w2] = await Promise.all([
    startServe(port, ['--no-worker'], { ...fleet, GREENROOM_DATA_DIR: path.join(root, 'serve') }),
    startWorker('w1', { ...fleet, GREENROOM_DATA_DIR: path.join(root, 'w1') }),
    startWorker('w2', { ...fleet, GREENROOM_DATA_DIR: path.join(root, 'w2') }),
  ]);
  procs.push(serve, w1, w2);
  await waitFor('two workers in /metrics', async () => /greenroom_fleet_workers 2\b/.test(await (await fetch(`${base}/metrics`)).text()));

  const photos = await makePhotos(path.join(root, 'photos'), 8);
  const form = new FormData();
  for (const p of photos) form.append('image_file', new Blob([fs.readFileSync(p)]), path.basename(p));
  form.append('spec', JSON.stringify({ cutout: { quality: 'fast' }, background: 'white', layout: { outputSize: '600x600' }, export: { format: 'jpeg' } }));
  const submitted = await fetch(`${base}/v1/jobs`, { method: 'POST', body: form, headers: { 'idempotency-key': 'demo-batch' } });
  assert.equal(submitted.status, 202, await submitted.clone().text());
  const { id } = (await submitted.json()) as { id: string };

  // The client follows the events while the fleet works.
  const events: { event: string; data: { item?: { index: number; state: string; worker?: string }; state?: string } }[] = [];
  const sse = (async () => {
    const res = await fetch(`${base}/v1/jobs/${id}/events`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const m = /^event: (\w+)\ndata: (.*)$/s.exec(block);
        if (m) events.push({ event: m[1]!, data: JSON.parse(m[2]!) });
      }
    }
  })();

  const status = async () => (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as JobStatus;
  // Kill w1 in the middle of an item, once it has finished one.
  const killed = await waitFor('an item running on w1 after w1 finished one', async () => {
    const s = await status();
    const running = s.items.find((i) => i.state === 'running' && i.worker === 'w1');
    return s.items.some((i) => i.state === 'done' && i.worker === 'w1') && running ? running.index : undefined;
  }, 240_000, 20);
  await w1.kill('SIGKILL');
  const atKill = await status();
  const doneBefore = atKill.items.filter((i) => i.state === 'done').map((i) => i.index);
  const before = new Map(doneBefore.map((i) => [i, fs.readFileSync(path.join(storage, 'jobs', id, 'out', `${i}.jpg`))]));
  assert.notEqual(atKill.items[killed]!.state, 'done', 'the killed item was not finished');

  const final = await waitFor('the batch to end', async () => {
    const s = await status();
    return s.state === 'done' || s.state === 'failed' ? s : undefined;
  }, 240_000, 200);
  await sse;

  assert.equal(final.state, 'done');
  assert.deepEqual([final.done, final.failed, final.total], [8, 0, 8]);
  assert.equal(final.items[killed]!.worker, 'w2', 'the other worker finished the killed item');
  assert.deepEqual(outputFiles(storage, id), photos.map((_, i) => `${i}.jpg`).sort(), 'exactly one output per item, no temporary file');
  for (const [i, bytes] of before) assert.ok(fs.readFileSync(path.join(storage, 'jobs', id, 'out', `${i}.jpg`)).equals(bytes), `output ${i} is byte-identical after the kill`);

  // Live progress from both workers reached the client; the stream ended with the job.
  const itemEvents = events.filter((e) => e.event === 'item');
  assert.deepEqual([...new Set(itemEvents.map((e) => e.data.item!.index))].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(new Set(itemEvents.map((e) => e.data.item!.worker)), new Set(['w1', 'w2']));
  assert.deepEqual(events.at(-1), { event: 'state', data: { type: 'state', jobId: id, state: 'done' } });

  // The energy ledgers (one per worker machine) count each item once, across both.
  const lines = [...ledgerLines(path.join(root, 'w1'), id), ...ledgerLines(path.join(root, 'w2'), id)];
  assert.deepEqual(lines.map((l) => l.input).sort(), photos.map((p) => path.basename(p)).sort());
  const joules = final.items.reduce((s, i) => s + (i.energyJ ?? 0), 0);
  assert.ok(Math.abs(final.energy.joules - joules) < 0.01, 'the job sums each item once');
  for (const item of final.items) if (item.energyJ) assert.ok(item.uncertainty! >= 0 && item.uncertainty! <= 1, `item ${item.index} uncertainty ${item.uncertainty}`);

  const zip = await fetch(`${base}/v1/jobs/${id}/results.zip`);
  assert.equal(zip.status, 200);
  assert.equal(zipEntryNames(Buffer.from(await zip.arrayBuffer())).length, 8);
  const again = await fetch(`${base}/v1/jobs`, { method: 'POST', body: form, headers: { 'idempotency-key': 'demo-batch' } });
  assert.equal(again.status, 200);
  assert.equal(((await again.json()) as { id: string }).id, id);

  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /greenroom_fleet_workers 1\b/, 'one worker left alive');
  const perWorker = (w: string) => Number(new RegExp(`greenroom_fleet_items\\{worker="${w}",outcome="done"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
  assert.equal(perWorker('w1') + perWorker('w2'), 8);
  assert.ok(perWorker('w2') >= 1 && perWorker('w1') >= 1, metrics);
  assert.match(metrics, /greenroom_queue_items\{state="completed"\} \d+/);

  // SIGTERM: the worker left stops gracefully.
  assert.equal(await w2.kill('SIGTERM'), 0);
  assert.match(w2.log(), /stopped/);
});

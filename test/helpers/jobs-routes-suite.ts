/**
 * The /v1/jobs routes on a bare Fastify app (with @fastify/multipart) over a job queue, a real
 * studio with a stand-in segmenter; requests by app.inject(). One suite, run over both queues:
 * test/server/jobs.test.ts (embedded) and test/fleet/routes.test.ts (BullMQ on a real Redis).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import type { JobRunner } from '../../src/jobs/embedded.ts';
import { jobsRoutes } from '../../src/server/routes/jobs.ts';
import type { JobQueue, JobStatus } from '../../src/jobs/types.ts';
import { fakeSegmenterFactory, smallPhoto, streamToBuffer, waitForEnd, zipEntryNames } from './jobs.ts';

/** Opens a queue running items with this runner, its data under dataDir; close() ends everything it opened. */
export type QueueFactory = (opts: { runner: JobRunner; dataDir: string; maxQueuedItems?: number }) => Promise<{ queue: JobQueue; close(): Promise<void> }>;

export function jobsRoutesSuite(label: string, makeQueue: QueueFactory): void {

type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer; type?: string };

/** A multipart/form-data body. */
function form(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----greenroom${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('data' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`));
      chunks.push(p.data, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const images = (n: number, seed = 1): Part[] => Array.from({ length: n }, (_, i) => ({ name: 'image_file', filename: `p${i}.png`, data: smallPhoto(seed + i) }));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-jobs-routes-'));
let studio: Studio;
let queue: JobQueue;
let closeQueue: () => Promise<void>;
let app: FastifyInstance;
let release!: () => void;
let gate: Promise<void> = Promise.resolve();

async function build(q: JobQueue): Promise<FastifyInstance> {
  const a = Fastify();
  await a.register(multipart, { limits: { fileSize: 2_000_000 } });
  await a.register(jobsRoutes, { queue: q, maxFiles: 20, heartbeatMs: 50 });
  await a.ready();
  return a;
}

before(async () => {
  studio = await Studio.open({ segmenterFactory: fakeSegmenterFactory(), dataDir: root });
  const runner: JobRunner = {
    edit: async (...a: Parameters<Studio['edit']>) => (await gate, studio.edit(...a)),
    cutout: async (...a: Parameters<Studio['cutout']>) => (await gate, studio.cutout(...a)),
  };
  ({ queue, close: closeQueue } = await makeQueue({ runner, dataDir: path.join(root, 'data'), maxQueuedItems: 12 }));
  app = await build(queue);
});
after(async () => {
  release?.();
  await app.close();
  await closeQueue();
  await studio.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const hold = () => {
  gate = new Promise((r) => (release = r));
};

async function submit(parts: Part[], headers: Record<string, string> = {}) {
  const f = form(parts);
  return app.inject({ method: 'POST', url: '/v1/jobs', payload: f.payload, headers: { ...f.headers, ...headers } });
}

describe(`/v1/jobs (${label})`, () => {
  test('POST a batch → 202 with the id and status; GET status, events, zip, items', async () => {
    const res = await submit([...images(3), { name: 'spec', value: JSON.stringify({ background: 'white', layout: { outputSize: '90x90' }, export: { format: 'png' } }) }]);
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json() as { id: string; status: JobStatus };
    assert.match(body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.location, `/v1/jobs/${body.id}`);
    assert.equal(body.status.total, 3);
    assert.equal(body.status.kind, 'edit');

    const events = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/events` });
    assert.equal(events.statusCode, 200);
    assert.match(String(events.headers['content-type']), /^text\/event-stream/);
    const blocks = events.body.split('\n\n').filter((b) => b.startsWith('event:'));
    const parsed = blocks.map((b) => ({ event: /^event: (\w+)/.exec(b)![1], data: JSON.parse(/\ndata: (.*)/.exec(b)![1]!) as Record<string, unknown> }));
    const items = parsed.filter((p) => p.event === 'item');
    assert.deepEqual(items.map((p) => (p.data.item as { index: number }).index).sort(), [0, 1, 2], 'one item event per image');
    assert.deepEqual(parsed.at(-1), { event: 'state', data: { type: 'state', jobId: body.id, state: 'done' } });

    const status = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}` });
    assert.equal(status.statusCode, 200);
    const s = status.json() as JobStatus;
    assert.deepEqual([s.state, s.done, s.failed], ['done', 3, 0]);
    assert.equal(s.items[1]!.output!.name, 'p1.png');
    assert.ok(s.energy.joules > 0);

    const zip = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/results.zip` });
    assert.equal(zip.statusCode, 200);
    assert.equal(zip.headers['content-type'], 'application/zip');
    assert.equal(zip.headers['x-greenroom-partial'], 'false');
    assert.equal(zip.headers['x-greenroom-outputs'], '3/3');
    assert.deepEqual(zipEntryNames(zip.rawPayload), ['p0.png', 'p1.png', 'p2.png']);

    const one = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/items/2` });
    assert.equal(one.statusCode, 200);
    assert.equal(one.headers['content-type'], 'image/png');
    assert.match(String(one.headers['content-disposition']), /filename="p2.png"/);
    const meta = await sharp(one.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [90, 90]);
    // A preview of the stored output: same format, scaled to fit, the full size in X-Source-*.
    const small = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/items/2?preview=64` });
    assert.equal(small.statusCode, 200);
    assert.equal(small.headers['content-type'], 'image/png');
    const smallMeta = await sharp(small.rawPayload).metadata();
    assert.deepEqual([smallMeta.width, smallMeta.height, smallMeta.channels], [64, 64, meta.channels]);
    assert.deepEqual([small.headers['x-width'], small.headers['x-source-width']], ['64', '90']);
    assert.equal((await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/items/2?preview=8` })).statusCode, 400);
    const missing = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/items/9` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'GREENROOM_ERR_NOT_FOUND');
  });

  test('Idempotency-Key: the same key returns the same job (200, idempotent-replayed)', async () => {
    const a = await submit(images(1, 40), { 'idempotency-key': 'upload-7' });
    const b = await submit(images(2, 50), { 'idempotency-key': 'upload-7' });
    assert.equal(a.statusCode, 202);
    assert.equal(b.statusCode, 200);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(b.json().id, a.json().id);
    assert.equal(b.json().status.total, 1);
    await waitForEnd(queue, a.json().id);
  });

  test('cutout kind, and a failed item with its error code', async () => {
    const res = await submit([...images(1, 60), { name: 'images', filename: 'bad.png', data: Buffer.from('not an image') }, { name: 'kind', value: 'cutout' }, { name: 'spec', value: '{"quality":"fast","format":"webp"}' }]);
    assert.equal(res.statusCode, 202, res.body);
    const s = await waitForEnd(queue, res.json().id);
    assert.equal(s.kind, 'cutout');
    assert.equal(s.items[0]!.output!.mime, 'image/webp');
    assert.equal(s.items[1]!.error!.code, 'GREENROOM_ERR_NOT_AN_IMAGE');
    const item = await app.inject({ method: 'GET', url: `/v1/jobs/${s.id}/items/1` });
    assert.equal(item.statusCode, 404);
    assert.equal(item.json().details.error.code, 'GREENROOM_ERR_NOT_AN_IMAGE');
  });

  test('a background image travels as a background_file part; server paths are refused', async () => {
    const bg = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const ok = await submit([...images(1, 70), { name: 'background_file', filename: 'bg.png', data: bg }, { name: 'spec', value: '{"layout":{"outputSize":"80x80"}}' }]);
    assert.equal(ok.statusCode, 202, ok.body);
    const s = await waitForEnd(queue, ok.json().id);
    assert.equal(s.state, 'done', JSON.stringify(s.items));
    const { data } = await sharp(await streamToBuffer((await queue.openOutput(s.id, 0))!)).raw().toBuffer({ resolveWithObject: true });
    assert.ok(Math.abs(data[0]! - 0x33) < 12 && Math.abs(data[2]! - 0xaa) < 12, `corner pixel ${data[0]},${data[1]},${data[2]} is the uploaded background`);
    for (const spec of ['{"background":"image:/etc/passwd"}', '{"background":{"type":"image","file":"/etc/hostname"}}']) {
      const res = await submit([...images(1), { name: 'spec', value: spec }]);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().details.field, 'background.file');
    }
  });

  test('validation errors: JSON shape with code, title, message, details; nothing is queued', async () => {
    const cases: [Part[], number, string, string?][] = [
      [images(1).concat({ name: 'spec', value: '{"shadow":{"mode":"sideways"}}' }), 400, 'GREENROOM_ERR_INVALID_OPTION', 'shadow.mode'],
      [images(1).concat({ name: 'spec', value: '{not json' }), 400, 'GREENROOM_ERR_INVALID_OPTION', 'spec'],
      [images(1).concat({ name: 'spec', value: '[1]' }), 400, 'GREENROOM_ERR_INVALID_OPTION', 'spec'],
      [images(1).concat({ name: 'kind', value: 'resize' }), 400, 'GREENROOM_ERR_INVALID_OPTION', 'kind'],
      [images(1).concat({ name: 'colour', value: 'red' }), 400, 'GREENROOM_ERR_INVALID_OPTION', 'colour'],
      [[{ name: 'spec', value: '{}' }], 400, 'GREENROOM_ERR_MISSING_IMAGE'],
      [images(21), 413, 'GREENROOM_ERR_UPLOAD_TOO_LARGE'],
      [[{ name: 'image_file', filename: 'huge.png', data: Buffer.alloc(2_100_000) }], 413, 'GREENROOM_ERR_UPLOAD_TOO_LARGE'],
    ];
    const before = await queue.depth();
    for (const [parts, status, code, field] of cases) {
      const res = await submit(parts);
      assert.equal(res.statusCode, status, `${code}: ${res.body}`);
      const body = res.json() as { code: string; title: string; message: string; details: Record<string, unknown> };
      assert.equal(body.code, code, res.body);
      assert.ok(body.title && body.message);
      if (field) assert.equal(body.details.field, field);
    }
    const json = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { files: [] } });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().code, 'GREENROOM_ERR_MISSING_IMAGE');
    assert.deepEqual(await queue.depth(), before);
  });

  test('unknown jobs are 404 JOB_NOT_FOUND; malformed ids 400', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/v1/jobs/${id}`, `/v1/jobs/${id}/events`, `/v1/jobs/${id}/results.zip`, `/v1/jobs/${id}/items/0`]) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 'GREENROOM_ERR_JOB_NOT_FOUND');
    }
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` })).statusCode, 404);
    const bad = await app.inject({ method: 'GET', url: '/v1/jobs/..%2F..%2Fetc' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'GREENROOM_ERR_INVALID_OPTION');
  });

  test('while running: zip 409 before any output, item 409; DELETE cancels; 429 with Retry-After when full', async () => {
    hold();
    try {
      const res = await submit(images(4, 80));
      const id = res.json().id as string;
      const zip = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/results.zip` });
      assert.equal(zip.statusCode, 409);
      assert.equal(zip.json().code, 'GREENROOM_ERR_JOB_NOT_FINISHED');
      assert.equal((await app.inject({ method: 'GET', url: `/v1/jobs/${id}/items/0` })).statusCode, 409);

      const more = await submit(images(9, 90)); // 3 + 9 = 12 queued: full
      assert.equal(more.statusCode, 202);
      const full = await submit(images(1, 99));
      assert.equal(full.statusCode, 429);
      assert.equal(full.json().code, 'GREENROOM_ERR_QUEUE_FULL');
      assert.ok(Number(full.headers['retry-after']) >= 1);
      assert.equal(full.json().details.retryAfterSeconds, Number(full.headers['retry-after']));

      const del = await app.inject({ method: 'DELETE', url: `/v1/jobs/${more.json().id}` });
      assert.equal(del.statusCode, 200);
      assert.equal(del.json().state, 'cancelled', 'nothing of it was running: cancelled at once');
      const cancelRunning = await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` });
      assert.equal(cancelRunning.json().state, 'running');
      release();
      const s = await waitForEnd(queue, id);
      assert.equal(s.state, 'cancelled');
      assert.deepEqual(s.items.map((i) => i.state), ['done', 'cancelled', 'cancelled', 'cancelled']);
      const partialZip = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/results.zip` });
      assert.equal(partialZip.statusCode, 200);
      assert.equal(partialZip.headers['x-greenroom-outputs'], '1/4');
      assert.deepEqual(zipEntryNames(partialZip.rawPayload), ['p0.png']);
    } finally {
      gate = Promise.resolve();
      release();
    }
  });

  test('a zip while the job runs is partial', async () => {
    hold();
    let first = true;
    const { queue: q2, close: closeQ2 } = await makeQueue({
      runner: { edit: async (...a) => (first ? (first = false) : await gate, studio.edit(...a)), cutout: (...a) => studio.cutout(...a) },
      dataDir: path.join(root, 'data2'),
    });
    const app2 = await build(q2);
    try {
      const f = form(images(2, 120));
      const res = await app2.inject({ method: 'POST', url: '/v1/jobs', payload: f.payload, headers: f.headers });
      const id = res.json().id as string;
      for (let i = 0; i < 200 && (await q2.get(id))!.done < 1; i++) await new Promise((r) => setTimeout(r, 10));
      const zip = await app2.inject({ method: 'GET', url: `/v1/jobs/${id}/results.zip` });
      assert.equal(zip.statusCode, 200);
      assert.equal(zip.headers['x-greenroom-partial'], 'true');
      assert.deepEqual(zipEntryNames(zip.rawPayload), ['p0.png']);
      release();
      await waitForEnd(q2, id);
    } finally {
      release();
      await app2.close();
      await closeQ2();
    }
  });
});
}

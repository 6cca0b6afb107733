/**
 * Job webhooks on the embedded queue, through the /v1/jobs routes: a real studio (stand-in
 * segmenter), the SQLite queue, and a real loopback receiver (test/helpers/webhook-receiver.ts)
 * that checks each signature as docs/API.md says. Backoff is a few milliseconds; nothing here
 * asserts a duration.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { Studio } from '../../src/studio.ts';
import { openEmbeddedQueue, type EmbeddedQueue, type JobRunner } from '../../src/jobs/embedded.ts';
import { jobsRoutes } from '../../src/server/routes/jobs.ts';
import type { JobStatus } from '../../src/jobs/types.ts';
import type { WebhookSettings, WebhookStatus } from '../../src/webhooks/types.ts';
import { fakeSegmenterFactory, smallPhoto, waitForEnd } from '../helpers/jobs.ts';
import { startReceiver, verify, type Receiver } from '../helpers/webhook-receiver.ts';

const SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
const FAST: WebhookSettings = { secret: SECRET, allowPrivate: true, attempts: 5, backoffMs: 20, timeoutMs: 1000 };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-webhooks-'));
let studio: Studio;
let release: () => void = () => {};
let gate: Promise<void> = Promise.resolve();
const runner: JobRunner = {
  edit: async (...a: Parameters<Studio['edit']>) => (await gate, studio.edit(...a)),
  cutout: async (...a: Parameters<Studio['cutout']>) => (await gate, studio.cutout(...a)),
};
const opened: { close(): Promise<unknown> }[] = [];
let dirs = 0;

before(async () => {
  studio = await Studio.open({ segmenterFactory: fakeSegmenterFactory(), dataDir: root });
});
after(async () => {
  release();
  for (const o of opened.reverse()) await o.close();
  await studio.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A queue and the routes over it; dataDir fresh unless given (a restart). */
async function open(webhooks: WebhookSettings, options: { dataDir?: string; now?: () => number } = {}): Promise<{ queue: EmbeddedQueue; app: FastifyInstance; dataDir: string }> {
  const dataDir = options.dataDir ?? path.join(root, `q${dirs++}`);
  const queue = await openEmbeddedQueue({ studio: runner, dataDir, webhooks, ...(options.now ? { now: options.now } : {}) });
  const app = Fastify();
  await app.register(multipart, { limits: { fileSize: 2_000_000 } });
  await app.register(jobsRoutes, { queue, maxFiles: 20 });
  await app.ready();
  opened.push(queue, app);
  return { queue, app, dataDir };
}

async function receiver(...replies: Parameters<typeof startReceiver>[0][]): Promise<Receiver> {
  const r = await startReceiver(replies[0] ?? []);
  opened.push(r);
  return r;
}

type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer };
function form(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----hooks${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('data' in p) chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), p.data, Buffer.from('\r\n'));
    else chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const images = (n: number, seed = 1): Part[] => Array.from({ length: n }, (_, i) => ({ name: 'image_file', filename: `p${i}.png`, data: smallPhoto(seed + i) }));
const SPEC: Part = { name: 'spec', value: JSON.stringify({ background: 'white', layout: { outputSize: '80x80' } }) };

async function submit(app: FastifyInstance, parts: Part[]) {
  const f = form(parts);
  return app.inject({ method: 'POST', url: '/v1/jobs', payload: f.payload, headers: f.headers });
}

/** Polls GET /v1/jobs/:id until the webhook is delivered or given up. */
async function webhookEnd(app: FastifyInstance, id: string, timeoutMs = 30_000): Promise<JobStatus & { webhook: WebhookStatus }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = (await app.inject({ method: 'GET', url: `/v1/jobs/${id}` })).json() as JobStatus;
    if (s.webhook && (s.webhook.state === 'delivered' || s.webhook.state === 'failed')) return s as JobStatus & { webhook: WebhookStatus };
    if (Date.now() > deadline) throw new Error(`the webhook of ${id} did not end: ${JSON.stringify(s.webhook)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('job webhooks (embedded queue)', () => {
  test('a job that ends is POSTed once, signed; the receiver verifies it as docs/API.md says', async () => {
    const { app } = await open(FAST);
    const hook = await receiver();
    const res = await submit(app, [...images(2), SPEC, { name: 'callback_url', value: hook.url }]);
    assert.equal(res.statusCode, 202, res.body);
    const id = res.json().id as string;
    assert.deepEqual(res.json().status.webhook, { url: hook.url, state: 'waiting', attempts: 0 });

    const s = await webhookEnd(app, id);
    assert.equal(s.state, 'done');
    assert.equal(s.webhook.state, 'delivered');
    assert.equal(s.webhook.attempts, 1);
    assert.equal(s.webhook.lastStatus, 200);
    assert.ok(s.webhook.deliveredAt && Date.parse(s.webhook.deliveredAt) >= Date.parse(s.updatedAt));
    assert.equal(hook.requests.length, 1);
    const [r] = hook.requests as [(typeof hook.requests)[0]];
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['webhook-id'], `job_${id}_ended`);
    assert.ok(verify(r, SECRET), 'the signature verifies with the documented procedure');
    assert.ok(!verify({ ...r, body: r.body.replace('"done"', '"failed"') }, SECRET), 'a changed body does not verify');
    assert.ok(!verify(r, `whsec_${crypto.randomBytes(32).toString('base64')}`), 'another secret does not verify');
    assert.ok(!verify(r, SECRET, Number(r.headers['webhook-timestamp']) + 600), 'an old timestamp is refused by the receiver');

    const body = JSON.parse(r.body);
    assert.equal(body.type, 'job.done');
    assert.equal(body.timestamp, s.updatedAt);
    assert.deepEqual(body.data, {
      id,
      state: 'done',
      kind: 'edit',
      total: 2,
      done: 2,
      failed: 0,
      cancelled: 0,
      energy: s.energy,
      createdAt: s.createdAt,
      endedAt: s.updatedAt,
      links: { status: `/v1/jobs/${id}`, results: `/v1/jobs/${id}/results.zip`, item: `/v1/jobs/${id}/items/{index}` },
    });
    // The links work on the server the job was submitted to.
    assert.equal((await app.inject({ method: 'GET', url: body.data.links.results })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: body.data.links.item.replace('{index}', '1') })).statusCode, 200);
  });

  test('a receiver that fails twice (HTTP 503, then no answer in time) then succeeds gets exactly one accepted delivery', async () => {
    const { app } = await open({ ...FAST, timeoutMs: 300 });
    const hook = await receiver([503, 'hang']);
    const res = await submit(app, [...images(1, 10), SPEC, { name: 'callback_url', value: hook.url }]);
    const id = res.json().id as string;
    const s = await webhookEnd(app, id);
    assert.equal(s.webhook.state, 'delivered');
    assert.equal(s.webhook.attempts, 3, 'two failed tries and the one that worked');
    assert.equal(s.webhook.lastStatus, 200);
    assert.equal(s.webhook.lastError, undefined);
    assert.deepEqual(hook.requests.map((r) => r.reply), [503, 'hang', 200]);
    assert.equal(hook.accepted().length, 1);
    assert.equal(new Set(hook.requests.map((r) => r.headers['webhook-id'])).size, 1, 'every try carries the same event id');
    assert.equal(new Set(hook.requests.map((r) => r.body)).size, 1, 'and the same body');
    for (const r of hook.requests) assert.ok(verify(r, SECRET));
  });

  test('failed tries are recorded; after the last one the delivery is given up (and the job is not held up)', async () => {
    const { app, queue } = await open({ ...FAST, attempts: 3 });
    const hook = await receiver([500, 502, 503, 504]);
    const res = await submit(app, [...images(1, 20), SPEC, { name: 'callback_url', value: hook.url }]);
    const id = res.json().id as string;
    assert.equal((await waitForEnd(queue, id)).state, 'done', 'the job ends whatever the receiver does');
    const s = await webhookEnd(app, id);
    assert.equal(s.webhook.state, 'failed');
    assert.equal(s.webhook.attempts, 3);
    assert.equal(s.webhook.lastStatus, 503);
    assert.match(s.webhook.lastError!, /^HTTP 503/);
    assert.equal(s.webhook.nextAttemptAt, undefined);
    assert.equal(hook.requests.length, 3);
  });

  test('a connection refused is a failed try too', async () => {
    const { app } = await open({ ...FAST, attempts: 2 });
    const gone = await startReceiver();
    const url = gone.url;
    await gone.close();
    const res = await submit(app, [...images(1, 25), SPEC, { name: 'callback_url', value: url }]);
    const s = await webhookEnd(app, res.json().id);
    assert.equal(s.webhook.state, 'failed');
    assert.equal(s.webhook.attempts, 2);
    assert.equal(s.webhook.lastStatus, undefined);
    assert.match(s.webhook.lastError!, /ECONNREFUSED/);
  });

  test('a failed job and a cancelled job notify too', async () => {
    const { app, queue } = await open(FAST);
    const hook = await receiver();
    const bad = await submit(app, [{ name: 'image_file', filename: 'bad.png', data: Buffer.from('not an image') }, SPEC, { name: 'callback_url', value: hook.url }]);
    const failed = await webhookEnd(app, bad.json().id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.webhook.state, 'delivered');

    gate = new Promise((r) => (release = r));
    const res = await submit(app, [...images(3, 30), SPEC, { name: 'callback_url', value: hook.url }]);
    const id = res.json().id as string;
    for (let i = 0; i < 500 && (await queue.get(id))!.state !== 'running'; i++) await new Promise((r) => setTimeout(r, 10));
    const cancel = await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` });
    assert.equal(cancel.statusCode, 200);
    assert.equal(cancel.json().webhook.state, 'waiting', 'an item still runs: the job has not ended');
    release();
    const cancelled = await webhookEnd(app, id);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.webhook.state, 'delivered');

    assert.equal(hook.requests.length, 2);
    const [f, c] = hook.requests.map((r) => JSON.parse(r.body)) as [any, any];
    assert.equal(f.type, 'job.failed');
    assert.deepEqual([f.data.total, f.data.done, f.data.failed], [1, 0, 1]);
    assert.equal(f.data.links.results, undefined, 'no zip link without an output');
    assert.equal(c.type, 'job.cancelled');
    assert.deepEqual([c.data.total, c.data.done + c.data.cancelled], [3, 3]);
    assert.ok(c.data.cancelled >= 1);
    for (const r of hook.requests) assert.ok(verify(r, SECRET));
  });

  test('refused when submitted, with a coded 400, and nothing is stored', async () => {
    const strict = await open({ ...FAST, allowPrivate: false });
    const cases: [string, string, string][] = [
      ['http://127.0.0.1:9/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'private'],
      ['http://localhost:9/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'private'],
      ['http://169.254.169.254/latest/meta-data', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'private'],
      ['http://10.1.2.3/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'private'],
      ['http://[::1]:9/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'private'],
      ['http://[::ffff:192.168.0.1]/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'private'],
      ['ftp://example.com/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'syntax'],
      ['https://user:secret@example.com/hook', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'syntax'],
      ['not a url', 'GREENROOM_ERR_URL_NOT_ALLOWED', 'syntax'],
    ];
    for (const [url, code, reason] of cases) {
      const res = await submit(strict.app, [...images(1, 40), SPEC, { name: 'callback_url', value: url }]);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().code, code, url);
      assert.equal(res.json().details.field, 'callback_url', url);
      assert.equal(res.json().details.reason, reason, url);
    }
    const off = await open({ ...FAST, secret: undefined } as WebhookSettings);
    const hook = await receiver();
    const res = await submit(off.app, [...images(1, 41), SPEC, { name: 'callback_url', value: hook.url }]);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'GREENROOM_ERR_WEBHOOKS_DISABLED');
    assert.match(res.json().message, /GREENROOM_WEBHOOK_SECRET/);
    await assert.rejects(off.queue.submit({ files: [{ name: 'a.png', bytes: smallPhoto(42) }], callbackUrl: hook.url }), { code: 'GREENROOM_ERR_WEBHOOKS_DISABLED' });
    for (const q of [strict, off]) {
      assert.deepEqual(await q.queue.depth(), { queuedItems: 0, runningItems: 0 });
      assert.deepEqual(fs.readdirSync(path.join(q.dataDir, 'jobs')).filter((f) => /^[0-9a-f-]{36}$/.test(f)), [], 'no upload left behind');
    }
    assert.equal(hook.requests.length, 0);
  });

  test('the address is checked again at delivery: a name that now resolves to a private address gets nothing', async () => {
    let calls = 0;
    // Public when the job is submitted, loopback when the call is made (DNS rebinding).
    const lookup = async () => [{ address: calls++ === 0 ? '203.0.113.7' : '127.0.0.1', family: 4 }];
    const { app } = await open({ ...FAST, allowPrivate: false, lookup });
    const hook = await receiver();
    const url = hook.url.replace('127.0.0.1', 'hooks.example.test');
    const res = await submit(app, [...images(1, 50), SPEC, { name: 'callback_url', value: url }]);
    assert.equal(res.statusCode, 202, res.body);
    const s = await webhookEnd(app, res.json().id);
    assert.equal(s.webhook.state, 'failed', 'a refused address is not tried again');
    assert.equal(s.webhook.attempts, 1);
    assert.match(s.webhook.lastError!, /GREENROOM_ERR_URL_NOT_ALLOWED/);
    assert.equal(hook.requests.length, 0);
  });

  test('a delivery pending a retry survives a restart of the queue and is sent after it', async () => {
    const hook = await receiver([503]);
    // A long wait before the retry: the queue closes while the delivery is pending.
    const first = await open({ ...FAST, backoffMs: 60_000 });
    const res = await submit(first.app, [...images(1, 60), SPEC, { name: 'callback_url', value: hook.url }]);
    const id = res.json().id as string;
    await hook.waitForRequests(1);
    let s: JobStatus | null = null;
    for (let i = 0; i < 500; i++) {
      s = await first.queue.get(id);
      if (s?.webhook?.attempts === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(s!.webhook!.state, 'pending');
    assert.equal(s!.webhook!.lastStatus, 503);
    assert.ok(Date.parse(s!.webhook!.nextAttemptAt!) > Date.now() + 30_000);
    await first.queue.close();

    // Reopened on the same folder two minutes later (the clock moved on): the retry is due and is sent.
    const second = await open({ ...FAST, backoffMs: 60_000 }, { dataDir: first.dataDir, now: () => Date.now() + 120_000 });
    const done = await webhookEnd(second.app, id);
    assert.equal(done.webhook.state, 'delivered');
    assert.equal(done.webhook.attempts, 2);
    assert.deepEqual(hook.requests.map((r) => r.reply), [503, 200]);
    assert.equal(hook.requests[0]!.headers['webhook-id'], hook.requests[1]!.headers['webhook-id']);
  });
});

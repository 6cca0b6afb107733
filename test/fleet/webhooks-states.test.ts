/**
 * Fleet webhooks for every way a job ends, in one process (a real redis-server, a FleetQueue and a
 * FleetWorker with a stand-in segmenter): a failed job, a job cancelled while an item runs (the
 * last COMPLETE ends it), a job cancelled with nothing running (the CANCEL script ends it, in the
 * server), and a delivery whose process died between ending the job and queueing the call (the
 * reconciler queues it).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { Studio } from '../../src/studio.ts';
import type { JobRunner } from '../../src/jobs/item.ts';
import { openFleetQueue, type FleetQueue } from '../../src/jobs/bullmq/queue.ts';
import { startFleetWorker, type FleetWorker } from '../../src/jobs/bullmq/worker.ts';
import { FleetStore } from '../../src/jobs/bullmq/store.ts';
import { K } from '../../src/jobs/bullmq/keys.ts';
import { FileStorage } from '../../src/storage/file.ts';
import type { JobStatus } from '../../src/jobs/types.ts';
import type { WebhookSettings } from '../../src/webhooks/types.ts';
import { fakeSegmenterFactory, smallPhoto } from '../helpers/jobs.ts';
import { startReceiver, verify, type Receiver } from '../helpers/webhook-receiver.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { waitFor } from './procs.ts';

const SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
const webhooks: WebhookSettings = { secret: SECRET, allowPrivate: true, attempts: 4, backoffMs: 50, timeoutMs: 2000 };
const settings = { lockMs: 5000, stalledIntervalMs: 2000, attempts: 3 };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-fleet-hook-states-'));
let redis: TestRedis;
let studio: Studio;
let queue: FleetQueue;
let worker: FleetWorker;
let receiver: Receiver;
let release: () => void = () => {};
let gate: Promise<void> = Promise.resolve();

before(async () => {
  redis = await startRedis();
  receiver = await startReceiver();
  studio = await Studio.open({ segmenterFactory: fakeSegmenterFactory(), dataDir: root });
  const runner: JobRunner = {
    edit: async (...a: Parameters<Studio['edit']>) => (await gate, studio.edit(...a)),
    cutout: async (...a: Parameters<Studio['cutout']>) => (await gate, studio.cutout(...a)),
  };
  queue = await openFleetQueue({ redisUrl: redis.url, storage: new FileStorage(root), settings, webhooks, name: 'server' });
  worker = await startFleetWorker({ redisUrl: redis.url, storage: new FileStorage(root), studio: runner, settings, webhooks, name: 'w' });
  assert.equal(worker.deliversWebhooks, true);
});
after(async () => {
  release();
  await worker?.close();
  await queue?.close();
  await studio?.close();
  await receiver?.close();
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

const file = (seed: number) => ({ name: `p${seed}.png`, bytes: smallPhoto(seed) });
const hold = () => (gate = new Promise((r) => (release = r)));

async function delivered(id: string): Promise<JobStatus> {
  return waitFor(`the webhook of ${id}`, async () => {
    const s = await queue.get(id);
    return s?.webhook?.state === 'delivered' || s?.webhook?.state === 'failed' ? s : undefined;
  }, 30_000, 20);
}
const bodies = (id: string) => receiver.requests.filter((r) => JSON.parse(r.body).data.id === id);

test('a failed job notifies (the FAIL script ends it)', async () => {
  const { id } = await queue.submit({ files: [{ name: 'bad.png', bytes: Buffer.from('not an image') }], kind: 'cutout', callbackUrl: receiver.url });
  const s = await delivered(id);
  assert.equal(s.state, 'failed');
  assert.equal(s.webhook!.state, 'delivered');
  const [r] = bodies(id);
  assert.ok(r && verify(r, SECRET));
  assert.equal(JSON.parse(r.body).type, 'job.failed');
  assert.equal(bodies(id).length, 1);
});

test('cancelled while an item runs: notified once the running item is recorded', async () => {
  hold();
  const { id } = await queue.submit({ files: [file(1), file(2), file(3)], kind: 'cutout', callbackUrl: receiver.url });
  await waitFor('an item running', async () => (await queue.get(id))?.items.some((i) => i.state === 'running'));
  assert.equal(await queue.cancel(id), true);
  assert.equal((await queue.get(id))!.webhook!.state, 'waiting');
  release();
  const s = await delivered(id);
  assert.equal(s.state, 'cancelled');
  const body = JSON.parse(bodies(id)[0]!.body);
  assert.equal(body.type, 'job.cancelled');
  assert.deepEqual([body.data.done, body.data.cancelled], [1, 2]);
  assert.equal(bodies(id).length, 1);
});

test('cancelled with nothing running: the server that cancels hands the call to the workers', async () => {
  hold();
  const first = await queue.submit({ files: [file(4)], kind: 'cutout' });
  await waitFor('the first job running', async () => (await queue.get(first.id))?.state === 'running');
  const { id } = await queue.submit({ files: [file(5), file(6)], kind: 'cutout', callbackUrl: receiver.url });
  assert.equal(await queue.cancel(id), true);
  const s = await delivered(id);
  release();
  assert.equal(s.state, 'cancelled');
  assert.equal(JSON.parse(bodies(id)[0]!.body).type, 'job.cancelled');
  assert.equal(bodies(id).length, 1);
});

test('a process that died between ending the job and queueing its call: the reconciler queues it, once', async () => {
  // A bare store, as in a process that ends the job and dies before telling BullMQ.
  const client = new Redis(redis.url);
  try {
    const store = new FleetStore(client);
    const id = crypto.randomUUID();
    await store.create({ id, kind: 'cutout', spec: '{}', hasBackground: false, ext: 'png', now: Date.now(), callbackUrl: receiver.url, items: [['a.png', 'a.png']] });
    assert.ok(await store.cancel(id, Date.now()));
    assert.equal((await store.status(id))!.webhook!.state, 'pending');
    assert.notEqual(await client.zscore(K.webhooks, id), null, 'due, and not yet queued');
    // Backdated past the grace period, as if the process died a minute ago.
    await client.zadd(K.webhooks, Date.now() - 60_000, id);
    await queue.reconcile();
    assert.equal(await client.zscore(K.webhooks, id), null);
    await queue.reconcile();
    const s = await delivered(id);
    assert.equal(s.webhook!.attempts, 1);
    assert.equal(bodies(id).length, 1);
  } finally {
    client.disconnect();
  }
});

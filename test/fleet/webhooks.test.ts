/**
 * Job webhooks in a fleet: a real redis-server, two `greenroom worker` processes (the real
 * model), `greenroom batch --callback-url` submitting to them, and a loopback receiver that
 * checks every signature as docs/API.md says. Both workers finish items of the job and both run
 * a deliverer, yet the job is delivered once; a receiver failing twice gets exactly one accepted
 * delivery; a worker killed in the middle of a try hands the delivery to the other worker.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { openFleetQueue, type FleetQueue } from '../../src/jobs/bullmq/queue.ts';
import { FileStorage } from '../../src/storage/file.ts';
import type { JobStatus } from '../../src/jobs/types.ts';
import { ROOT } from '../cli/helpers.ts';
import { startReceiver, verify, type Receiver } from '../helpers/webhook-receiver.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { FAST_FLEET, cli, startWorker, waitFor, type Proc } from './procs.ts';

const SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-fleet-hooks-'));
const storageDir = path.join(root, 'storage');
const procs: Proc[] = [];
let redis: TestRedis;
let queue: FleetQueue;
let receiver: Receiver;
let workers: Record<string, Proc>;
let env: Record<string, string>;

before(async () => {
  redis = await startRedis();
  receiver = await startReceiver();
  env = {
    GREENROOM_REDIS_URL: redis.url,
    GREENROOM_STORAGE_URL: `file://${storageDir}`,
    ...FAST_FLEET,
    GREENROOM_WEBHOOK_SECRET: SECRET,
    GREENROOM_WEBHOOK_PRIVATE: 'allow',
    GREENROOM_WEBHOOK_BACKOFF_MS: '200',
    // Longer than a kill takes to be noticed: the try in progress is cut short by the kill, not a timeout.
    GREENROOM_WEBHOOK_TIMEOUT_MS: '60000',
  };
  const [w1, w2] = await Promise.all([startWorker('w1', { ...env, GREENROOM_DATA_DIR: path.join(root, 'w1') }), startWorker('w2', { ...env, GREENROOM_DATA_DIR: path.join(root, 'w2') })]);
  workers = { w1, w2 };
  procs.push(w1, w2);
  for (const w of [w1, w2]) assert.match(w.log(), /delivers webhooks/);
  queue = await openFleetQueue({
    redisUrl: redis.url,
    storage: new FileStorage(storageDir),
    settings: { lockMs: 3000, stalledIntervalMs: 1000, attempts: 3 },
    webhooks: { secret: SECRET, allowPrivate: true, attempts: 5, backoffMs: 200, timeoutMs: 60_000 },
    name: 'test',
  });
});
after(async () => {
  await queue?.close();
  await Promise.all(procs.map((p) => p.kill()));
  await receiver?.close();
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function photos(dir: string, n: number): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const fixtures = ['coffee.png', 'chelsea.png', 'astronaut.png', 'rocket.jpg'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `p${i}.jpg`);
    await sharp(path.join(ROOT, 'test', 'fixtures', 'photos', fixtures[i % fixtures.length]!)).resize(480, 360, { fit: 'fill' }).jpeg({ quality: 85 }).toFile(file);
    out.push(file);
  }
  return out;
}

async function webhookEnd(id: string): Promise<JobStatus> {
  return waitFor(`the webhook of ${id} to end`, async () => {
    const s = await queue.get(id);
    return s?.webhook && (s.webhook.state === 'delivered' || s.webhook.state === 'failed') ? s : undefined;
  }, 120_000, 50);
}

test('greenroom batch --callback-url on two workers: one job, one accepted delivery after two failed tries', { timeout: 300_000 }, async () => {
  receiver.script([503, 500]);
  const inputs = await photos(path.join(root, 'in'), 6);
  const batch = cli(['batch', ...inputs, '--out', path.join(root, 'out'), '--quality', 'fast', '--size', '300x300', '--format', 'jpeg', '--callback-url', receiver.url], {
    ...env,
    GREENROOM_DATA_DIR: path.join(root, 'batch'),
  });
  procs.push(batch);
  assert.equal(await batch.exited, 0, batch.log());
  const id = /job ([0-9a-f-]{36})/.exec(batch.log())?.[1];
  assert.ok(id, batch.log());
  assert.match(batch.log(), /the fleet's workers deliver it/);

  const s = await webhookEnd(id);
  assert.equal(s.state, 'done');
  assert.deepEqual([s.done, s.total], [6, 6]);
  assert.equal(s.webhook!.state, 'delivered');
  assert.equal(s.webhook!.attempts, 3);
  assert.equal(s.webhook!.lastStatus, 200);
  // A delivery still to come would have been queued by now; none is.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(receiver.requests.map((r) => r.reply), [503, 500, 200], 'three tries in all, one accepted');
  assert.equal(receiver.accepted().length, 1);
  assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 1);
  assert.equal(receiver.requests[0]!.headers['webhook-id'], `job_${id}_ended`);
  for (const r of receiver.requests) assert.ok(verify(r, SECRET), 'signed with the secret every process shares');
  const body = JSON.parse(receiver.accepted()[0]!.body);
  assert.equal(body.type, 'job.done');
  assert.deepEqual([body.data.id, body.data.done, body.data.total], [id, 6, 6]);
  assert.ok(body.data.energy.joules > 0);
  const finishers = new Set(s.items.map((i) => i.worker));
  process.stderr.write(`items finished by ${[...finishers].join(', ')}; webhook delivered once\n`);
});

test('a worker killed in the middle of a try: the other worker delivers, the receiver sees one event id', { timeout: 300_000 }, async () => {
  receiver.requests.length = 0;
  receiver.script(['hang']);
  const [photo] = await photos(path.join(root, 'in2'), 1);
  const { id } = await queue.submit({ files: [{ name: 'one.jpg', path: photo! }], kind: 'cutout', spec: { quality: 'fast' }, callbackUrl: receiver.url });
  await receiver.waitForRequests(1, 120_000);
  const holder = redis.cli('HGET', `greenroom:job:${id}`, 'hookWorker').trim();
  assert.ok(holder === 'w1' || holder === 'w2', `the try is held by ${holder}`);
  await workers[holder]!.kill('SIGKILL');

  const s = await webhookEnd(id);
  assert.equal(s.webhook!.state, 'delivered');
  assert.equal(s.webhook!.attempts, 2, 'the cut-short try counts');
  assert.equal(redis.cli('HGET', `greenroom:job:${id}`, 'hookWorker').trim(), holder === 'w1' ? 'w2' : 'w1');
  assert.deepEqual(receiver.requests.map((r) => r.reply), ['hang', 200]);
  assert.equal(receiver.accepted().length, 1);
  assert.equal(receiver.requests[0]!.headers['webhook-id'], receiver.requests[1]!.headers['webhook-id'], 'the receiver can deduplicate');
  for (const r of receiver.requests) assert.ok(verify(r, SECRET));
});

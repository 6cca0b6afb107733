/**
 * Faults a fleet survives, with a real redis-server (started here, killed with SIGKILL and
 * restarted on its folder) and real `greenroom worker` / `greenroom serve` processes (real
 * model, fast quality, one thread each):
 * - Redis killed mid-batch and restarted: the batch completes, nothing lost, nothing duplicated;
 * - an item that kills every worker that starts it: failed WORKER_DIED after 3 starts, the rest done;
 * - the server killed mid-upload: no half-made job visible; the retry with the same
 *   Idempotency-Key makes exactly one job; the abandoned upload is swept later;
 * - `greenroom batch DIR --out DIR` submits to the fleet, is killed, and resumes the same job.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openFleetQueue, type FleetQueue } from '../../src/jobs/bullmq/queue.ts';
import type { JobStatus } from '../../src/jobs/types.ts';
import { FileStorage } from '../../src/storage/file.ts';
import { freePort, startRedis, type TestRedis } from './redis.ts';
import { FAST_FLEET, cli, ledgerLines, makePhotos, outputFiles, startServe, startWorker, waitFor, type Proc } from './procs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-fleet-faults-'));
const procs: Proc[] = [];
const redises: TestRedis[] = [];
after(async () => {
  await Promise.all(procs.map((p) => p.kill()));
  for (const r of redises) await r.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

const SPEC = { cutout: { quality: 'fast' }, background: 'white', layout: { outputSize: '500x500' }, export: { format: 'jpeg' } };
const settings = { lockMs: 3000, stalledIntervalMs: 1000, attempts: 3 };

async function fleet(name: string) {
  const redis = await startRedis();
  redises.push(redis);
  const dir = path.join(root, name);
  const storage = path.join(dir, 'storage');
  const env = { GREENROOM_REDIS_URL: redis.url, GREENROOM_STORAGE_URL: `file://${storage}`, ...FAST_FLEET };
  const worker = async (w: string) => {
    const p = await startWorker(w, { ...env, GREENROOM_DATA_DIR: path.join(dir, w) });
    procs.push(p);
    return p;
  };
  return { redis, dir, storage, env, worker };
}

async function ended(queue: FleetQueue, id: string, timeoutMs = 240_000): Promise<JobStatus> {
  return waitFor('the job to end', async () => {
    const s = await queue.get(id);
    return s && ['done', 'failed', 'cancelled'].includes(s.state) ? s : undefined;
  }, timeoutMs, 100);
}

describe('fleet faults', () => {
  test('Redis killed with SIGKILL mid-batch and restarted on its folder: the batch completes, nothing lost or duplicated', { timeout: 300_000 }, async () => {
    const f = await fleet('redis-kill');
    await Promise.all([f.worker('a'), f.worker('b')]);
    const queue = await openFleetQueue({ redisUrl: f.redis.url, storage: new FileStorage(f.storage), settings });
    try {
      const photos = await makePhotos(path.join(f.dir, 'photos'), 6);
      const { id } = await queue.submit({ files: photos.map((p) => ({ name: path.basename(p), path: p })), spec: SPEC });
      await waitFor('two done', async () => ((await queue.get(id))?.done ?? 0) >= 2, 240_000, 50);
      await f.redis.kill();
      const doneBefore = outputFiles(f.storage, id);
      const before = new Map(doneBefore.map((n) => [n, fs.readFileSync(path.join(f.storage, 'jobs', id, 'out', n))]));
      await new Promise((r) => setTimeout(r, 1500));
      await f.redis.restart();

      const s = await ended(queue, id);
      assert.equal(s.state, 'done');
      assert.deepEqual([s.done, s.failed, s.total], [6, 0, 6]);
      assert.deepEqual(outputFiles(f.storage, id), photos.map((_, i) => `${i}.jpg`));
      for (const [n, bytes] of before) assert.ok(fs.readFileSync(path.join(f.storage, 'jobs', id, 'out', n)).equals(bytes), `${n} unchanged`);
      const lines = [...ledgerLines(path.join(f.dir, 'a'), id), ...ledgerLines(path.join(f.dir, 'b'), id)];
      assert.ok(lines.length <= 6, `the ledgers count no item twice (${lines.length} lines)`);
      assert.equal(new Set(lines.map((l) => l.input)).size, lines.length);
      const stats = await queue.stats();
      assert.equal(stats.perWorker!.reduce((n, w) => n + w.done, 0), 6, 'six items recorded done, once each');
    } finally {
      await queue.close();
    }
  });

  test('an item that kills its worker each time it starts ends failed WORKER_DIED after 3 starts; every other item completes', { timeout: 300_000 }, async () => {
    const f = await fleet('poison');
    const [p1, p2] = await Promise.all([f.worker('p1'), f.worker('p2')]);
    const byName = new Map<string, Proc>([['p1', p1], ['p2', p2]]);
    const queue = await openFleetQueue({ redisUrl: f.redis.url, storage: new FileStorage(f.storage), settings });
    try {
      const photos = await makePhotos(path.join(f.dir, 'photos'), 4);
      const { id } = await queue.submit({ files: photos.map((p, i) => ({ name: i === 1 ? 'poison.jpg' : path.basename(p), path: p })), spec: SPEC });
      let kills = 0;
      let next = 3;
      const s = await waitFor('the job to end, killing whoever starts the poison item', async () => {
        const st = await queue.get(id);
        if (!st) return undefined;
        const poison = st.items[1]!;
        if (poison.state === 'running' && poison.worker && byName.has(poison.worker)) {
          const victim = byName.get(poison.worker)!;
          byName.delete(poison.worker);
          await victim.kill('SIGKILL');
          kills++;
          const name = `p${next++}`;
          void f.worker(name).then((p) => byName.set(name, p));
        }
        return ['done', 'failed'].includes(st.state) ? st : undefined;
      }, 280_000, 20);
      assert.equal(kills, 3, 'three starts, three dead workers');
      assert.equal(s.state, 'done');
      assert.equal(s.items[1]!.state, 'failed');
      assert.equal(s.items[1]!.error!.code, 'GREENROOM_ERR_WORKER_DIED');
      assert.match(s.items[1]!.error!.message, /stopped its worker 3 times/);
      assert.deepEqual(s.items.filter((i) => i.index !== 1).map((i) => i.state), ['done', 'done', 'done']);
      assert.deepEqual(outputFiles(f.storage, id), ['0.jpg', '2.jpg', '3.jpg']);
    } finally {
      await queue.close();
    }
  });

  test('the server killed mid-upload: no half-made job is visible; the retry with the same Idempotency-Key makes one job', { timeout: 240_000 }, async () => {
    const f = await fleet('upload-kill');
    const port = await freePort();
    let serve = await startServe(port, ['--no-worker'], { ...f.env, GREENROOM_DATA_DIR: path.join(f.dir, 'serve') });
    procs.push(serve);
    const photos = await makePhotos(path.join(f.dir, 'photos'), 3);
    const boundary = '----greenroomfault';
    const part = (p: string) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image_file"; filename="${path.basename(p)}"\r\nContent-Type: image/jpeg\r\n\r\n`), fs.readFileSync(p), Buffer.from('\r\n')]);
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/jobs', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'idempotency-key': 'upload-once' } });
    req.on('error', () => {});
    req.write(part(photos[0]!));
    req.write(part(photos[1]!));
    // Two images are in storage, the rest of the body has not come: kill the server.
    const staged = await waitFor('the first inputs in storage', () => {
      const jobs = path.join(f.storage, 'jobs');
      const dirs = fs.existsSync(jobs) ? fs.readdirSync(jobs) : [];
      return dirs.find((d) => fs.existsSync(path.join(jobs, d, 'in', '0')));
    });
    await serve.kill('SIGKILL');
    req.destroy();
    const jobKeys = () => f.redis.cli('--scan', '--pattern', 'greenroom:job:*').split('\n').filter((k) => k && !k.endsWith(':items'));
    assert.deepEqual(jobKeys(), [], 'no job record exists');
    assert.equal(f.redis.cli('--scan', '--pattern', 'greenroom:idem:*').trim(), '', 'the key is not taken');

    serve = await startServe(port, ['--no-worker'], { ...f.env, GREENROOM_DATA_DIR: path.join(f.dir, 'serve') });
    procs.push(serve);
    const send = async () => {
      const form = new FormData();
      for (const p of photos) form.append('image_file', new Blob([fs.readFileSync(p)]), path.basename(p));
      form.append('spec', JSON.stringify(SPEC));
      return fetch(`http://127.0.0.1:${port}/v1/jobs`, { method: 'POST', body: form, headers: { 'idempotency-key': 'upload-once' } });
    };
    const first = await send();
    assert.equal(first.status, 202);
    const second = await send();
    assert.equal(second.status, 200);
    const id = ((await first.json()) as { id: string }).id;
    assert.equal(((await second.json()) as { id: string }).id, id);
    assert.deepEqual(jobKeys(), [`greenroom:job:${id}`], 'exactly one job');
    assert.equal(((await (await fetch(`http://127.0.0.1:${port}/v1/jobs/${id}`)).json()) as JobStatus).total, 3);

    // The abandoned upload is swept once it is old (an hour); the job's own files stay.
    const later = await openFleetQueue({ redisUrl: f.redis.url, storage: new FileStorage(f.storage), settings, now: () => Date.now() + 2 * 3_600_000 });
    try {
      await later.sweep();
    } finally {
      await later.close();
    }
    assert.deepEqual(fs.readdirSync(path.join(f.storage, 'jobs')), [id]);
    assert.notEqual(staged, id);
  });

  test('greenroom batch DIR --out DIR submits to the fleet, is killed, and resumes the same job', { timeout: 240_000 }, async () => {
    const f = await fleet('batch-cli');
    await f.worker('c1');
    const photos = await makePhotos(path.join(f.dir, 'in'), 4);
    const out = path.join(f.dir, 'out');
    const env = { ...f.env, GREENROOM_DATA_DIR: path.join(f.dir, 'cli') };
    const args = ['batch', path.join(f.dir, 'in'), '--out', out, '--quality', 'fast', '--background', 'white', '--size', '400x400', '--format', 'jpeg'];
    const first = cli(args, env);
    procs.push(first);
    await waitFor('a first output', () => fs.existsSync(out) && fs.readdirSync(out).some((n) => n.endsWith('.jpg')), 200_000);
    await first.kill('SIGKILL');
    const id = /job ([0-9a-f-]{36})/.exec(first.log())?.[1];
    assert.ok(id, first.log());
    assert.match(first.log(), /1 worker connected/);

    const second = cli(args, env);
    procs.push(second);
    assert.equal(await second.exited, 0, second.log());
    assert.match(second.log(), new RegExp(`resuming job ${id}`));
    assert.deepEqual(fs.readdirSync(out).sort(), photos.map((p) => path.basename(p)).sort());
    assert.deepEqual(outputFiles(f.storage, id!), ['0.jpg', '1.jpg', '2.jpg', '3.jpg']);
    assert.equal(ledgerLines(path.join(f.dir, 'c1'), id!).length, 4);
  });
});

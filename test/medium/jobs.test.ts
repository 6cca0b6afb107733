/**
 * The embedded job queue with real sharp and a stand-in segmenter: submit, process, events,
 * idempotency, cancel, back-pressure, retention, failures of one item, zips with safe names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { isGreenroomError } from '../../src/errors.ts';
import { openEmbeddedQueue, type EmbeddedQueueOptions, type JobRunner } from '../../src/jobs/embedded.ts';
import type { JobEvent } from '../../src/jobs/types.ts';
import { fakeSegmenterFactory, smallPhoto, streamToBuffer, waitForEnd, zipEntryNames } from '../helpers/jobs.ts';
import { rejectionOf } from '../helpers/images.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-jobs-'));
let studio: Studio;
let n = 0;
const freshDir = () => fs.mkdtempSync(path.join(root, `q${n++}-`));
const open = (extra: Partial<EmbeddedQueueOptions> = {}) => openEmbeddedQueue({ studio, dataDir: freshDir(), ...extra });
const files = (count: number, seed = 1) => Array.from({ length: count }, (_, i) => ({ name: `photo-${i}.png`, bytes: smallPhoto(seed + i) }));

/** A runner whose items wait for release() before running. */
function gatedRunner(): { runner: JobRunner; release: () => void; started: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started = 0;
  return {
    runner: {
      edit: async (...args: Parameters<Studio['edit']>) => (started++, await gate, studio.edit(...args)),
      cutout: async (...args: Parameters<Studio['cutout']>) => (started++, await gate, studio.cutout(...args)),
    },
    release,
    started: () => started,
  };
}

before(async () => {
  studio = await Studio.open({ segmenterFactory: fakeSegmenterFactory(), dataDir: root });
});
after(async () => {
  await studio.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('embedded job queue', () => {
  test('a batch is processed: outputs on disk, counts, energy summed, events per item then the end state, ledger labelled', async () => {
    const q = await open();
    try {
      const events: JobEvent[] = [];
      const { id, created } = await q.submit({ files: files(3), spec: { background: 'white', layout: { outputSize: '120x100' }, export: { format: 'jpeg' } } });
      assert.equal(created, true);
      q.subscribe(id, (e) => events.push(e));
      const s = await waitForEnd(q, id);
      assert.equal(s.state, 'done');
      assert.equal(s.kind, 'edit');
      assert.deepEqual([s.total, s.done, s.failed], [3, 3, 0]);
      for (const item of s.items) {
        assert.equal(item.state, 'done');
        assert.equal(item.output!.mime, 'image/jpeg');
        assert.equal(item.output!.name, `photo-${item.index}.jpg`);
        assert.deepEqual([item.output!.width, item.output!.height], [120, 100]);
        const file = await streamToBuffer((await q.openOutput(id, item.index))!);
        const meta = await sharp(file).metadata();
        assert.equal(meta.format, 'jpeg');
        assert.equal(file.length, item.output!.bytes);
        assert.ok(item.energyJ! > 0);
        assert.ok(item.uncertainty! >= 0 && item.uncertainty! <= 1, `uncertainty ${item.uncertainty}`);
      }
      const sum = s.items.reduce((a, i) => a + i.energyJ!, 0);
      assert.ok(Math.abs(s.energy.joules - sum) < 0.01, `${s.energy.joules} vs ${sum}`);
      assert.ok(s.energy.co2eGrams > 0);
      const itemEvents = events.filter((e) => e.type === 'item');
      assert.ok(itemEvents.length >= 2, 'item events arrive (the first may finish before subscribing)');
      assert.deepEqual(events.at(-1), { type: 'state', jobId: id, state: 'done' });
      const ledger = (await studio.energy.ledger.entries()).filter((e) => e.batchId === id);
      assert.equal(ledger.length, 3);
      assert.ok(ledger.every((e) => e.operation === 'batch-item'));
      assert.deepEqual(ledger.map((e) => e.input).sort(), ['photo-0.png', 'photo-1.png', 'photo-2.png']);
      assert.equal(await q.openOutput(id, 7), null);
      assert.equal(await q.get('nope'), null);
    } finally {
      await q.close();
    }
  });

  test('cutout jobs, and the spec is validated before anything is stored', async () => {
    const q = await open();
    try {
      const { id } = await q.submit({ kind: 'cutout', files: files(1), spec: { quality: 'fast', format: 'webp' } });
      const s = await waitForEnd(q, id);
      assert.equal(s.items[0]!.output!.mime, 'image/webp');
      const err = await rejectionOf(q.submit({ files: files(1), spec: { shadow: { mode: 'sideways' } } }));
      assert.ok(isGreenroomError(err, 'INVALID_OPTION'), String(err));
      assert.equal(err.details.field, 'shadow.mode');
      const bad = await rejectionOf(q.submit({ kind: 'cutout', files: files(1), spec: { quality: 'ultra' } }));
      assert.ok(isGreenroomError(bad, 'INVALID_OPTION'));
      assert.ok(isGreenroomError(await rejectionOf(q.submit({ files: [] })), 'MISSING_IMAGE'));
      assert.equal((await q.depth()).queuedItems, 0);
    } finally {
      await q.close();
    }
  });

  test('idempotency keys return the same job without storing the files again', async () => {
    const q = await open();
    try {
      const a = await q.submit({ files: files(2), idempotencyKey: 'order-42' });
      const b = await q.submit({ files: files(5), idempotencyKey: 'order-42' });
      const c = await q.submit({ files: files(1), idempotencyKey: 'order-43' });
      assert.deepEqual(b, { id: a.id, created: false });
      assert.equal(a.created, true);
      assert.notEqual(c.id, a.id);
      const s = await waitForEnd(q, a.id);
      assert.equal(s.total, 2);
      assert.equal(s.idempotencyKey, 'order-42');
      await waitForEnd(q, c.id);
    } finally {
      await q.close();
    }
  });

  test('cancel: queued items are cancelled, the running one finishes, then the job ends cancelled', async () => {
    const g = gatedRunner();
    const q = await open({ studio: g.runner });
    try {
      const events: JobEvent[] = [];
      const { id } = await q.submit({ files: files(4) });
      q.subscribe(id, (e) => events.push(e));
      assert.deepEqual(await q.depth(), { queuedItems: 3, runningItems: 1 });
      assert.equal(await q.cancel(id), true);
      assert.equal((await q.get(id))!.state, 'running', 'the running item still runs');
      g.release();
      const s = await waitForEnd(q, id);
      assert.equal(s.state, 'cancelled');
      assert.deepEqual(s.items.map((i) => i.state), ['done', 'cancelled', 'cancelled', 'cancelled']);
      assert.equal(g.started(), 1);
      assert.deepEqual(events.at(-1), { type: 'state', jobId: id, state: 'cancelled' });
      assert.equal(events.filter((e) => e.type === 'item').length, 4);
      assert.equal(await q.cancel(id), false, 'an ended job cannot be cancelled');
      assert.equal(await q.cancel('00000000-0000-4000-8000-000000000000'), false);
    } finally {
      g.release();
      await q.close();
    }
  });

  test('a full queue answers QUEUE_FULL with retryAfterSeconds, and accepts again once it drains', async () => {
    const g = gatedRunner();
    const q = await open({ studio: g.runner, maxQueuedItems: 3 });
    try {
      const first = await q.submit({ files: files(3) }); // one running, two queued
      const second = await q.submit({ files: files(1) }); // three queued: full
      assert.deepEqual(await q.depth(), { queuedItems: 3, runningItems: 1 });
      const err = await rejectionOf(q.submit({ files: files(1) }));
      assert.ok(isGreenroomError(err, 'QUEUE_FULL'), String(err));
      assert.equal(err.status, 429);
      assert.ok(Number.isInteger(err.details.retryAfterSeconds) && (err.details.retryAfterSeconds as number) >= 1);
      const tooBig = await rejectionOf(q.submit({ files: files(4) }));
      assert.ok(isGreenroomError(tooBig, 'QUEUE_FULL'));
      assert.match(tooBig.message, /at most 3/);
      g.release();
      await waitForEnd(q, first.id);
      await waitForEnd(q, second.id);
      const again = await q.submit({ files: files(1) });
      assert.equal((await waitForEnd(q, again.id)).state, 'done');
    } finally {
      g.release();
      await q.close();
    }
  });

  test('a corrupt input fails its item only; the batch goes on and keeps its results', async () => {
    const q = await open();
    try {
      const png = smallPhoto(9);
      const batch = [
        { name: 'good-1.png', bytes: smallPhoto(7) },
        { name: 'truncated.png', bytes: png.subarray(0, png.length / 2) },
        { name: 'text.png', bytes: Buffer.from('not an image at all') },
        { name: 'empty.png', bytes: new Uint8Array(0) },
        { name: 'good-2.png', bytes: smallPhoto(8) },
      ];
      const { id } = await q.submit({ files: batch });
      const s = await waitForEnd(q, id);
      assert.equal(s.state, 'done');
      assert.deepEqual(s.items.map((i) => i.state), ['done', 'failed', 'failed', 'failed', 'done']);
      assert.equal(s.items[1]!.error!.code, 'GREENROOM_ERR_CORRUPT_IMAGE');
      assert.equal(s.items[2]!.error!.code, 'GREENROOM_ERR_NOT_AN_IMAGE');
      assert.equal(s.items[3]!.error!.code, 'GREENROOM_ERR_EMPTY_INPUT');
      assert.deepEqual([s.done, s.failed], [2, 3]);
      const all = await q.submit({ files: [{ name: 'x.png', bytes: Buffer.from('nope') }] });
      assert.equal((await waitForEnd(q, all.id)).state, 'failed', 'a job whose every item failed ends failed');
    } finally {
      await q.close();
    }
  });

  test('the zip holds every finished output under safe, unique names', async () => {
    const dataDir = freshDir();
    const q = await open({ dataDir });
    try {
      const hostile = ['../../etc/passwd.png', 'a/b.jpg', 'C:\\Windows\\b.png', 'nul\u0000byte.png', 'new\nline.png', '.hidden.png', 'B.png', '', 'broken.png'];
      const batch = hostile.map((name, i) => ({ name, bytes: name === 'broken.png' ? Buffer.from('xx') : smallPhoto(20 + i) }));
      const { id } = await q.submit({ kind: 'cutout', files: batch, spec: { quality: 'fast' } });
      const s = await waitForEnd(q, id);
      const names = zipEntryNames(await streamToBuffer(await q.zip(id)));
      assert.deepEqual(names, s.items.filter((i) => i.state === 'done').map((i) => i.output!.name));
      assert.deepEqual(names, ['passwd.png', 'b.png', 'b-2.png', 'nulbyte.png', 'newline.png', 'hidden.png', 'B-3.png', 'image.png']);
      for (const name of names) assert.match(name, /^[A-Za-z0-9][\w.-]*$/);
      assert.deepEqual(s.items.map((i) => i.name).slice(0, 5), ['passwd.png', 'b.jpg', 'b.png', 'nulbyte.png', 'newline.png']);
      // On disk, inputs and outputs are named by index only.
      const dir = path.join(dataDir, 'jobs', id);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'in')).sort(), hostile.map((_, i) => String(i)).sort());
      await assert.rejects(q.zip('00000000-0000-4000-8000-000000000000'), (e) => isGreenroomError(e, 'JOB_NOT_FOUND'));
    } finally {
      await q.close();
    }
  });

  test('retention deletes ended jobs (rows and files) older than the limit, on open and by sweep', async () => {
    const dataDir = freshDir();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    let q = await openEmbeddedQueue({ studio, dataDir, retentionHours: 24, now: clock });
    const old = await q.submit({ files: files(1) });
    await waitForEnd(q, old.id);
    now += 20 * 3_600_000;
    const young = await q.submit({ files: files(1) });
    await waitForEnd(q, young.id);
    await q.close();
    const jobDir = (id: string) => path.join(dataDir, 'jobs', id);
    assert.ok(fs.existsSync(jobDir(old.id)));

    now += 5 * 3_600_000; // old is 25 h old, young 5 h
    q = await openEmbeddedQueue({ studio, dataDir, retentionHours: 24, now: clock });
    try {
      assert.equal(await q.get(old.id), null);
      assert.ok(!fs.existsSync(jobDir(old.id)));
      assert.ok(await q.get(young.id));
      now += 20 * 3_600_000;
      assert.equal(await q.sweep(), 1);
      assert.equal(await q.get(young.id), null);
      assert.ok(!fs.existsSync(jobDir(young.id)));
    } finally {
      await q.close();
    }
  });

  test('a reopened queue resumes queued work and keeps finished results', async () => {
    const dataDir = freshDir();
    const g = gatedRunner();
    const q1 = await openEmbeddedQueue({ studio: g.runner, dataDir });
    const { id } = await q1.submit({ files: files(3) });
    const closing = q1.close();
    g.release(); // the running item finishes and is recorded; the queued ones wait for the next open
    await closing;
    const q2 = await openEmbeddedQueue({ studio, dataDir });
    try {
      const s = await waitForEnd(q2, id);
      assert.deepEqual([s.state, s.done], ['done', 3]);
    } finally {
      await q2.close();
    }
  });

  test('one process owns a jobs folder: a second open is refused while the first is open, a stale lock is taken over', async () => {
    const dataDir = freshDir();
    const q1 = await openEmbeddedQueue({ studio, dataDir });
    fs.writeFileSync(path.join(dataDir, 'jobs', 'lock'), `${process.ppid}\n`); // a live process that is not us
    await assert.rejects(openEmbeddedQueue({ studio, dataDir }), (e) => isGreenroomError(e, 'INVALID_CONFIG') && /in use by process/.test(e.message));
    fs.writeFileSync(path.join(dataDir, 'jobs', 'lock'), `${process.pid}\n`);
    await q1.close();
    assert.ok(!fs.existsSync(path.join(dataDir, 'jobs', 'lock')));
    fs.writeFileSync(path.join(dataDir, 'jobs', 'lock'), '999999999\n'); // no such process
    const q2 = await openEmbeddedQueue({ studio, dataDir });
    await q2.close();
  });
});

/**
 * A batch round-trips through an S3-compatible endpoint on loopback (s3rver, a devDependency),
 * through the official @aws-sdk/client-s3: inputs streamed up (lib-storage), the real model in
 * a fleet worker reading them back, outputs written with If-None-Match (first writer wins), the
 * zip streamed out of the bucket, retention deleting the objects. Production uses a real
 * service (AWS S3, MinIO, R2...): see docs/DEPLOY.md.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import S3rver from 's3rver';
import sharp from 'sharp';
import { openFleetQueue } from '../../src/jobs/bullmq/queue.ts';
import { startFleetWorker } from '../../src/jobs/bullmq/worker.ts';
import { S3Storage } from '../../src/storage/s3.ts';
import { loadConfig } from '../../src/config.ts';
import { openStorage } from '../../src/storage/open.ts';
import { Studio } from '../../src/studio.ts';
import { streamToBuffer, waitForEnd, zipEntryNames } from '../helpers/jobs.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { TEST_CACHE, makePhotos } from './procs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-fleet-s3-'));
let s3: S3rver | undefined;
let redis: TestRedis | undefined;
after(async () => {
  await s3?.close();
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('a batch round-trips through an S3-compatible endpoint with the official AWS SDK', { timeout: 180_000 }, async () => {
  fs.mkdirSync(path.join(root, 's3'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: path.join(root, 's3'), silent: true, configureBuckets: [{ name: 'photos' }] });
  const { port } = await s3.run();
  redis = await startRedis();
  // The storage exactly as a deployment configures it: from the environment.
  const config = loadConfig({
    GREENROOM_STORAGE_URL: 's3://photos/greenroom/test',
    GREENROOM_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    GREENROOM_DATA_DIR: path.join(root, 'data'),
  });
  assert.deepEqual({ ...config.storage, credentials: undefined }, { kind: 's3', bucket: 'photos', prefix: 'greenroom/test', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: undefined });
  const storage = openStorage(config) as S3Storage;
  assert.equal(storage.url, 's3://photos/greenroom/test');

  const settings = { lockMs: 5000, stalledIntervalMs: 2000, attempts: 3 };
  const studio = await Studio.open({ dataDir: path.join(root, 'data'), cacheDir: TEST_CACHE });
  const queue = await openFleetQueue({ redisUrl: redis.url, storage, settings, retentionHours: 1 });
  const worker = await startFleetWorker({ redisUrl: redis.url, storage: openStorage(config), studio, settings, name: 's3-worker' });
  try {
    const photos = await makePhotos(path.join(root, 'photos'), 3);
    const background = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2255aa' } }).png().toBuffer();
    // Streams, as the HTTP route gives them: uploaded part by part.
    const upload = queue.upload();
    for (const p of photos) await upload.addFile(path.basename(p), fs.createReadStream(p));
    await upload.setBackground(Readable.from([background]));
    const { id, created } = await upload.commit({ spec: { cutout: { quality: 'fast' }, background: { type: 'image' }, layout: { outputSize: '300x300' }, export: { format: 'png' } } });
    assert.ok(created);

    const s = await waitForEnd(queue, id, 150_000);
    assert.equal(s.state, 'done', JSON.stringify(s.items));
    assert.deepEqual(s.items.map((i) => i.worker), ['s3-worker', 's3-worker', 's3-worker']);
    const keys: string[] = [];
    for await (const o of storage.list(`jobs/${id}/`)) keys.push(o.key);
    assert.deepEqual(keys.sort(), [`jobs/${id}/background`, ...[0, 1, 2].flatMap((i) => [`jobs/${id}/in/${i}`, `jobs/${id}/out/${i}.png`])].sort());
    const png = await streamToBuffer((await queue.openOutput(id, 0))!);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [300, 300]);
    assert.ok(Math.abs(data[0]! - 0x22) < 12 && Math.abs(data[2]! - 0xaa) < 12, 'the corner is the uploaded background, read back from the bucket');
    assert.deepEqual(zipEntryNames(await streamToBuffer(await queue.zip(id))), photos.map((p) => `${path.basename(p, '.jpg')}.png`));
    // A second write of an output keeps the first.
    assert.deepEqual(await storage.put(`jobs/${id}/out/0.png`, new Uint8Array([1, 2, 3]), { ifAbsent: true }), { bytes: png.length, written: false });

    // Retention deletes the job's objects.
    const later = await openFleetQueue({ redisUrl: redis.url, storage: openStorage(config), settings, retentionHours: 1, now: () => Date.now() + 2 * 3_600_000 });
    try {
      assert.equal(await later.sweep(), 1);
    } finally {
      await later.close();
    }
    const left: string[] = [];
    for await (const o of storage.list('jobs/')) left.push(o.key);
    assert.deepEqual(left, []);
    assert.equal(await queue.get(id), null);
  } finally {
    await worker.close();
    await queue.close();
    await studio.close();
  }
});

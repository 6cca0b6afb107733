/** The fleet's configuration: GREENROOM_REDIS_URL, GREENROOM_STORAGE_URL and S3 settings, the lock settings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { fleetSettings } from '../../src/jobs/bullmq/settings.ts';
import { bullJobId } from '../../src/jobs/bullmq/keys.ts';
import { redactUrl } from '../../src/jobs/bullmq/queue.ts';

const base = { HOME: '/home/x' };

test('without GREENROOM_REDIS_URL there is no fleet; storage defaults to the data folder', () => {
  const c = loadConfig({ ...base, GREENROOM_DATA_DIR: '/srv/data' });
  assert.equal(c.jobs.redisUrl, undefined);
  assert.deepEqual(c.storage, { kind: 'file' });
  assert.deepEqual(fleetSettings(c.jobs), { lockMs: 30_000, stalledIntervalMs: 15_000, attempts: 3 });
  assert.match(c.jobs.workerName, /^.+:\d+$/);
});

test('a fleet: Redis URL, storage URLs, S3 endpoint, region and credentials', () => {
  const c = loadConfig({
    ...base,
    GREENROOM_REDIS_URL: 'redis://10.0.0.5:6379',
    GREENROOM_STORAGE_URL: 's3://photos/greenroom/prod/',
    GREENROOM_S3_ENDPOINT: 'http://127.0.0.1:9000',
    AWS_DEFAULT_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'id',
    AWS_SECRET_ACCESS_KEY: 'secret',
    GREENROOM_JOB_LOCK_MS: '5000',
    GREENROOM_JOB_ATTEMPTS: '5',
    GREENROOM_WORKER_NAME: 'gpu-box-1',
  });
  assert.equal(c.jobs.redisUrl, 'redis://10.0.0.5:6379');
  assert.deepEqual(c.storage, { kind: 's3', bucket: 'photos', prefix: 'greenroom/prod', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-3', credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
  assert.deepEqual(fleetSettings(c.jobs), { lockMs: 5000, stalledIntervalMs: 15_000, attempts: 5 });
  assert.equal(c.jobs.workerName, 'gpu-box-1');
  assert.deepEqual(loadConfig({ ...base, GREENROOM_STORAGE_URL: 'file:///mnt/shared%20photos' }).storage, { kind: 'file', path: '/mnt/shared photos' });
  assert.deepEqual(loadConfig({ ...base, GREENROOM_STORAGE_URL: 's3://bucket' }).storage, { kind: 's3', bucket: 'bucket', prefix: '' });
});

test('bad fleet settings are refused, naming the variable', () => {
  for (const [name, value] of [
    ['GREENROOM_REDIS_URL', 'localhost:6379'],
    ['GREENROOM_STORAGE_URL', '/relative/or/bare'],
    ['GREENROOM_STORAGE_URL', 'ftp://x/y'],
    ['GREENROOM_JOB_LOCK_MS', '10'],
    ['GREENROOM_JOB_ATTEMPTS', '0'],
    ['GREENROOM_WORKER_NAME', 'has space'],
  ] as const) {
    assert.throws(() => loadConfig({ ...base, [name]: value }), new RegExp(name), `${name}=${value}`);
  }
});

test('BullMQ ids of items, and URLs without their password in logs', () => {
  assert.equal(bullJobId('0f8fad5b-d9cb-469f-a165-70867728950e', 12), '0f8fad5b-d9cb-469f-a165-70867728950e_12');
  assert.equal(redactUrl('redis://user:hunter2@10.0.0.5:6379'), 'redis://***@10.0.0.5:6379');
  assert.equal(redactUrl('redis://10.0.0.5:6379'), 'redis://10.0.0.5:6379');
});

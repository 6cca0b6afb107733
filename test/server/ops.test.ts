/** Health, metrics, energy, the OpenAPI document, 404s, API keys, rate limits, the in-flight limiter, CORS, and internal errors that stay internal. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Studio } from '../../src/studio.ts';
import { getModelSpec } from '../../src/models/manifest.ts';
import { multipart, openFakeStudio, photoFile, tempDataDir, testApp } from './helpers.ts';

let studio: Studio;
let app: FastifyInstance;
const dataDir = tempDataDir();
const apps: FastifyInstance[] = [];
const make = (...args: Parameters<typeof testApp> extends [unknown, ...infer R] ? R : never) => {
  const a = testApp(studio, ...args);
  apps.push(a);
  return a;
};

before(async () => {
  studio = await openFakeStudio(dataDir);
  app = make({}, { queue: { stats: async () => ({ items: { queued: 4, running: 1 } }) } });
});
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const cutout = (target: FastifyInstance, headers: Record<string, string> = {}) => {
  const m = multipart({ image_file: photoFile('coffee.png'), quality: 'fast' });
  return target.inject({ method: 'POST', url: '/v1/cutout', payload: m.payload, headers: { ...m.headers, ...headers } });
};

describe('operations routes', () => {
  test('GET /health: ok, version and model', async () => {
    const res = await app.inject('/health');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.equal(body.model.id, 'isnet');
    assert.equal(body.images.concurrency, 2);
  });

  test('GET /v1/energy: totals, per operation and per day from the ledger', async () => {
    assert.equal((await cutout(app)).statusCode, 200);
    const res = await app.inject('/v1/energy?since=1d');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(body.count >= 1);
    assert.ok(body.joules > 0 && body.co2eGrams > 0);
    assert.ok(body.byOperation.cutout.count >= 1);
    assert.equal(body.byDay.length, 1);
    assert.match(body.since, /^\d{4}-\d{2}-\d{2}T/);
    const none = await app.inject('/v1/energy?until=2000-01-01');
    assert.equal(none.json().count, 0);
    const bad = await app.inject('/v1/energy?since=yesterday');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().details.field, 'since');
    const unknown = await app.inject('/v1/energy?from=2020-01-01');
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().details.field, 'from');
  });

  test('GET /metrics: request counter by route and status, latency, images, joules, queue depth', async () => {
    assert.equal((await cutout(app)).statusCode, 200);
    await app.inject('/nope');
    const res = await app.inject('/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(text, /greenroom_http_requests_total\{method="POST",route="\/v1\/cutout",status="200"\} [1-9]/);
    assert.match(text, /greenroom_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    assert.match(text, /greenroom_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/v1\/cutout"\}/);
    assert.match(text, /greenroom_images_processed_total\{operation="cutout"\} [1-9]/);
    assert.match(text, /greenroom_energy_joules_total\{operation="cutout"\} [\d.]+/);
    assert.match(text, /greenroom_queue_depth 5/);
    assert.match(text, /greenroom_images_in_flight 0/);
  });

  test('GET /docs/json is an OpenAPI 3 document with every route, multipart uploads as binary', async () => {
    const res = await app.inject('/docs/json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.match(doc.openapi, /^3\./);
    for (const p of ['/v1/cutout', '/v1/edit', '/v1.0/removebg', '/v1/segment', '/v1/energy', '/health', '/metrics']) assert.ok(doc.paths[p], `${p} documented`);
    const body = doc.paths['/v1/cutout'].post.requestBody.content['multipart/form-data'].schema;
    assert.deepEqual(body.properties.image_file.type, 'string');
    assert.deepEqual(body.properties.image_file.format, 'binary');
    assert.deepEqual(body.required, ['image_file']);
    assert.ok(doc.paths['/v1/cutout'].post.responses['200'].content['image/png']);
    assert.ok(!JSON.stringify(doc).includes('isFile'));
    assert.ok(doc.paths['/v1.0/removebg'].post.requestBody.content['application/json']);
  });

  test('GET /docs serves the UI from this server (no CDN)', async () => {
    const res = await app.inject('/docs');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.ok(!/(src|href)="https?:/.test(res.body), 'every asset is local');
    const js = await app.inject('/docs/static/swagger-ui-bundle.js');
    assert.equal(js.statusCode, 200);
  });

  test('an unknown route is 404 NOT_FOUND as JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/v2/whatever' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'GREENROOM_ERR_NOT_FOUND');
    assert.match(res.json().message, /\/v2\/whatever/);
  });
});

describe('API keys and rate limits', () => {
  test('with keys configured, /v1* needs x-api-key (401 in each route\'s shape); /health does not', async () => {
    const keyed = make({ apiKeys: ['k-one', 'k-two'] });
    const none = await keyed.inject('/v1/energy');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'GREENROOM_ERR_UNAUTHORIZED');
    const wrong = await keyed.inject({ url: '/v1/energy', headers: { 'x-api-key': 'k-three' } });
    assert.equal(wrong.statusCode, 401);
    const ok = await keyed.inject({ url: '/v1/energy', headers: { 'x-api-key': 'k-two' } });
    assert.equal(ok.statusCode, 200);
    const rb = await keyed.inject({ method: 'POST', url: '/v1.0/removebg', ...multipart({ image_file: photoFile('coffee.png') }) });
    assert.equal(rb.statusCode, 401);
    assert.equal(rb.json().errors[0].code, 'auth_failed');
    const seg = await keyed.inject({ method: 'POST', url: '/v1/segment', ...multipart({ image_file: photoFile('coffee.png') }) });
    assert.equal(seg.statusCode, 401);
    assert.equal(seg.json().status_code, 401);
    assert.equal((await keyed.inject('/health')).statusCode, 200);
    assert.equal((await cutout(keyed, { 'x-api-key': 'k-one' })).statusCode, 200);
  });

  test('each key has its own bucket: 429 with Retry-After and X-RateLimit-* when it is empty, refilled over the minute', async () => {
    let now = 1_800_000_000_000;
    const limited = make({ apiKeys: ['a', 'b'], rateLimitPerMin: 2 }, { now: () => now });
    const get = (key: string) => limited.inject({ url: '/v1/energy', headers: { 'x-api-key': key } });
    const first = await get('a');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-ratelimit-limit'], '2');
    assert.equal(first.headers['x-ratelimit-remaining'], '1');
    assert.equal((await get('a')).statusCode, 200);
    const third = await get('a');
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().code, 'GREENROOM_ERR_RATE_LIMITED');
    assert.equal(third.headers['retry-after'], '30');
    assert.equal(third.headers['x-ratelimit-remaining'], '0');
    assert.ok(Number(third.headers['x-ratelimit-reset']) > now / 1000);
    assert.equal((await get('b')).statusCode, 200, 'another key is not limited');
    now += 30_000;
    assert.equal((await get('a')).statusCode, 200, 'a token is back after 30 s');
    const rb = await limited.inject({ method: 'POST', url: '/v1.0/removebg', headers: { 'x-api-key': 'a' }, payload: {} });
    assert.equal(rb.statusCode, 429);
    assert.equal(rb.json().errors[0].code, 'rate_limit_exceeded');
  });

  test('when the in-flight line is full, image requests get 429 with Retry-After at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const gated = await Studio.open({
      dataDir,
      segmenterFactory: async () => ({
        model: getModelSpec('isnet'),
        async segment(_rgb, size, onStart) {
          onStart?.();
          started++;
          await gate;
          return new Float32Array(size * size).fill(1);
        },
        close: async () => {},
      }),
    });
    try {
      const busy = testApp(gated, {}, { limiter: { concurrency: 1, maxWaiting: 1 } });
      apps.push(busy);
      const first = cutout(busy);
      const second = cutout(busy);
      for (let i = 0; i < 200 && (started < 1 || busy.greenroom.limiter.state().waiting < 1); i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(busy.greenroom.limiter.state(), { inFlight: 1, waiting: 1, concurrency: 1, maxWaiting: 1 });
      const third = await cutout(busy);
      assert.equal(third.statusCode, 429, third.body);
      assert.equal(third.json().code, 'GREENROOM_ERR_RATE_LIMITED');
      assert.equal(third.json().details.reason, 'busy');
      assert.ok(Number(third.headers['retry-after']) >= 1);
      const health = await busy.inject('/health');
      assert.equal(health.json().images.waiting, 1, 'other routes still answer');
      release();
      assert.equal((await first).statusCode, 200);
      assert.equal((await second).statusCode, 200);
      assert.deepEqual(busy.greenroom.limiter.state().inFlight, 0);
    } finally {
      release();
      await gated.close();
    }
  });
});

describe('CORS and failures', () => {
  test('CORS is off by default and on only for the configured origin', async () => {
    const plain = await app.inject({ url: '/health', headers: { origin: 'https://shop.example' } });
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
    const cors = make({ corsOrigin: 'https://shop.example' });
    const allowed = await cors.inject({ url: '/health', headers: { origin: 'https://shop.example' } });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://shop.example');
    assert.match(String(allowed.headers['access-control-expose-headers']), /X-Energy-Joules/);
    const other = await cors.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await cors.inject({ method: 'OPTIONS', url: '/v1/cutout', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.statusCode, 204);
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-api-key/);
  });

  test('an unexpected failure is a 500 with no internals, and the server keeps serving', async () => {
    const broken = await Studio.open({
      dataDir,
      segmenterFactory: async () => ({
        model: getModelSpec('isnet'),
        async segment() {
          throw new TypeError('secret internal detail at /srv/app/thing.js:12');
        },
        close: async () => {},
      }),
    });
    try {
      const b = testApp(broken);
      apps.push(b);
      const res = await cutout(b);
      assert.ok(res.statusCode >= 500, res.body);
      assert.ok(!res.body.includes('/srv/app'), res.body);
      assert.ok(!/\n\s+at /.test(res.body));
      assert.match(res.json().code, /^GREENROOM_ERR_/);
      assert.equal((await b.inject('/health')).statusCode, 200);
    } finally {
      await broken.close();
    }
  });
});

/** GET /v1/models (the web studio's model setting), its OpenAPI entry, and the headers CORS lets a page read. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import fs from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { loadManifest } from '../../src/models/manifest.ts';
import type { Studio } from '../../src/studio.ts';
import { openFakeStudio, tempDataDir, testApp } from './helpers.ts';

let studio: Studio;
const dataDir = tempDataDir();
const apps: FastifyInstance[] = [];
before(async () => {
  studio = await openFakeStudio(dataDir);
});
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('GET /v1/models lists every model of models.json with its precision, the default and the quality sizes', async () => {
  const app = testApp(studio);
  apps.push(app);
  const res = await app.inject('/v1/models');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { default: string; qualities: Record<string, number>; models: { id: string; description: string; precision: string; default: boolean; licence: string }[] };
  const manifest = loadManifest();
  assert.equal(body.default, studio.config.defaultModel);
  assert.deepEqual(body.models.map((m) => m.id), Object.keys(manifest.models));
  assert.deepEqual(body.qualities, { fast: 512, balanced: 768, best: 1024, max: 1024 });
  const fp16 = body.models.find((m) => m.id === 'isnet')!;
  const int8 = body.models.find((m) => m.id === 'isnet-int8')!;
  assert.equal(fp16.precision, 'fp16');
  assert.equal(int8.precision, 'int8');
  assert.match(int8.description, /int8/);
  assert.equal(body.models.filter((m) => m.default).length, 1);
  assert.equal(body.models.find((m) => m.default)!.id, body.default);
  // Nothing of the server's own files.
  assert.ok(!/cache|\/tmp|\/home|\/root/i.test(res.body), res.body);
});

test("GET /v1/models marks the server's configured model (GREENROOM_MODEL) as the default", async () => {
  const app = buildApp({ studio, config: { ...studio.config, defaultModel: 'isnet-int8' }, defaultMetrics: false });
  apps.push(app);
  const body = (await app.inject('/v1/models')).json() as { default: string; models: { id: string; default: boolean }[] };
  assert.equal(body.default, 'isnet-int8');
  assert.deepEqual(body.models.filter((m) => m.default).map((m) => m.id), ['isnet-int8']);
});

test('GET /v1/models is in the OpenAPI document, and behind API keys like every /v1 route', async () => {
  const app = testApp(studio, { apiKeys: ['k1'] });
  apps.push(app);
  const doc = (await app.inject('/docs/json')).json() as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown> } }> }> } }> };
  const schema = doc.paths['/v1/models']?.get?.responses['200']?.content?.['application/json']?.schema;
  assert.ok(schema, '/v1/models documented');
  assert.deepEqual(Object.keys(schema.properties).sort(), ['default', 'models', 'qualities']);
  assert.equal((await app.inject('/v1/models')).statusCode, 401);
  assert.equal((await app.inject({ url: '/v1/models', headers: { 'x-api-key': 'k1' } })).statusCode, 200);
});

test('CORS lets a page read the uncertainty score and the batch headers', async () => {
  const app = testApp(studio, { corsOrigin: 'https://shop.example' });
  apps.push(app);
  const res = await app.inject({ url: '/v1/models', headers: { origin: 'https://shop.example' } });
  assert.equal(res.headers['access-control-allow-origin'], 'https://shop.example');
  const exposed = String(res.headers['access-control-expose-headers']).split(', ');
  for (const h of ['X-Uncertainty-Score', 'X-Energy-Joules', 'Location', 'Idempotent-Replayed', 'X-Greenroom-Partial']) assert.ok(exposed.includes(h), `${h} exposed`);
  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/jobs', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' } });
  assert.equal(preflight.statusCode, 204);
  assert.match(String(preflight.headers['access-control-allow-headers']), /idempotency-key/);
});

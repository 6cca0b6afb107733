/**
 * A client generated from the served OpenAPI document (openapi-typescript types, openapi-fetch)
 * against a real listening server with API keys configured and the real model: a cutout, an edit
 * and a batch job (create, get, its item and zip). The key travels the way the document says: a
 * middleware reads the `apiKey` security scheme (header name) and adds it to the operations that
 * list it. This file is type-checked with the committed types, so the calls below are what a
 * TypeScript user of the generated client writes.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import type { paths } from '../helpers/greenroom-api.ts';
import { photo } from '../helpers/images.ts';
import { API_TYPES_FILE, generateApiTypes } from '../helpers/openapi.ts';
import { readZip } from '../helpers/zip.ts';

const KEY = 'client-test-key-2';
let server: RunningServer;
let doc: OpenApiDoc;
let client: Client<paths>;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-client-'));

interface OpenApiDoc {
  components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
}

/** Adds the key where the document's operation lists the scheme, in the place the scheme says. */
function securityScheme(document: OpenApiDoc, scheme: string, key: string): Middleware {
  const { type, in: where, name } = document.components.securitySchemes[scheme]!;
  assert.deepEqual([type, where], ['apiKey', 'header']);
  return {
    onRequest({ request, schemaPath }) {
      const op = document.paths[schemaPath]?.[request.method.toLowerCase()];
      if (op?.security?.some((requirement) => scheme in requirement)) request.headers.set(name, key);
      return request;
    },
  };
}

/** multipart/form-data from a request body: Blobs as file parts, the rest as text. */
function formData(body: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [field, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined) continue;
      if (v instanceof Blob) form.append(field, v, v instanceof File ? v.name : field);
      else form.append(field, String(v));
    }
  }
  return form;
}

const file = (name: string) => new File([fs.readFileSync(photo(name))], name);

/**
 * A multipart request body as the generated types describe it. Declared bodies keep their
 * literal types (quality: 'fast'); written inline next to `parseAs`, openapi-fetch's inference
 * widens them and loses the parsed type.
 */
type FormBody<P extends keyof paths> = paths[P] extends { post: { requestBody: { content: { 'multipart/form-data': infer B } } } } ? B : never;

before(async () => {
  const config = loadConfig({ ...process.env, GREENROOM_API_KEYS: `client-test-key-1,${KEY}`, GREENROOM_DATA_DIR: dataDir, GREENROOM_CORS_ORIGIN: undefined });
  server = await startServer({ port: 0, host: '127.0.0.1', config, studio: { dataDir }, handleSignals: false });
  doc = (await (await fetch(`${server.url}/docs/json`)).json()) as OpenApiDoc;
  client = createClient<paths>({ baseUrl: server.url });
  client.use(securityScheme(doc, 'apiKey', KEY));
});

after(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the client types are those of this server\'s document', async () => {
  assert.equal(await generateApiTypes(doc), fs.readFileSync(API_TYPES_FILE, 'utf8'));
  assert.deepEqual(doc.paths['/v1/cutout']!.post!.security, [{ apiKey: [] }], 'keys are required here');
});

test('without the security scheme the server refuses; with it, createCutout answers the cutout', { timeout: 120_000 }, async () => {
  const bare = createClient<paths>({ baseUrl: server.url });
  const refused = await bare.GET('/v1/models');
  assert.equal(refused.response.status, 401);
  assert.equal(refused.error?.code, 'GREENROOM_ERR_UNAUTHORIZED');

  const body: FormBody<'/v1/cutout'> = { image_file: file('coffee.png'), quality: 'fast', crop: true };
  const { data, error, response } = await client.POST('/v1/cutout', {
    body,
    bodySerializer: formData,
    parseAs: 'blob',
  });
  assert.equal(error, undefined, JSON.stringify(error));
  assert.equal(response.headers.get('content-type'), 'image/png');
  const meta = await sharp(Buffer.from(await data!.arrayBuffer())).metadata();
  assert.equal(meta.channels, 4);
  assert.equal(String(meta.width), response.headers.get('x-width'));
  assert.ok(meta.width! < 600, 'cropped to the subject');

  const models = await client.GET('/v1/models');
  assert.ok(models.data?.models.some((m) => m.id === models.data?.default));
});

test('createEdit lays the photo on a colour as a JPEG; a bad field is a typed error', { timeout: 120_000 }, async () => {
  const body: FormBody<'/v1/edit'> = { image_file: file('coffee.png'), background: '#f4efe6', shadow: 'soft', format: 'jpeg', quality: 'fast', size: '800x800' };
  const { data, response } = await client.POST('/v1/edit', {
    body,
    bodySerializer: formData,
    parseAs: 'blob',
  });
  assert.equal(response.status, 200);
  const meta = await sharp(Buffer.from(await data!.arrayBuffer())).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 800, 800]);

  const invalid: FormBody<'/v1/edit'> = { image_file: file('coffee.png'), padding: 'lots' };
  const bad = await client.POST('/v1/edit', { body: invalid, bodySerializer: formData, parseAs: 'blob' });
  assert.equal(bad.response.status, 400);
  assert.deepEqual([bad.error?.code, bad.error?.details.field], ['GREENROOM_ERR_INVALID_OPTION', 'padding']);
});

test('a job: createJob, getJob until it ends, getJobItem and getJobResults', { timeout: 180_000 }, async () => {
  const body: FormBody<'/v1/jobs'> = { image_file: [file('coffee.png'), file('rocket.jpg')], kind: 'cutout', spec: JSON.stringify({ quality: 'fast', format: 'png' }) };
  const created = await client.POST('/v1/jobs', {
    body,
    bodySerializer: formData,
    params: { header: { 'idempotency-key': `client-${process.pid}` } },
  });
  assert.equal(created.response.status, 202, JSON.stringify(created.error));
  const id = created.data!.id;
  assert.equal(created.data!.status.total, 2);

  let job = created.data!.status;
  for (let i = 0; i < 600 && (job.state === 'queued' || job.state === 'running'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    const got = await client.GET('/v1/jobs/{id}', { params: { path: { id } } });
    assert.equal(got.error, undefined);
    job = got.data!;
  }
  assert.equal(job.state, 'done');
  assert.deepEqual(job.items.map((i) => i.state), ['done', 'done']);

  const item = await client.GET('/v1/jobs/{id}/items/{index}', { params: { path: { id, index: 1 } }, parseAs: 'blob' });
  const meta = await sharp(Buffer.from(await item.data!.arrayBuffer())).metadata();
  assert.deepEqual([meta.format, meta.channels, String(meta.width)], ['png', 4, item.response.headers.get('x-width')]);

  const zip = await client.GET('/v1/jobs/{id}/results.zip', { params: { path: { id } }, parseAs: 'arrayBuffer' });
  assert.equal(zip.response.headers.get('content-type'), 'application/zip');
  const entries = readZip(Buffer.from(zip.data!));
  assert.equal(entries.length, 2);
  for (const e of entries) assert.equal((await sharp(e.data).metadata()).format, 'png', e.name);

  const missing = await client.GET('/v1/jobs/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
  assert.equal(missing.response.status, 404);
  assert.equal(missing.error?.code, 'GREENROOM_ERR_JOB_NOT_FOUND');
});

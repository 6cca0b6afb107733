/**
 * The OpenAPI document at /docs/json, as client generators read it: Redocly's recommended rules
 * (the repository's redocly.yaml and its justified exceptions) give no error and no warning, every
 * operation has its stable operationId, the API-key scheme is applied where the server checks
 * keys (optional when none are configured), and the committed client types are generated from
 * this very document.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { API_TYPES_FILE, generateApiTypes, servedOpenApi } from '../helpers/openapi.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every operation's id: what generated clients name their methods. Changing one breaks clients. */
const OPERATION_IDS: Record<string, string> = {
  'GET /health': 'getHealth',
  'GET /metrics': 'getMetrics',
  'GET /v1/energy': 'getEnergy',
  'POST /v1/cutout': 'createCutout',
  'POST /v1/edit': 'createEdit',
  'POST /v1/retouch': 'retouchImage',
  'POST /v1.0/removebg': 'removeBackground',
  'POST /v1/segment': 'segment',
  'POST /v1/convert': 'convertImage',
  'GET /v1/templates': 'listTemplates',
  'GET /v1/templates/{name}/thumbnail.jpg': 'getTemplateThumbnail',
  'GET /v1/prompt': 'parsePrompt',
  'GET /v1/models': 'listModels',
  'POST /v1/jobs': 'createJob',
  'GET /v1/jobs/{id}': 'getJob',
  'DELETE /v1/jobs/{id}': 'cancelJob',
  'GET /v1/jobs/{id}/events': 'getJobEvents',
  'GET /v1/jobs/{id}/results.zip': 'getJobResults',
  'GET /v1/jobs/{id}/items/{index}': 'getJobItem',
};

type Operation = { operationId?: string; security?: Record<string, string[]>[]; responses: Record<string, { content?: Record<string, { schema: any }> }> };

function operations(doc: Record<string, any>): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) out.set(`${method.toUpperCase()} ${p}`, op);
  }
  return out;
}

let open: Record<string, any>;
let keyed: Record<string, any>;

before(async () => {
  open = await servedOpenApi();
  keyed = await servedOpenApi({ apiKeys: ['k-one'] });
});

describe('/docs/json', () => {
  for (const [label, doc] of [['no keys', () => open], ['keys configured', () => keyed]] as const) {
    test(`Redocly's recommended rules: no error, no warning beyond the justified exceptions (${label})`, async () => {
      const config = await loadConfig({ configPath: path.join(ROOT, 'redocly.yaml') });
      // Linted as openapi.json next to redocly.yaml, the name its ignore file lists.
      const problems = await lintFromString({ source: JSON.stringify(doc()), absoluteRef: path.join(ROOT, 'openapi.json'), config });
      const shown = problems.filter((p) => !p.ignored);
      const describe = (p: (typeof problems)[number]) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`;
      assert.deepEqual(shown.map(describe), [], 'Redocly lint problems');
      // The exceptions still exist (else they should leave the ignore file).
      assert.deepEqual(problems.filter((p) => p.ignored).map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort(), [
        'operation-4xx-response #/paths/~1health/get/responses',
        'operation-4xx-response #/paths/~1metrics/get/responses',
      ]);
    });
  }

  test('every operation has its stable, unique operationId', () => {
    const ids = Object.fromEntries([...operations(open)].map(([k, op]) => [k, op.operationId]));
    assert.deepEqual(ids, OPERATION_IDS);
    assert.equal(new Set(Object.values(ids)).size, Object.keys(ids).length);
  });

  test('the API-key scheme is required on /v1 routes when keys are configured, optional when not; /health and /metrics need none', () => {
    for (const [doc, required] of [[keyed, true], [open, false]] as const) {
      assert.deepEqual(doc.components.securitySchemes.apiKey, { ...doc.components.securitySchemes.apiKey, type: 'apiKey', in: 'header', name: 'x-api-key' });
      for (const [key, op] of operations(doc)) {
        const expected = !/ \/v1/.test(key) ? [] : required ? [{ apiKey: [] }] : [{ apiKey: [] }, {}];
        assert.deepEqual(op.security, expected, key);
        if (/ \/v1/.test(key)) assert.ok(op.responses['401'], `${key} documents 401`);
      }
    }
    assert.match(open.components.securitySchemes.apiKey.description, /optional/);
  });

  test('servers, a licence, and every operation has a 2XX and (outside /health, /metrics) a 4XX in its error shape', () => {
    assert.equal(open.servers[0].url, '/');
    assert.equal(open.info.license.name, 'AGPL-3.0-or-later');
    const shapes: Record<string, string[]> = { 'POST /v1.0/removebg': ['errors'], 'POST /v1/segment': ['detail', 'status_code', 'type'] };
    for (const [key, op] of operations(open)) {
      const codes = Object.keys(op.responses);
      assert.ok(codes.some((c) => /^2/.test(c)), `${key}: a 2XX`);
      if (key === 'GET /health' || key === 'GET /metrics') continue;
      const clientErrors = codes.filter((c) => /^4/.test(c));
      assert.ok(clientErrors.length > 0, `${key}: a 4XX`);
      for (const c of clientErrors) {
        const schema = op.responses[c]!.content?.['application/json']?.schema;
        assert.ok(schema, `${key} ${c}: a JSON error body`);
        const fields = Object.keys(schema.properties).sort();
        assert.deepEqual(fields, shapes[key] ?? ['code', 'details', 'message', 'title'], `${key} ${c}`);
      }
    }
  });

  test('the committed client types (test/helpers/greenroom-api.ts) are generated from this document', async () => {
    const fresh = await generateApiTypes(open);
    const committed = fs.readFileSync(API_TYPES_FILE, 'utf8');
    assert.ok(committed === fresh, 'test/helpers/greenroom-api.ts is out of date: run npm run openapi:types and commit it');
  });
});

/** The web studio's reading of a job's event stream (web/src/jobs.ts) and of uncertainty scores (web/src/api.ts): pure code, run in Node. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { score } from '../../web/src/api.ts';
import { newIdempotencyKey, parseEvents } from '../../web/src/jobs.ts';

test('parseEvents: complete events out, the unfinished rest kept, comments skipped, CRLF and multi-line data', () => {
  const a = parseEvents(': keep-alive\n\nevent: item\ndata: {"a":1}\n\nevent: state\nda');
  assert.deepEqual(a.events, [{ event: 'item', data: '{"a":1}' }]);
  assert.equal(a.rest, 'event: state\nda');
  const b = parseEvents(`${a.rest}ta: {"state":"done"}\n\n`);
  assert.deepEqual(b.events, [{ event: 'state', data: '{"state":"done"}' }]);
  assert.equal(b.rest, '');
  assert.deepEqual(parseEvents('event: item\r\ndata: x\r\ndata: y\r\n\r\n').events, [{ event: 'item', data: 'x\ny' }]);
  assert.deepEqual(parseEvents('data:no-space\n\n').events, [{ event: 'message', data: 'no-space' }]);
  assert.deepEqual(parseEvents('event: item\n\n').events, [], 'an event without data is nothing');
});

test('score: a finite number from a header or a field, else null', () => {
  assert.equal(score('0.63'), 0.63);
  assert.equal(score(0.2), 0.2);
  assert.equal(score('0'), 0);
  for (const v of [null, undefined, '', 'high', 'NaN', Infinity]) assert.equal(score(v), null, String(v));
});

test('idempotency keys: 128 random bits each, different every time', () => {
  const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
  assert.equal(keys.size, 100);
  for (const k of keys) assert.match(k, /^studio-[0-9a-f]{32}$/);
});

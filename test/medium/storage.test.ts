/** The folder storage: whole-or-nothing writes, first writer wins, streamed writes with a byte limit, listing, partial writes removed. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { isGreenroomError } from '../../src/errors.ts';
import { FileStorage } from '../../src/storage/file.ts';
import { rejectionOf } from '../helpers/images.ts';
import { streamToBuffer } from '../helpers/jobs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-storage-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('put, get, read, stat; ifAbsent keeps the first object', async () => {
  const s = new FileStorage(root);
  assert.deepEqual(await s.put('jobs/a/out/0.png', new Uint8Array([1, 2, 3]), { ifAbsent: true }), { bytes: 3, written: true });
  assert.deepEqual(await s.put('jobs/a/out/0.png', new Uint8Array([9, 9, 9, 9]), { ifAbsent: true }), { bytes: 3, written: false });
  assert.deepEqual([...(await s.get('jobs/a/out/0.png'))], [1, 2, 3]);
  assert.deepEqual(await s.put('jobs/a/in/0', new Uint8Array([7])), { bytes: 1, written: true });
  assert.deepEqual(await s.put('jobs/a/in/0', new Uint8Array([8, 8])), { bytes: 2, written: true }, 'without ifAbsent a put replaces');
  assert.equal((await s.stat('jobs/a/in/0'))!.bytes, 2);
  assert.equal(await s.stat('jobs/a/nothing'), null);
  assert.deepEqual([...(await streamToBuffer(await s.read('jobs/a/in/0')))], [8, 8]);
  assert.ok(isGreenroomError(await rejectionOf(s.get('jobs/a/nothing')), 'INPUT_NOT_FOUND'));
  assert.ok(isGreenroomError(await rejectionOf(s.read('jobs/a/nothing')), 'INPUT_NOT_FOUND'));
  assert.throws(() => s.path('jobs/../../etc/passwd'));
});

test('a streamed put over its byte limit leaves nothing; listing skips temporary files; removePartial and deletePrefix', async () => {
  const s = new FileStorage(root);
  const big = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
  assert.ok(isGreenroomError(await rejectionOf(s.put('jobs/b/in/0', big, { maxBytes: 1000 })), 'UPLOAD_TOO_LARGE'));
  assert.equal(await s.stat('jobs/b/in/0'), null);
  assert.deepEqual(fs.readdirSync(path.join(root, 'jobs', 'b', 'in')), [], 'no temporary file left');
  assert.deepEqual(await s.put('jobs/b/in/1', Readable.from([Buffer.alloc(700)]), { maxBytes: 1000 }), { bytes: 700, written: true });
  fs.writeFileSync(path.join(root, 'jobs', 'b', 'in', '.2.123.abcd.tmp'), 'half');
  const keys: string[] = [];
  for await (const o of s.list('jobs/b/')) keys.push(o.key);
  assert.deepEqual(keys, ['jobs/b/in/1']);
  assert.deepEqual((await s.children('jobs/')).sort(), ['a', 'b']);
  await s.removePartial('jobs/b/');
  assert.deepEqual(fs.readdirSync(path.join(root, 'jobs', 'b', 'in')), ['1']);
  await s.deletePrefix('jobs/b/');
  assert.deepEqual(await s.children('jobs/'), ['a']);
});

/** Names in the job system: display names and output names from hostile client file names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobFiles, displayName, outputNames } from '../../src/jobs/files.ts';

test('display names keep the last path segment without control characters', () => {
  assert.equal(displayName('../../etc/passwd.png'), 'passwd.png');
  assert.equal(displayName('C:\\Users\\me\\shoe.jpg'), 'shoe.jpg');
  assert.equal(displayName('a\u0000b\nc.png'), 'abc.png');
  assert.equal(displayName(''), 'image');
  assert.equal(displayName('photo\u202egnp.exe'), 'photognp.exe');
  assert.equal(displayName('dir/'), 'image');
  assert.equal(displayName('x'.repeat(400)).length, 255);
});

test('output names are safe and unique case-insensitively, with the output extension', () => {
  assert.deepEqual(outputNames(['../../etc/passwd.png', 'a/b.jpg', 'B.png', '.env', '..', 'con.png', 'x\u202e.png'], 'webp'), [
    'passwd.webp',
    'b.webp',
    'B-2.webp',
    'env.webp',
    'image.webp',
    'con_.webp',
    'x.webp',
  ]);
});

test('job folders are built only from job ids', () => {
  const files = new JobFiles('/data');
  assert.equal(files.input('0f8fad5b-d9cb-469f-a165-70867728950e', 3), '/data/jobs/0f8fad5b-d9cb-469f-a165-70867728950e/in/3');
  assert.throws(() => files.jobDir('../etc'));
  assert.throws(() => files.jobDir('0f8fad5b-d9cb-469f-a165-70867728950e/..'));
});

/** Names in the job system: display names and output names from hostile client file names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayName, outputNames } from '../../src/jobs/files.ts';
import { inputKey, jobPrefix, outputKey } from '../../src/jobs/keys.ts';
import { FileStorage } from '../../src/storage/file.ts';

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

test('job storage keys are built only from job ids, and stay inside the storage', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  assert.equal(new FileStorage('/data').path(inputKey(id, 3)), `/data/jobs/${id}/in/3`);
  assert.equal(outputKey(id, 2, 'png'), `jobs/${id}/out/2.png`);
  assert.throws(() => jobPrefix('../etc'));
  assert.throws(() => jobPrefix(`${id}/..`));
  assert.throws(() => new FileStorage('/data').path('jobs/../../etc/passwd'));
  assert.throws(() => new FileStorage('/data').path('/etc/passwd'));
});

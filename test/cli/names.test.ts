import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { allocateOutputs, safeBaseName } from '../../src/cli/names.ts';

test('safeBaseName drops the extension and keeps ordinary names', () => {
  assert.equal(safeBaseName('photos/mug.jpg'), 'mug');
  assert.equal(safeBaseName('a/b/red shoe.final.PNG'), 'red shoe.final');
  assert.equal(safeBaseName('chelsea'), 'chelsea');
  assert.equal(safeBaseName('café.webp'), 'café');
});

test('safeBaseName strips control characters, separators and leading dots', () => {
  assert.equal(safeBaseName('dir/evil\u0000\u001b[31mname\n.png'), 'evil[31mname');
  assert.equal(safeBaseName('x/a\\..\\..\\b.png'), 'b');
  assert.equal(safeBaseName('C:\\photos\\mug.jpg'), 'mug');
  assert.equal(safeBaseName('..png'), 'image');
  assert.equal(safeBaseName('...hidden.jpg'), 'hidden');
  assert.equal(safeBaseName('.jpg'), 'jpg');
  assert.equal(safeBaseName('in/what?:*.png'), 'what___');
  assert.equal(safeBaseName('con.png'), 'con_');
  assert.equal(safeBaseName('\u0001\u0002.png'), 'image');
  assert.ok(Buffer.byteLength(safeBaseName(`${'é'.repeat(300)}.png`)) <= 180);
});

test('allocateOutputs suffixes clashes, case-insensitively, and never names an input', () => {
  const out = allocateOutputs(['a/mug.jpg', 'b/mug.png', 'c/MUG.webp', 'mug-2.png', 'o/x.png'], 'o', 'png');
  assert.deepEqual(
    out.map((o) => o.output),
    [path.join('o', 'mug.png'), path.join('o', 'mug-2.png'), path.join('o', 'MUG-3.png'), path.join('o', 'mug-2-2.png'), path.join('o', 'x-2.png')],
  );
  assert.equal(out[0]!.wanted, undefined);
  assert.equal(out[1]!.wanted, 'mug.png');
  assert.equal(out[4]!.wanted, 'x.png');
});

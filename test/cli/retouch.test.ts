/**
 * greenroom retouch as a child process: a mask, strokes, an expand of a folder; --json; the usage
 * and mask errors, which write nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PHOTOS, runCli } from './helpers.ts';

let tmp: string;
let maskFile: string, halfMask: string, emptyMask: string, squareMask: string, hugeMask: string, strokesFile: string;
const coffee = path.join(PHOTOS, 'coffee.png');

async function ellipseMask(file: string, width: number, height: number, cx: number, cy: number, rx: number, ry: number): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="black"/><ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="white"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path.join(tmp, file));
  return path.join(tmp, file);
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-cli-retouch-'));
  maskFile = await ellipseMask('mask.png', 600, 400, 470, 280, 40, 30);
  halfMask = await ellipseMask('half.png', 300, 200, 235, 140, 20, 15);
  emptyMask = await ellipseMask('empty.png', 600, 400, 0, 0, 0, 0);
  squareMask = await ellipseMask('square.png', 400, 400, 200, 200, 30, 30);
  hugeMask = await ellipseMask('huge.png', 600, 400, 300, 200, 400, 300);
  strokesFile = path.join(tmp, 'strokes.json');
  fs.writeFileSync(strokesFile, JSON.stringify([{ mode: 'erase', radius: 9, points: [[430, 300], [500, 310]] }]));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('--mask: writes DIR/<name>.png at the photo\'s size; --json says what was filled', async () => {
  const out = path.join(tmp, 'out-mask');
  const r = await runCli(['retouch', coffee, '--mask', halfMask, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim());
  assert.equal(line.output, path.join(out, 'coffee.png'));
  assert.deepEqual([line.width, line.height], [600, 400]);
  assert.ok(line.retouch.filledPixels > 3000 && line.retouch.filledPixels < 4200, String(line.retouch.filledPixels));
  assert.deepEqual(Object.keys(line.stages), ['decode', 'retouch', 'encode']);
  const meta = await sharp(line.output).metadata();
  assert.deepEqual([meta.width, meta.height, meta.format], [600, 400, 'png']);
});

test('--strokes, JPEG out; --expand on a folder, one output per photo', async () => {
  const out = path.join(tmp, 'out-strokes');
  const r = await runCli(['retouch', coffee, '--strokes', strokesFile, '--format', 'jpg', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /px filled/);
  assert.equal((await sharp(path.join(out, 'coffee.jpg')).metadata()).format, 'jpeg');
  const folder = path.join(tmp, 'photos');
  fs.mkdirSync(folder);
  fs.copyFileSync(coffee, path.join(folder, 'a.png'));
  fs.copyFileSync(path.join(PHOTOS, 'rocket.jpg'), path.join(folder, 'b.jpg'));
  const grown = path.join(tmp, 'out-expand');
  const e = await runCli(['retouch', folder, '--expand', '24px', '--out', grown]);
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual([(await sharp(path.join(grown, 'a.png')).metadata()).width, (await sharp(path.join(grown, 'b.png')).metadata()).height], [648, 475]);
});

test('bad masks: coded errors, exit codes, nothing written', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['--mask', emptyMask], 1, /GREENROOM_ERR_INVALID_MASK .*empty/],
    [['--mask', squareMask], 1, /GREENROOM_ERR_INVALID_MASK .*another shape/],
    [['--mask', hugeMask], 1, /GREENROOM_ERR_MASK_TOO_LARGE/],
    [['--mask', path.join(tmp, 'missing.png')], 2, /GREENROOM_ERR_INPUT_NOT_FOUND/],
    [['--mask', maskFile, '--strokes', strokesFile], 2, /GREENROOM_ERR_INVALID_MASK: --strokes: give a mask image or strokes, not both/],
    [['--expand', 'wide'], 2, /GREENROOM_ERR_INVALID_OPTION: --expand/],
    [[], 2, /say what to do/],
  ];
  for (const [flags, code, message] of cases) {
    const out = path.join(tmp, `bad-${Math.random().toString(16).slice(2)}`);
    const r = await runCli(['retouch', coffee, ...flags, '--out', out]);
    assert.equal(r.code, code, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, flags.join(' '));
    assert.ok(!fs.existsSync(path.join(out, 'coffee.png')), `${flags.join(' ')}: nothing written`);
  }
  const two = await runCli(['retouch', coffee, path.join(PHOTOS, 'rocket.jpg'), '--mask', maskFile]);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /exactly one INPUT/);
});

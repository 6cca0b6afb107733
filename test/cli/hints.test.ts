/**
 * greenroom cutout and edit with --hints and --matte, as a child process (the real model is
 * loaded, but with --matte it does not run): the strokes' matte, a hints image, and the usage
 * errors that stop before any work.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { applyHints } from '../../src/matte/touchup.ts';
import { clutterScene } from '../helpers/touchup-scenes.ts';
import { runCli } from './helpers.ts';

let tmp: string;
const scene = clutterScene(8);
const { w, h } = scene;
const STROKES = [{ mode: 'erase', radius: 6, points: [[143, 78], [166, 78]] }];
let photoFile: string, cutoutFile: string, strokesFile: string, maskFile: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-cli-hints-'));
  photoFile = path.join(tmp, 'bike.png');
  await sharp(scene.rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(photoFile);
  const rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = scene.alpha0[i] === 0 ? 0 : scene.rgb[i * 3 + k]!;
    rgba[i * 4 + 3] = scene.alpha0[i]!;
  }
  cutoutFile = path.join(tmp, 'bike-cutout.png');
  await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toFile(cutoutFile);
  strokesFile = path.join(tmp, 'strokes.json');
  fs.writeFileSync(strokesFile, JSON.stringify(STROKES));
  const mask = Buffer.alloc(w * h * 3, 255);
  for (let y = 72; y < 84; y++) for (let x = 140; x < 170; x++) mask.set([255, 0, 0], (y * w + x) * 3);
  maskFile = path.join(tmp, 'mask.png');
  await sharp(mask, { raw: { width: w, height: h, channels: 3 } }).png().toFile(maskFile);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('cutout --matte --hints strokes.json: the previous matte reused (no network), the strokes applied, reported in --json', { timeout: 120_000 }, async () => {
  const out = path.join(tmp, 'out');
  const run = await runCli(['cutout', photoFile, '--matte', cutoutFile, '--hints', strokesFile, '--out', out, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const line = JSON.parse(run.stdout.trim()) as { stages: Record<string, number>; hints: { steps: number; changedPixels: number; matteFrom: string } };
  assert.equal(line.stages.segment, undefined);
  assert.ok(line.stages.hints! >= 0);
  assert.equal(line.hints.steps, 1);
  assert.equal(line.hints.matteFrom, 'previous-cutout');
  const alpha = new Uint8Array(await sharp(path.join(out, 'bike.png')).extractChannel(3).raw().toBuffer());
  const expected = Uint8Array.from(scene.alpha0);
  applyHints({ rgb: scene.rgb, width: w, height: h }, expected, { strokes: [{ mode: 'erase', radius: 6, points: [143, 78, 166, 78] }] });
  assert.deepEqual(alpha, expected);
});

test('edit --matte --hints mask.png: a hints image, laid on a background', { timeout: 120_000 }, async () => {
  const out = path.join(tmp, 'edit');
  const run = await runCli(['edit', photoFile, '--matte', cutoutFile, '--hints', maskFile, '--background', 'white', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /hints: 1 step, \d+ px changed/);
  assert.ok(fs.existsSync(path.join(out, 'bike.png')));
});

test('usage errors stop before any work: two photos, a missing file, colours without an image, bad JSON, no strokes', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['cutout', photoFile, cutoutFile, '--hints', strokesFile], /exactly one INPUT/],
    [['cutout', photoFile, '--hints', path.join(tmp, 'nope.json')], /--hints: cannot read .*no such file/],
    [['cutout', photoFile, '--keep-color', 'green'], /--keep-color and --erase-color/],
    [['edit', photoFile, '--hints', writeFile('bad.json', '[{"mode": "erase",')], /not valid JSON/],
    [['cutout', photoFile, '--hints', writeFile('empty.json', '[]')], /no strokes/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /GREENROOM_ERR_(INVALID_HINTS|INPUT_NOT_FOUND)/);
    assert.match(run.stderr, message);
  }
});

test('strokes outside the photo fail that photo with INVALID_HINTS (exit 1)', { timeout: 120_000 }, async () => {
  const run = await runCli(['cutout', photoFile, '--matte', cutoutFile, '--hints', writeFile('far.json', '[{"mode": "keep", "radius": 4, "points": [[5000, 5]]}]'), '--out', path.join(tmp, 'far')]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /GREENROOM_ERR_INVALID_HINTS .*outside the 220x160 photo/);
});

function writeFile(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}

/** Edits end to end: a real photo, the real model, sharp, the scene engine, shadows and layout. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { readInput } from '../../src/image/read-input.ts';
import { cutoutStages, type Cutout } from '../../src/pipeline/cutout.ts';
import { composeEdit } from '../../src/pipeline/edit.ts';
import { parseEditSpec } from '../../src/pipeline/spec.ts';
import { StageRecorder } from '../../src/pipeline/stages.ts';
import { subjectBox } from '../../src/matte/bbox.ts';
import { photo } from '../helpers/images.ts';

const COFFEE = photo('coffee.png');
let studio: Studio;
let cut: Cutout;
const limits = { maxPixels: 50_000_000 };

before(async () => {
  studio = await Studio.open();
  cut = await cutoutStages(await readInput(COFFEE), { quality: 'fast', refine: true, decontaminate: true }, { segmenter: await studio.segmenter(), pixels: studio.pixels, limits }, new StageRecorder());
});
after(() => studio.close());

async function raw(data: Buffer) {
  return sharp(data).raw().toBuffer({ resolveWithObject: true });
}

describe('studio.edit on a real photo', () => {
  test('amazon-main: 2000x2000 JPEG, pure white corners, the subject filling 85% of the frame, a receipt of stages', async () => {
    const r = await studio.edit(COFFEE, { layout: { preset: 'amazon-main' }, cutout: { quality: 'fast' } });
    assert.equal(r.image.format, 'jpeg');
    const { data, info } = await raw(r.image.data);
    assert.equal(info.width, 2000);
    assert.equal(info.height, 2000);
    for (const [x, y] of [[5, 5], [1994, 5], [5, 1994], [1994, 1994]] as const) {
      const i = (y * 2000 + x) * info.channels;
      assert.ok(data[i]! >= 254 && data[i + 1]! >= 254 && data[i + 2]! >= 254, `corner ${x},${y} is white`);
    }
    assert.equal(Math.max(r.subject.width, r.subject.height), 1700);
    assert.deepEqual(r.stages.map((s) => s.stage), ['decode', 'segment', 'scene', 'refine', 'layout', 'shadow', 'compose', 'encode']);
    assert.deepEqual(r.warnings, []);
  });

  test('a template scene with a soft shadow: the shadow darkens the floor under the subject, not the frame corners', async () => {
    const job = parseEditSpec({ background: 'template:studio-grey', shadow: 'soft', layout: { outputSize: '1000x1000' }, export: { format: 'png' } });
    const withShadow = await composeEdit(cut, job, { limits, pixels: studio.pixels }, new StageRecorder());
    const without = await composeEdit(cut, { ...job, shadow: { mode: 'none' } }, { limits, pixels: studio.pixels }, new StageRecorder());
    const a = await raw(withShadow.image.data), b = await raw(without.image.data);
    const s = withShadow.subject;
    const lum = (d: Buffer, x: number, y: number) => d[(y * 1000 + x) * 3]! + d[(y * 1000 + x) * 3 + 1]! + d[(y * 1000 + x) * 3 + 2]!;
    // Just under the base, at the middle of the saucer (its lowest point).
    const under = [s.x + Math.round(s.width * 0.5), s.y + s.height + 2] as const;
    assert.ok(lum(a.data, ...under) < lum(b.data, ...under) - 30, `darker under the base: ${lum(a.data, ...under)} vs ${lum(b.data, ...under)}`);
    assert.equal(lum(a.data, 3, 3), lum(b.data, 3, 3), 'corners untouched');
  });

  test('same seed gives identical pixels; another seed differs', async () => {
    const spec = (seed: number) => parseEditSpec({ background: { type: 'prompt', prompt: 'white marble counter, soft morning light', seed }, layout: { outputSize: '600x600' } });
    const one = await composeEdit(cut, spec(1), { limits, pixels: studio.pixels }, new StageRecorder());
    const again = await composeEdit(cut, spec(1), { limits, pixels: studio.pixels }, new StageRecorder());
    const other = await composeEdit(cut, spec(2), { limits, pixels: studio.pixels }, new StageRecorder());
    assert.ok(one.image.data.equals(again.image.data));
    assert.ok(!one.image.data.equals(other.image.data));
    assert.equal(one.background.seed, 1);
    assert.ok(one.background.understood!.some((u) => u.phrase.includes('marble')));
  });

  test('on a transparent background at 1:1 the output alpha is the cutout alpha', async () => {
    const clear = parseEditSpec({ background: 'transparent', layout: { outputSize: 'original', referenceBox: 'originalImage', padding: 0 } });
    const out = await composeEdit(cut, clear, { limits, pixels: studio.pixels }, new StageRecorder());
    const { data, info } = await raw(out.image.data);
    assert.equal(info.channels, 4);
    let diff = 0;
    for (let i = 0; i < cut.alpha.length; i++) diff = Math.max(diff, Math.abs(data[i * 4 + 3]! - cut.alpha[i]!));
    assert.ok(diff <= 1, `alpha differs by at most 1 level (resampled 1:1), got ${diff}`);
  });

  test('JPEG of a transparent background is laid on the export colour, never black', async () => {
    const job = parseEditSpec({ background: 'transparent', export: { format: 'jpeg', backgroundColor: '#336699' }, layout: { outputSize: '400x400' } });
    const out = await composeEdit(cut, job, { limits, pixels: studio.pixels }, new StageRecorder());
    const { data } = await raw(out.image.data);
    assert.ok(Math.abs(data[0]! - 0x33) < 4 && Math.abs(data[2]! - 0x99) < 4, `corner ${data[0]},${data[1]},${data[2]}`);
  });

  test("the user's own photo as background, fill and fit, with blur", async () => {
    for (const scaling of ['fill', 'fit'] as const) {
      const job = parseEditSpec({ background: { type: 'image', file: photo('chelsea.png'), scaling, blur: 0.5 }, layout: { outputSize: '800x600' }, shadow: 'soft' });
      const bytes = await readInput(photo('chelsea.png'));
      const out = await composeEdit(cut, job, { limits, pixels: studio.pixels, backgroundBytes: bytes }, new StageRecorder());
      assert.equal(out.image.width, 800);
      assert.equal(out.image.height, 600);
    }
  });

  test('a background image that is not an image fails with a coded error before any work', async () => {
    const bogus = path.join(os.tmpdir(), `greenroom-not-an-image-${process.pid}.jpg`);
    fs.writeFileSync(bogus, 'hello');
    try {
      await assert.rejects(studio.edit(COFFEE, { background: `image:${bogus}`, cutout: { quality: 'fast' } }), (e: any) => e.code === 'GREENROOM_ERR_NOT_AN_IMAGE');
      await assert.rejects(studio.edit(COFFEE, { background: 'image:/nope/missing.jpg' }), (e: any) => e.code === 'GREENROOM_ERR_INPUT_NOT_FOUND');
    } finally {
      fs.rmSync(bogus, { force: true });
    }
  });

  test('cropped output frames the subject with its margin', async () => {
    const job = parseEditSpec({ background: 'white', layout: { outputSize: 'cropped', margin: '10%', padding: 0 } });
    const out = await composeEdit(cut, job, { limits, pixels: studio.pixels }, new StageRecorder());
    const found = subjectBox(cut.alpha, cut.decoded.width, cut.decoded.height)!;
    assert.equal(out.image.width, Math.round(found.width * 1.2));
    assert.equal(out.image.height, Math.round(found.height * 1.2));
  });

  test('reuseAlpha: a cutout made earlier is laid on a new background without running the network again', async () => {
    const first = await studio.cutout(COFFEE, { quality: 'fast' });
    const r = await studio.edit(first.image.data, { cutout: { reuseAlpha: true }, background: 'template:studio-grey', layout: { outputSize: '600x600' } });
    assert.ok(!r.stages.some((s) => s.stage === 'segment'), r.stages.map((s) => s.stage).join(','));
    assert.equal(r.image.width, 600);
    assert.ok(r.subject.width > 300);
  });

  test('a 12 MP phone JPEG into 2000x2000 is refined at the size it is placed at, framed as a full-resolution edit within 2 px', async () => {
    const phone = await sharp(COFFEE).resize(4032, 3024, { fit: 'cover', kernel: 'lanczos3' }).jpeg({ quality: 90 }).toBuffer();
    const spec = { background: 'template:white-marble', shadow: 'soft', layout: { outputSize: '2000x2000' }, export: { format: 'jpeg' }, cutout: { quality: 'fast' } } as const;
    const fast = await studio.edit(phone, spec);
    // the same edit composed from a cutout refined at the photo's full 12 MP
    const full = await cutoutStages(phone, { quality: 'fast', refine: true, decontaminate: true }, { segmenter: await studio.segmenter(), pixels: studio.pixels, limits }, new StageRecorder());
    const before = await composeEdit(full, parseEditSpec(spec), { limits, pixels: studio.pixels }, new StageRecorder());
    for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(fast.subject[k] - before.subject[k]) <= 2, `subject ${k}: ${fast.subject[k]} vs ${before.subject[k]}`);
    assert.ok(Math.abs(fast.scale - before.scale) < 0.002, `scale ${fast.scale} vs ${before.scale}`);
    assert.equal(fast.source.width, 4032);
    const a = await raw(fast.image.data);
    const b = await raw(before.image.data);
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff += Math.abs(a.data[i]! - b.data[i]!);
    assert.ok(diff / a.data.length < 2, `mean difference ${(diff / a.data.length).toFixed(2)} levels`);
  });
});

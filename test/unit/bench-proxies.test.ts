// The proxy sets' pure helpers (bench/proxies/) and the matte lab's candidates and table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { steep, toAlpha } from '../../bench/matte-candidates.ts';
import { labMarkdown, subsample, type LabResult } from '../../bench/matte-lab.ts';
import { hiresSizes } from '../../bench/proxies/hires-thin.ts';
import { cordSizes } from '../../bench/proxies/cords.ts';
import { PROXY_SETS } from '../../bench/proxies/sets.ts';
import { frameCutNames } from '../../bench/proxies/frame-cut.ts';
import { alphaBytes, blur, compositeOver, emptyForeground, over, quantiseAlpha } from '../../bench/proxies/raster.ts';
import { rng, seedOf } from '../../bench/proxies/rng.ts';

describe('proxy rng', () => {
  test('is deterministic per seed and stays in range', () => {
    const a = rng(seedOf('chair'));
    const b = rng(seedOf('chair'));
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, rng(seedOf('rack')).next));
    const r = rng(1);
    for (let i = 0; i < 200; i++) {
      const k = r.int(3, 5);
      assert.ok(k >= 3 && k <= 5 && Number.isInteger(k));
    }
  });
});

describe('proxy raster', () => {
  test('blur keeps a constant plane and the total of a dot', () => {
    const size = { width: 40, height: 30 };
    const flat = blur(new Float32Array(1200).fill(0.25), size, 3);
    assert.ok(flat.every((v) => Math.abs(v - 0.25) < 1e-6));
    const dot = new Float32Array(1200);
    dot[15 * 40 + 20] = 1;
    const b = blur(dot, size, 2);
    assert.ok(Math.abs(b.reduce((s, v) => s + v, 0) - 1) < 1e-4);
    assert.ok(b[15 * 40 + 20]! < 0.2);
  });

  test('the image is exactly a*F + (1-a)*B with the 8-bit alpha written as ground truth', () => {
    const n = 256;
    const fg = emptyForeground(n);
    const alpha = new Float32Array(n);
    const rgb = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      alpha[i] = i / 255 + 0.0013 * Math.sin(i);
      rgb.set([200, 100, 30], i * 3);
    }
    over(fg, { alpha: alpha.map((a) => Math.min(1, Math.max(0, a))), rgb });
    quantiseAlpha(fg);
    const bg = new Uint8Array(n * 3).fill(50);
    const img = compositeOver(fg, bg);
    const gt = alphaBytes(fg.alpha);
    for (let i = 0; i < n; i++) {
      const a = gt[i]! / 255;
      assert.equal(img[i * 3], Math.round(a * 200 + (1 - a) * 50));
      assert.equal(img[i * 3 + 2], Math.round(a * 30 + (1 - a) * 50));
    }
  });

  test('two layers over each other compose like Porter-Duff over', () => {
    const fg = emptyForeground(1);
    over(fg, { alpha: new Float32Array([0.5]), rgb: new Float32Array([100, 100, 100]) });
    over(fg, { alpha: new Float32Array([0.5]), rgb: new Float32Array([200, 200, 200]) });
    assert.ok(Math.abs(fg.alpha[0]! - 0.75) < 1e-6);
    assert.ok(Math.abs(fg.premul[0]! - (0.5 * 200 + 0.5 * 0.5 * 100)) < 1e-4);
  });
});

describe('hires-thin sizes', () => {
  test('4-24 MP, median about 8 MP, upsampling factors 3-7, thin and thick wires', () => {
    const s = hiresSizes();
    assert.ok(s.length >= 16 && s.length <= 30);
    const mp = s.map((x) => (x.width * x.height) / 1e6).sort((a, b) => a - b);
    assert.ok(mp[0]! >= 4 && mp[mp.length - 1]! <= 24, `${mp}`);
    const median = (mp[(mp.length - 1) >> 1]! + mp[mp.length >> 1]!) / 2;
    assert.ok(median >= 6.5 && median <= 9, `median ${median}`);
    for (const x of s) {
      const f = Math.max(x.width, x.height) / 1024;
      assert.ok(f >= 3 && f <= 7, `factor ${f}`);
    }
    assert.ok(s.some((x) => x.t <= 2) && s.some((x) => x.t >= 4));
  });
});

describe('issue-16 proxy sets', () => {
  test('cords are 9-13 MP at 4-7x the working size', () => {
    for (const { width, height } of cordSizes()) {
      const f = Math.max(width, height) / 1024;
      assert.ok(f >= 4 && f <= 7, `factor ${f}`);
      assert.ok(width * height >= 9e6 && width * height <= 13e6, `${width}x${height}`);
    }
  });

  test('frame-cut has subjects cut by the frame and busy scenes; every set is registered', () => {
    const names = frameCutNames();
    assert.ok(names.filter((n) => n.startsWith('cut_')).length >= 12);
    assert.ok(names.filter((n) => n.startsWith('scene_')).length >= 5);
    for (const id of ['frame-cut', 'glossy', 'cords', 'foliage']) assert.ok(PROXY_SETS.some((s) => s.id === id), id);
  });
});

describe('matte lab', () => {
  test('steep sharpens around 0.5 and clamps', () => {
    const c = steep(5);
    const photo = { data: new Uint8Array(4 * 3), width: 2, height: 2 };
    const matte = { data: new Float32Array([0.5, 0.6, 0.3, 1]), width: 2, height: 2 };
    const nets = { model: 'isnet', size: 2, matte, at: () => matte, view: () => matte };
    const out = c.predict(photo, nets, { set: 's', name: 'n', factor: 1 }) as Uint8Array;
    assert.deepEqual([...out], [128, 255, 0, 255]);
    assert.deepEqual([...toAlpha(new Float32Array([-1, 0.5, 2]))], [0, 128, 255]);
  });

  test('subsample keeps every k-th item from the first', () => {
    assert.deepEqual(subsample([0, 1, 2, 3, 4, 5, 6], 3), [0, 3, 6]);
    assert.deepEqual(subsample([0, 1], 1), [0, 1]);
  });

  test('the table has a row per candidate, a column per set and the ratios', () => {
    const row = (candidate: string, set: string, bMAE: number, vsPeer: number | null, vsBilinear: number | null) => ({ candidate, set, n: 2, MAE: 0.01, IoU: 0.9, bMAE, vsPeer, vsBilinear, msPerImage: 5, perImage: [] });
    const r: LabResult = {
      date: '2026-11-25T00:00:00Z',
      model: 'isnet',
      size: 1024,
      sets: [{ id: 'small', label: 'proxy', decision: true, n: 2 }, { id: 'composites', label: 'biased', decision: false, n: 2 }],
      candidates: [{ name: 'bilinear', about: 'b' }, { name: 'peer', about: 'p' }],
      rows: [row('bilinear', 'small', 0.1, 0.5, 1), row('peer', 'small', 0.2, 1, 2), row('bilinear', 'composites', 0.1, null, 1)],
      groups: [row('bilinear', 'small/binary', 0.05, 0.5, 1)],
      network: { hits: 4, misses: 0, inferenceSeconds: 0 },
    };
    const md = labMarkdown(r);
    assert.match(md, /\| bilinear \| 0\.0100 \/ 0\.1000 \/ 0\.50x \/ 1\.00x \| 0\.0100 \/ 0\.1000 \/ – \/ 1\.00x \|/);
    assert.match(md, /\| peer \| 0\.0100 \/ 0\.2000 \/ 1\.00x \/ 2\.00x \| – \|/);
    assert.match(md, /composites \* \(n 2\)/);
    assert.match(md, /composites: biased/);
    assert.match(md, /small\/binary \(n 2\)/);
  });
});

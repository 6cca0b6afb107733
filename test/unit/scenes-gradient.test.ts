import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBackground } from '../../src/scenes/index.ts';

function px(rgb: Uint8Array, w: number, x: number, y: number): number[] {
  const o = (y * w + x) * 3;
  return [rgb[o]!, rgb[o + 1]!, rgb[o + 2]!];
}

function rowMean(rgb: Uint8Array, w: number, y: number, c: number): number {
  let s = 0;
  for (let x = 0; x < w; x++) s += rgb[(y * w + x) * 3 + c]!;
  return s / w;
}

describe('gradients', () => {
  const W = 300, H = 1200;
  const top: [number, number, number] = [20, 40, 90], bottom: [number, number, number] = [250, 220, 180];
  const r = renderBackground({ type: 'gradient', kind: 'linear', angle: 180, stops: [{ color: bottom, at: 1 }, { color: top, at: 0 }] }, W, H, 4);

  test('endpoints match the stop colours within dither; angle 180 runs top to bottom', () => {
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(rowMean(r.rgb, W, 0, c) - top[c]!) < 1.5, `top ch${c}`);
      assert.ok(Math.abs(rowMean(r.rgb, W, H - 1, c) - bottom[c]!) < 1.5, `bottom ch${c}`);
    }
    assert.equal(r.horizon, null);
  });

  test('no banding: consecutive rows differ by little and the histogram has no gaps', () => {
    for (let c = 0; c < 3; c++) {
      const means: number[] = [];
      for (let y = 0; y < H; y++) means.push(rowMean(r.rgb, W, y, c));
      for (let y = 1; y < H; y++) assert.ok(Math.abs(means[y]! - means[y - 1]!) < 2, `row ${y} ch${c}`);
      const hist = new Uint32Array(256);
      for (let i = c; i < r.rgb.length; i += 3) hist[r.rgb[i]!]++;
      const lo = Math.min(top[c]!, bottom[c]!) + 2, hi = Math.max(top[c]!, bottom[c]!) - 2;
      for (let v = lo; v <= hi; v++) assert.ok(hist[v]! > 0, `level ${v} missing in ch${c}`);
    }
  });

  test('dither is present (pixels within a row vary) but small (within 1-2 levels of the row mean)', () => {
    const y = 600;
    const m = rowMean(r.rgb, W, y, 1);
    const seen = new Set<number>();
    for (let x = 0; x < W; x++) {
      const v = px(r.rgb, W, x, y)[1]!;
      assert.ok(Math.abs(v - m) <= 2);
      seen.add(v);
    }
    assert.ok(seen.size >= 2);
  });

  test('angle 90 runs left to right', () => {
    const g = renderBackground({ type: 'gradient', kind: 'linear', angle: 90, stops: [{ color: [0, 0, 0], at: 0 }, { color: [255, 255, 255], at: 1 }] }, 400, 50, 1);
    assert.ok(px(g.rgb, 400, 0, 25)[0]! < 3);
    assert.ok(px(g.rgb, 400, 399, 25)[0]! > 252);
  });

  test('radial: centre is the first stop, corners the last; several stops work', () => {
    const stops = [{ color: [255, 255, 255] as const, at: 0 }, { color: [200, 0, 0] as const, at: 0.5 }, { color: [0, 0, 80] as const, at: 1 }];
    const g = renderBackground({ type: 'gradient', kind: 'radial', angle: 0, stops: stops.map((s) => ({ color: [...s.color] as [number, number, number], at: s.at })) }, 301, 301, 1);
    const c = px(g.rgb, 301, 150, 150);
    for (const v of c) assert.ok(v >= 253);
    const k = px(g.rgb, 301, 0, 0);
    assert.ok(Math.abs(k[0]! - 0) <= 2 && Math.abs(k[2]! - 80) <= 2);
  });

  test('interpolation is perceptual (OKLab L = 0.5 is sRGB ~99), neither gamma sRGB (128) nor linear light (188)', () => {
    const g = renderBackground({ type: 'gradient', kind: 'linear', angle: 90, stops: [{ color: [0, 0, 0], at: 0 }, { color: [255, 255, 255], at: 1 }] }, 1001, 4, 1);
    const mid = rowMean(g.rgb.subarray(0), 1001, 2, 0);
    assert.ok(mid > 95 && mid < 118, `row mean ${mid}`);
    const centre = px(g.rgb, 1001, 500, 2)[0]!;
    assert.ok(centre >= 96 && centre <= 102, `midpoint ${centre}`);
  });
});

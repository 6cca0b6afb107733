/** The network's input: interleaved 8-bit RGB to a planar, normalised float tensor. */
import type { ModelSpec } from './manifest.ts';

export function normalizeToTensor(rgb: Uint8Array, size: number, norm: ModelSpec['normalize']): Float32Array {
  const n = size * size;
  const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const mean = norm.mean[c]!;
    const inv = 1 / norm.std[c]!;
    const plane = c * n;
    for (let i = 0; i < n; i++) out[plane + i] = (rgb[i * 3 + c]! - mean) * inv;
  }
  return out;
}

/**
 * Push-pull interpolation (Gortler et al. 1996, "The Lumigraph"): unknown pixels filled smoothly
 * from the known ones around them. Known pixels are averaged down a pyramid with their weights
 * (push), then every level's gaps are filled from the coarser level, interpolated (pull).
 *
 * It is the bench's baseline (a smooth fill keeps the colours and loses the texture), and the
 * engine uses it to spread low-frequency corrections over a hole.
 */

interface WeightedLevel {
  width: number;
  height: number;
  /** Premultiplied values (value x weight), `channels` per pixel. */
  values: Float32Array;
  /** 0..1. */
  weights: Float32Array;
}

/**
 * Fills `values` (width x height x channels, floats) where `known` is 0, in place, and returns it.
 * With `skipLevels` k the gaps are filled from the pyramid's level k (2^k coarser) and up: a
 * smoother fill. Pixels that are known keep their values.
 */
export function pushPull(values: Float32Array, known: Uint8Array, width: number, height: number, channels: number, skipLevels = 0): Float32Array {
  const filled = pulled(values, known, width, height, channels, skipLevels);
  if (!filled) return values;
  for (let i = 0; i < width * height; i++) {
    if (known[i]) continue;
    for (let c = 0; c < channels; c++) values[i * channels + c] = filled[i * channels + c]!;
  }
  return values;
}

/**
 * The smooth field push-pull makes from the known values, at every pixel (known ones too), taken
 * from the pyramid's level `skipLevels` and up: a low-pass interpolation. Null when nothing is known.
 */
export function smoothField(values: Float32Array, known: Uint8Array, width: number, height: number, channels: number, skipLevels: number): Float32Array | null {
  return pulled(values, known, width, height, channels, skipLevels);
}

function pulled(values: Float32Array, known: Uint8Array, width: number, height: number, channels: number, skipLevels: number): Float32Array | null {
  const first: WeightedLevel = { width, height, values: new Float32Array(values.length), weights: new Float32Array(width * height) };
  let anyKnown = false;
  for (let i = 0; i < width * height; i++) {
    if (!known[i]) continue;
    anyKnown = true;
    first.weights[i] = 1;
    for (let c = 0; c < channels; c++) first.values[i * channels + c] = values[i * channels + c]!;
  }
  if (!anyKnown) return null;
  const levels: WeightedLevel[] = [first];
  while (levels[levels.length - 1]!.width > 1 || levels[levels.length - 1]!.height > 1) levels.push(push(levels[levels.length - 1]!, channels));
  // Pull: the coarsest level is complete (every known pixel reached it); fill each finer level's gaps from it.
  let filled = normalised(levels[levels.length - 1]!, channels);
  for (let k = levels.length - 2; k >= 0; k--) {
    const level = levels[k]!;
    const up = upsample(filled, levels[k + 1]!.width, levels[k + 1]!.height, level.width, level.height, channels);
    if (k < skipLevels) {
      filled = up;
      continue;
    }
    const out = new Float32Array(level.width * level.height * channels);
    for (let i = 0; i < level.width * level.height; i++) {
      const w = level.weights[i]!;
      for (let c = 0; c < channels; c++) out[i * channels + c] = level.values[i * channels + c]! + (1 - w) * up[i * channels + c]!;
    }
    filled = out;
  }
  return filled;
}

function push(fine: WeightedLevel, channels: number): WeightedLevel {
  const width = Math.max(1, Math.ceil(fine.width / 2)), height = Math.max(1, Math.ceil(fine.height / 2));
  const values = new Float32Array(width * height * channels), weights = new Float32Array(width * height);
  const sum = new Float32Array(channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let w = 0;
      sum.fill(0);
      for (let dy = 0; dy < 2; dy++) {
        const fy = 2 * y + dy;
        if (fy >= fine.height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx;
          if (fx >= fine.width) continue;
          const j = fy * fine.width + fx;
          w += fine.weights[j]!;
          for (let c = 0; c < channels; c++) sum[c]! += fine.values[j * channels + c]!;
        }
      }
      const i = y * width + x;
      if (w <= 0) continue;
      // Weights saturate at 1, so a coarse pixel over known pixels counts as known.
      const kept = Math.min(1, w);
      weights[i] = kept;
      for (let c = 0; c < channels; c++) values[i * channels + c] = (sum[c]! * kept) / w;
    }
  }
  return { width, height, values, weights };
}

function normalised(level: WeightedLevel, channels: number): Float32Array {
  const out = new Float32Array(level.values.length);
  for (let i = 0; i < level.width * level.height; i++) {
    const w = level.weights[i]!;
    if (w <= 0) continue;
    for (let c = 0; c < channels; c++) out[i * channels + c] = level.values[i * channels + c]! / w;
  }
  return out;
}

/** Bilinear upsampling by about 2 (pixel centres aligned). */
function upsample(src: Float32Array, sw: number, sh: number, dw: number, dh: number, channels: number): Float32Array {
  const out = new Float32Array(dw * dh * channels);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(sh - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(sw - 1, x0 + 1), tx = fx - x0;
      const a = (y0 * sw + x0) * channels, b = (y0 * sw + x1) * channels, c0 = (y1 * sw + x0) * channels, d = (y1 * sw + x1) * channels;
      const o = (y * dw + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top = src[a + c]! + (src[b + c]! - src[a + c]!) * tx;
        const bottom = src[c0 + c]! + (src[d + c]! - src[c0 + c]!) * tx;
        out[o + c] = top + (bottom - top) * ty;
      }
    }
  }
  return out;
}

/** The smooth fill of an 8-bit RGB image's hole (mask nonzero), as a new image: the bench's baseline. */
export function smoothFill(rgb: Uint8Array, mask: Uint8Array, width: number, height: number): Uint8Array {
  const values = Float32Array.from(rgb);
  const known = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) known[i] = mask[i] ? 0 : 1;
  pushPull(values, known, width, height, 3);
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(255, Math.max(0, values[i]!)));
  return out;
}

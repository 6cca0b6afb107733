/**
 * The coarse canvas scenes are painted on, and the one full-resolution pass that turns it into
 * bytes. Scenes evaluate their noise and materials on a grid `factor` times coarser than the
 * output (4 at 2000 px), in linear light. `finish` converts that grid to sRGB once, upsamples it
 * bilinearly, adds per-row perspective fine texture (woven threads, wood fibre) and seeded
 * grain/dither, and writes straight into the output bytes. This pass is the speed budget.
 */
import { linToSrgbFast } from './color.ts';
import { grainTile, tileOffset, TILE_MASK, TILE_BITS, TILE_SCALE } from './dither.ts';

export interface Canvas {
  /** Output size. */
  width: number;
  height: number;
  /** Coarse cell size in output pixels. Coarse sample (i, j) sits on output pixel (i*f, j*f). */
  f: number;
  cw: number;
  ch: number;
  /** cw*ch*3 linear-light RGB. */
  data: Float32Array;
}

/** Full-resolution detail added while upsampling, described per output row. */
export interface FineDetail {
  /** Grain amplitude per output row in sRGB levels (1 = plain +-1 LSB triangular dither). */
  grain: Float32Array;
  /**
   * Optional perspective texture: brightness is multiplied by 1 + amp[y] * lut[u] + off[y], with
   * u = u0[y] + x * du[y] in lut periods (lut has 1024 entries over one period).
   */
  texture: { lut: Float32Array; u0: Float32Array; du: Float32Array; amp: Float32Array; off: Float32Array } | null;
}

/** Coarse cell size for an output size: about 500 coarse samples on the long side. */
export function coarseFactor(width: number, height: number): number {
  return Math.max(1, Math.round(Math.max(width, height) / 500));
}

/** Scratch buffers reused between renders of the same size (rendering is synchronous, nothing escapes). */
const scratch = { canvas: new Float32Array(0), fixed: new Int32Array(0) };

export function createCanvas(width: number, height: number): Canvas {
  const f = coarseFactor(width, height);
  const cw = Math.floor((width - 1) / f) + 2;
  const ch = Math.floor((height - 1) / f) + 2;
  const n = cw * ch * 3;
  if (scratch.canvas.length !== n) scratch.canvas = new Float32Array(n);
  else scratch.canvas.fill(0);
  return { width, height, f, cw, ch, data: scratch.canvas };
}

/**
 * Smooth backdrops are painted on even columns only (their detail is far coarser than a cell);
 * this fills the odd columns of rows [j0, j1) with the mean of their neighbours.
 */
export function fillOddColumns(c: Canvas, j0: number, j1: number): void {
  const d = c.data, cw = c.cw;
  const last = cw - 1;
  for (let j = Math.max(0, j0); j < Math.min(c.ch, j1); j++) {
    const row = j * cw * 3;
    for (let i = 1; i < cw; i += 2) {
      const o = row + i * 3;
      if (i === last) { d[o] = d[o - 3]!; d[o + 1] = d[o - 2]!; d[o + 2] = d[o - 1]!; continue; }
      d[o] = (d[o - 3]! + d[o + 3]!) * 0.5;
      d[o + 1] = (d[o - 2]! + d[o + 4]!) * 0.5;
      d[o + 2] = (d[o - 1]! + d[o + 5]!) * 0.5;
    }
  }
}

export function plainDetail(height: number, grain: number): FineDetail {
  return { grain: new Float32Array(height).fill(grain), texture: null };
}

const LUT_MAX = 16383;
let srgbTable: Int32Array | null = null;
/** Linear 0..1 in 16384 steps -> sRGB level x 256, rounded (+128 so a later >> 8 rounds to nearest). */
function srgbFixedTable(): Int32Array {
  if (srgbTable) return srgbTable;
  const t = new Int32Array(LUT_MAX + 1);
  for (let i = 0; i <= LUT_MAX; i++) t[i] = Math.round(linToSrgbFast(i / LUT_MAX) * 256) + 128;
  srgbTable = t;
  return t;
}

/** Clamp table: index = value + CLAMP_OFFSET (integer sRGB level), result 0..255. */
const CLAMP_OFFSET = 768;
const CLAMP = new Uint8Array(2048);
for (let i = 0; i < CLAMP.length; i++) CLAMP[i] = Math.max(0, Math.min(255, i - CLAMP_OFFSET));
/** Fixed point: levels * 256; texture multipliers * 4096. */
const OFF = CLAMP_OFFSET << 8;

/**
 * Upsample the coarse canvas to width*height*3 sRGB bytes with fine detail and dither. Integer
 * fixed point throughout; each coarse cell is stepped incrementally, and when the cell is 4
 * pixels wide four pixels are packed into three 32-bit words of a row buffer, which is copied
 * into the output once per row (about 15 ms at 2000x2000 on one core).
 */
export function finish(c: Canvas, detail: FineDetail, seed: number): Uint8Array {
  const { width: W, height: H, f, cw } = c;
  const src = c.data;
  // Coarse samples to sRGB levels x 256 (fixed point) through one table lookup each.
  if (scratch.fixed.length !== src.length) scratch.fixed = new Int32Array(src.length);
  const s = scratch.fixed;
  const lut = srgbFixedTable();
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    s[i] = lut[v <= 0 ? 0 : v >= 1 ? LUT_MAX : (v * LUT_MAX + 0.5) | 0]!;
  }

  const out = new Uint8Array(W * H * 3);
  // When rows start on 4-byte boundaries the packed path writes straight into the output.
  const out32 = (W * 3) % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, (W * H * 3) >> 2) : null;
  const stride = cw * 3;
  const rowI = new Int32Array(stride);
  const words = new Uint32Array(cw * f * 3 / 4 + 4);
  const bytes = new Uint8Array(words.buffer);
  const mrow = new Int32Array(cw * f + 4);
  const tile = grainTile();
  const { ox, oy } = tileOffset(seed);
  const tex = detail.texture;
  const cells = Math.ceil(W / f);
  const packed = f === 4;
  const invF = 1 / f;

  for (let y = 0; y < H; y++) {
    const j = Math.floor(y * invF);
    const wy = Math.round(((y - j * f) * 256) / f);
    const b0 = j * stride, b1 = b0 + stride;
    for (let k = 0; k < stride; k++) {
      const a = s[b0 + k]!;
      rowI[k] = a + (((s[b1 + k]! - a) * wy) >> 8);
    }
    const gi = Math.round(detail.grain[y]! * 256 / TILE_SCALE);
    const trow = ((y + oy) & TILE_MASK) << TILE_BITS;
    const hasTex = tex !== null && (tex.amp[y] !== 0 || tex.off[y] !== 0);
    if (hasTex) {
      const lut = tex.lut, amp = tex.amp[y]!, m0 = 1 + tex.off[y]!;
      const du = tex.du[y]! * 1024;
      let u = tex.u0[y]! * 1024;
      for (let x = 0; x < W; x++, u += du) mrow[x] = ((m0 + amp * lut[(u | 0) & 1023]!) * 4096) | 0;
    }
    let x = 0;
    const direct = packed && out32 !== null && W % 4 === 0;
    const dst = direct ? out32! : words;
    const q0 = direct ? (y * W * 3) >> 2 : 0;
    if (packed && !hasTex) {
      let q = q0;
      for (let cell = 0; cell < cells; cell++, x += 4, q += 3) {
        const k = cell * 3;
        let r = rowI[k]! + OFF, g = rowI[k + 1]! + OFF, b = rowI[k + 2]! + OFF;
        const dr = (rowI[k + 3]! - rowI[k]!) >> 2, dg = (rowI[k + 4]! - rowI[k + 1]!) >> 2, db = (rowI[k + 5]! - rowI[k + 2]!) >> 2;
        const t = trow | ((x + ox) & TILE_MASK); // ox is a multiple of 4: t..t+3 stay in the row
        const n0 = tile[t]! * gi, n1 = tile[t + 1]! * gi, n2 = tile[t + 2]! * gi, n3 = tile[t + 3]! * gi;
        const r0 = CLAMP[(r + n0) >> 8]!, g0 = CLAMP[(g + n0) >> 8]!, bb0 = CLAMP[(b + n0) >> 8]!;
        r += dr; g += dg; b += db;
        const r1 = CLAMP[(r + n1) >> 8]!, g1 = CLAMP[(g + n1) >> 8]!, bb1 = CLAMP[(b + n1) >> 8]!;
        r += dr; g += dg; b += db;
        const r2 = CLAMP[(r + n2) >> 8]!, g2 = CLAMP[(g + n2) >> 8]!, bb2 = CLAMP[(b + n2) >> 8]!;
        r += dr; g += dg; b += db;
        const r3 = CLAMP[(r + n3) >> 8]!, g3 = CLAMP[(g + n3) >> 8]!, bb3 = CLAMP[(b + n3) >> 8]!;
        dst[q] = r0 | (g0 << 8) | (bb0 << 16) | (r1 << 24);
        dst[q + 1] = g1 | (bb1 << 8) | (r2 << 16) | (g2 << 24);
        dst[q + 2] = bb2 | (r3 << 8) | (g3 << 16) | (bb3 << 24);
      }
    } else if (packed) {
      let q = q0;
      for (let cell = 0; cell < cells; cell++, x += 4, q += 3) {
        const k = cell * 3;
        let r = rowI[k]!, g = rowI[k + 1]!, b = rowI[k + 2]!;
        const dr = (rowI[k + 3]! - r) >> 2, dg = (rowI[k + 4]! - g) >> 2, db = (rowI[k + 5]! - b) >> 2;
        const t = trow | ((x + ox) & TILE_MASK);
        const n0 = tile[t]! * gi + OFF, n1 = tile[t + 1]! * gi + OFF, n2 = tile[t + 2]! * gi + OFF, n3 = tile[t + 3]! * gi + OFF;
        const m0 = mrow[x]!, m1 = mrow[x + 1]!, m2 = mrow[x + 2]!, m3 = mrow[x + 3]!;
        const r0 = CLAMP[(((r * m0) >> 12) + n0) >> 8]!, g0 = CLAMP[(((g * m0) >> 12) + n0) >> 8]!, bb0 = CLAMP[(((b * m0) >> 12) + n0) >> 8]!;
        r += dr; g += dg; b += db;
        const r1 = CLAMP[(((r * m1) >> 12) + n1) >> 8]!, g1 = CLAMP[(((g * m1) >> 12) + n1) >> 8]!, bb1 = CLAMP[(((b * m1) >> 12) + n1) >> 8]!;
        r += dr; g += dg; b += db;
        const r2 = CLAMP[(((r * m2) >> 12) + n2) >> 8]!, g2 = CLAMP[(((g * m2) >> 12) + n2) >> 8]!, bb2 = CLAMP[(((b * m2) >> 12) + n2) >> 8]!;
        r += dr; g += dg; b += db;
        const r3 = CLAMP[(((r * m3) >> 12) + n3) >> 8]!, g3 = CLAMP[(((g * m3) >> 12) + n3) >> 8]!, bb3 = CLAMP[(((b * m3) >> 12) + n3) >> 8]!;
        dst[q] = r0 | (g0 << 8) | (bb0 << 16) | (r1 << 24);
        dst[q + 1] = g1 | (bb1 << 8) | (r2 << 16) | (g2 << 24);
        dst[q + 2] = bb2 | (r3 << 8) | (g3 << 16) | (bb3 << 24);
      }
    } else {
      let o = 0;
      for (let cell = 0; cell < cells; cell++) {
        const k = cell * 3;
        let r = rowI[k]!, g = rowI[k + 1]!, b = rowI[k + 2]!;
        const dr = (rowI[k + 3]! - r) * invF, dg = (rowI[k + 4]! - g) * invF, db = (rowI[k + 5]! - b) * invF;
        for (let step = 0; step < f; step++, x++, o += 3) {
          const n = tile[trow | ((x + ox) & TILE_MASK)]! * gi + OFF;
          if (hasTex) {
            const m = mrow[x]!;
            bytes[o] = CLAMP[((((r * m) >> 12) | 0) + n) >> 8]!;
            bytes[o + 1] = CLAMP[((((g * m) >> 12) | 0) + n) >> 8]!;
            bytes[o + 2] = CLAMP[((((b * m) >> 12) | 0) + n) >> 8]!;
          } else {
            bytes[o] = CLAMP[((r | 0) + n) >> 8]!;
            bytes[o + 1] = CLAMP[((g | 0) + n) >> 8]!;
            bytes[o + 2] = CLAMP[((b | 0) + n) >> 8]!;
          }
          r += dr; g += dg; b += db;
        }
      }
    }
    if (!(direct && packed)) out.set(bytes.subarray(0, W * 3), y * W * 3);
  }
  return out;
}

/** Mean of the canvas's linear RGB over rows [j0, j1) (coarse rows), as linear triple. */
export function meanLinear(c: Canvas, j0: number, j1: number): [number, number, number] {
  let r = 0, g = 0, b = 0, n = 0;
  const a = Math.max(0, j0), z = Math.min(c.ch - 1, j1);
  for (let j = a; j < z; j++) {
    let o = j * c.cw * 3;
    for (let i = 0; i < c.cw - 1; i++, o += 3) {
      r += c.data[o]!; g += c.data[o + 1]!; b += c.data[o + 2]!; n++;
    }
  }
  return n ? [r / n, g / n, b / n] : [0, 0, 0];
}

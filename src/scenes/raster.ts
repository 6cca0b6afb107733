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

/**
 * An output byte array whose every byte the caller will overwrite. Node's unpooled
 * Buffer.allocUnsafe skips zero-filling and lets the C heap hand back memory that is already
 * mapped; a zeroed Uint8Array of 12 MB costs about 8 ms of page faults on every render. The
 * result is a plain Uint8Array view (not a Buffer, whose slice() would share memory).
 */
export function allocBytes(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
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
/** Texture coordinates wrap at 1024 table entries in 16.16 fixed point. */
const TEX_WRAP = (1024 << 16) - 1;

/**
 * Upsample the coarse canvas to width*height*3 sRGB bytes with fine detail and dither. Integer
 * fixed point throughout; each coarse cell is stepped incrementally, and when the cell is 4
 * pixels wide four pixels are packed into three 32-bit words, written straight into the output
 * when rows are 4-byte aligned. Each kind of row has its own small kernel so V8 optimises each.
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

  const out = allocBytes(W * H * 3);
  const stride = cw * 3;
  const rowI = new Int32Array(stride);
  const words = new Uint32Array(Math.ceil((cw * f * 3) / 4) + 4);
  const bytes = new Uint8Array(words.buffer);
  const mrow = new Int32Array(cw * f + 4);
  const tile = grainTile();
  const { ox, oy } = tileOffset(seed);
  const tex = detail.texture;
  const lutI = tex ? Int32Array.from(tex.lut, (v) => Math.round(v * 4096)) : null;
  const cells = Math.ceil(W / f);
  const packed = f === 4;
  const direct = packed && W % 4 === 0;
  const out32 = direct ? new Uint32Array(out.buffer, out.byteOffset, (W * H * 3) >> 2) : null;
  const invF = 1 / f;

  for (let y = 0; y < H; y++) {
    const j = Math.floor(y * invF);
    const wy = Math.round(((y - j * f) * 256) / f);
    lerpRow(s, rowI, j * stride, stride, wy);
    const gi = Math.round((detail.grain[y]! * 256) / TILE_SCALE);
    const trow = ((y + oy) & TILE_MASK) << TILE_BITS;
    const hasTex = tex !== null && (tex.amp[y] !== 0 || tex.off[y] !== 0);
    let ampI = 0, offI = 0, ui = 0, dui = 0;
    if (hasTex) {
      // Texture coordinate in 16.16 fixed point over the table's 1024 entries, wrapping at its period.
      ampI = Math.round(tex.amp[y]! * 4096);
      offI = Math.round(tex.off[y]! * 4096);
      const u = tex.u0[y]! * 1024;
      ui = Math.round((u - Math.floor(u / 1024) * 1024) * 65536) | 0;
      dui = Math.round(tex.du[y]! * 1024 * 65536) | 0;
      if (!packed) for (let x = 0; x < W; x++, ui = (ui + dui) & TEX_WRAP) mrow[x] = offI + ((ampI * lutI![ui >>> 16]!) >> 12);
    }
    if (packed) {
      const dst = direct ? out32! : words;
      const q0 = direct ? (y * W * 3) >> 2 : 0;
      if (hasTex) packedTexRow(rowI, lutI!, ampI, offI, ui, dui, tile, trow, ox, gi, cells, dst, q0);
      else packedRow(rowI, tile, trow, ox, gi, cells, dst, q0);
      if (!direct) out.set(bytes.subarray(0, W * 3), y * W * 3);
    } else {
      genericRow(rowI, hasTex ? mrow : null, tile, trow, ox, gi, cells, f, invF, bytes);
      out.set(bytes.subarray(0, W * 3), y * W * 3);
    }
  }
  return out;
}

function lerpRow(s: Int32Array, rowI: Int32Array, b0: number, stride: number, wy: number): void {
  const b1 = b0 + stride;
  for (let k = 0; k < stride; k++) {
    const a = s[b0 + k]!;
    rowI[k] = a + (((s[b1 + k]! - a) * wy) >> 8);
  }
}

function packedRow(rowI: Int32Array, tile: Int8Array, trow: number, ox: number, gi: number, cells: number, dst: Uint32Array, q: number): void {
  for (let cell = 0, x = 0; cell < cells; cell++, x += 4, q += 3) {
    const k = cell * 3;
    let r = rowI[k]! + OFF, g = rowI[k + 1]! + OFF, b = rowI[k + 2]! + OFF;
    const dr = (rowI[k + 3]! - rowI[k]!) >> 2, dg = (rowI[k + 4]! - rowI[k + 1]!) >> 2, db = (rowI[k + 5]! - rowI[k + 2]!) >> 2;
    const t = trow | ((x + ox) & TILE_MASK); // ox is a multiple of 4: t..t+3 stay in the row
    const n0 = tile[t]! * gi, n1 = tile[t + 1]! * gi, n2 = tile[t + 2]! * gi, n3 = tile[t + 3]! * gi;
    const r0 = CLAMP[(r + n0) >> 8]!, g0 = CLAMP[(g + n0) >> 8]!, b0 = CLAMP[(b + n0) >> 8]!;
    r += dr; g += dg; b += db;
    const r1 = CLAMP[(r + n1) >> 8]!, g1 = CLAMP[(g + n1) >> 8]!, b1 = CLAMP[(b + n1) >> 8]!;
    r += dr; g += dg; b += db;
    const r2 = CLAMP[(r + n2) >> 8]!, g2 = CLAMP[(g + n2) >> 8]!, b2 = CLAMP[(b + n2) >> 8]!;
    r += dr; g += dg; b += db;
    const r3 = CLAMP[(r + n3) >> 8]!, g3 = CLAMP[(g + n3) >> 8]!, b3 = CLAMP[(b + n3) >> 8]!;
    dst[q] = r0 | (g0 << 8) | (b0 << 16) | (r1 << 24);
    dst[q + 1] = g1 | (b1 << 8) | (r2 << 16) | (g2 << 24);
    dst[q + 2] = b2 | (r3 << 8) | (g3 << 16) | (b3 << 24);
  }
}

/**
 * Textured row: the texture's brightness change is computed once per pixel from the green level
 * (a luminance proxy) and added to all three channels with the grain; the modulation is a few
 * per cent, so the hue shift of doing it additively is invisible.
 */
function packedTexRow(rowI: Int32Array, lutI: Int32Array, ampI: number, offI: number, ui: number, dui: number, tile: Int8Array, trow: number, ox: number, gi: number, cells: number, dst: Uint32Array, q: number): void {
  for (let cell = 0, x = 0; cell < cells; cell++, x += 4, q += 3) {
    const k = cell * 3;
    let r = rowI[k]! + OFF, g = rowI[k + 1]! + OFF, b = rowI[k + 2]! + OFF;
    const g0i = rowI[k + 1]!;
    const dr = (rowI[k + 3]! - rowI[k]!) >> 2, dg = (rowI[k + 4]! - g0i) >> 2, db = (rowI[k + 5]! - rowI[k + 2]!) >> 2;
    const m0 = offI + ((ampI * lutI[ui >>> 16]!) >> 12); ui = (ui + dui) & TEX_WRAP;
    const m1 = offI + ((ampI * lutI[ui >>> 16]!) >> 12); ui = (ui + dui) & TEX_WRAP;
    const m2 = offI + ((ampI * lutI[ui >>> 16]!) >> 12); ui = (ui + dui) & TEX_WRAP;
    const m3 = offI + ((ampI * lutI[ui >>> 16]!) >> 12); ui = (ui + dui) & TEX_WRAP;
    const t = trow | ((x + ox) & TILE_MASK);
    const n0 = tile[t]! * gi + ((g0i * m0) >> 12);
    const n1 = tile[t + 1]! * gi + (((g0i + dg) * m1) >> 12);
    const n2 = tile[t + 2]! * gi + (((g0i + 2 * dg) * m2) >> 12);
    const n3 = tile[t + 3]! * gi + (((g0i + 3 * dg) * m3) >> 12);
    const r0 = CLAMP[(r + n0) >> 8]!, g0 = CLAMP[(g + n0) >> 8]!, b0 = CLAMP[(b + n0) >> 8]!;
    r += dr; g += dg; b += db;
    const r1 = CLAMP[(r + n1) >> 8]!, g1 = CLAMP[(g + n1) >> 8]!, b1 = CLAMP[(b + n1) >> 8]!;
    r += dr; g += dg; b += db;
    const r2 = CLAMP[(r + n2) >> 8]!, g2 = CLAMP[(g + n2) >> 8]!, b2 = CLAMP[(b + n2) >> 8]!;
    r += dr; g += dg; b += db;
    const r3 = CLAMP[(r + n3) >> 8]!, g3 = CLAMP[(g + n3) >> 8]!, b3 = CLAMP[(b + n3) >> 8]!;
    dst[q] = r0 | (g0 << 8) | (b0 << 16) | (r1 << 24);
    dst[q + 1] = g1 | (b1 << 8) | (r2 << 16) | (g2 << 24);
    dst[q + 2] = b2 | (r3 << 8) | (g3 << 16) | (b3 << 24);
  }
}

/** Any cell size: one pixel at a time into the row buffer. */
function genericRow(rowI: Int32Array, mrow: Int32Array | null, tile: Int8Array, trow: number, ox: number, gi: number, cells: number, f: number, invF: number, bytes: Uint8Array): void {
  let o = 0;
  for (let cell = 0, x = 0; cell < cells; cell++) {
    const k = cell * 3;
    let r = rowI[k]!, g = rowI[k + 1]!, b = rowI[k + 2]!;
    const dr = (rowI[k + 3]! - r) * invF, dg = (rowI[k + 4]! - g) * invF, db = (rowI[k + 5]! - b) * invF;
    for (let step = 0; step < f; step++, x++, o += 3) {
      const n = tile[trow | ((x + ox) & TILE_MASK)]! * gi + OFF;
      const m = mrow ? mrow[x]! + 4096 : 4096;
      bytes[o] = CLAMP[((((r * m) / 4096) | 0) + n) >> 8]!;
      bytes[o + 1] = CLAMP[((((g * m) / 4096) | 0) + n) >> 8]!;
      bytes[o + 2] = CLAMP[((((b * m) / 4096) | 0) + n) >> 8]!;
      r += dr; g += dg; b += db;
    }
  }
}

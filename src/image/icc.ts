/**
 * Colour management for inputs that libvips does not convert for us (HEIC, decoded by libheif in
 * WebAssembly): RGB in the photo's own space, described by an ICC profile (matrix and tone curves,
 * as cameras and phones write them: Display P3, Adobe RGB, sRGB) or by an nclx colour box (ITU-T
 * H.273 primaries and transfer), converted to sRGB: each channel linearised by its curve, the
 * primaries mapped through XYZ (D50 for ICC profiles, whose colorants are adapted to it; D65 or the
 * box's white with Bradford adaptation for nclx), then encoded with the sRGB curve. Pure.
 */

/** Row-major 3x3 matrix. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

/** What turns a photo's RGB into sRGB: per-channel linearising tables and a linear-light matrix. */
export interface ToSrgb {
  /** 256 linear values per channel (r, g, b), for 8-bit input. */
  linear: [Float32Array, Float32Array, Float32Array];
  /** Linear source RGB to linear sRGB. */
  matrix: Mat3;
  /** What the source was, for reports: 'Display P3 (ICC)', 'nclx 12/13'... */
  source: string;
}

const D65 = [0.95047, 1, 1.08883] as const;

/** sRGB's colorants adapted to D50, as the ICC sRGB profile (IEC 61966-2.1) holds them: columns R, G, B. */
const SRGB_D50: Mat3 = [0.4360747, 0.3850649, 0.1430804, 0.2225045, 0.7168786, 0.0606169, 0.0139322, 0.0971045, 0.7141733];

function mul(a: Mat3, b: Mat3): Mat3 {
  const o = new Array(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) o[r * 3 + c] += a[r * 3 + k]! * b[k * 3 + c]!;
  return o;
}

function invert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new Error('singular colour matrix');
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

function apply(m: Mat3, v: readonly [number, number, number]): [number, number, number] {
  return [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
}

/** RGB to XYZ for primaries and a white point given as xy chromaticities (columns R, G, B). */
function primariesMatrix(r: [number, number], g: [number, number], b: [number, number], w: [number, number]): Mat3 {
  const xyz = ([x, y]: [number, number]) => [x / y, 1, (1 - x - y) / y] as const;
  const [R, G, B, W] = [xyz(r), xyz(g), xyz(b), xyz(w)];
  const P: Mat3 = [R[0], G[0], B[0], R[1], G[1], B[1], R[2], G[2], B[2]];
  const s = apply(invert(P), W);
  return [P[0] * s[0], P[1] * s[1], P[2] * s[2], P[3] * s[0], P[4] * s[1], P[5] * s[2], P[6] * s[0], P[7] * s[1], P[8] * s[2]];
}

/** Bradford chromatic adaptation between two white points (XYZ). */
function bradford(from: readonly [number, number, number], to: readonly [number, number, number]): Mat3 {
  const M: Mat3 = [0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296];
  const a = apply(M, from), b = apply(M, to);
  const D: Mat3 = [b[0] / a[0], 0, 0, 0, b[1] / a[1], 0, 0, 0, b[2] / a[2]];
  return mul(invert(M), mul(D, M));
}

const SRGB_D65 = primariesMatrix([0.64, 0.33], [0.3, 0.6], [0.15, 0.06], [0.3127, 0.329]);

/** The sRGB transfer curve, encoded value (0..1) to linear. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function table(curve: (v: number) => number): Float32Array {
  return Float32Array.from({ length: 256 }, (_, i) => Math.max(0, curve(i / 255)));
}

// --- ICC --------------------------------------------------------------------------------------

function ascii(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/** A tone curve tag ('curv' or 'para'), as a function of the encoded value 0..1. */
function toneCurve(view: DataView, b: Uint8Array, at: number): ((v: number) => number) | null {
  const type = ascii(b, at);
  if (type === 'curv') {
    const n = view.getUint32(at + 8);
    if (n === 0) return (v) => v;
    if (n === 1) {
      const gamma = view.getUint16(at + 12) / 256;
      return (v) => v ** gamma;
    }
    const t = Array.from({ length: n }, (_, i) => view.getUint16(at + 12 + 2 * i) / 65535);
    return (v) => {
      const f = v * (n - 1), i = Math.min(n - 2, Math.floor(f));
      return t[i]! + (t[i + 1]! - t[i]!) * (f - i);
    };
  }
  if (type === 'para') {
    const fn = view.getUint16(at + 8);
    const counts = [1, 3, 4, 5, 7];
    if (fn > 4) return null;
    const p = Array.from({ length: counts[fn]! }, (_, i) => view.getInt32(at + 12 + 4 * i) / 65536);
    const [g, a = 1, bb = 0, c = 0, d = 0, e = 0, f = 0] = p as [number, number?, number?, number?, number?, number?, number?];
    switch (fn) {
      case 0:
        return (v) => v ** g;
      case 1:
        return (v) => (v >= -bb / a ? (a * v + bb) ** g : 0);
      case 2:
        return (v) => (v >= -bb / a ? (a * v + bb) ** g + c : c);
      case 3:
        return (v) => (v >= d ? (a * v + bb) ** g : c * v);
      default:
        return (v) => (v >= d ? (a * v + bb) ** g + e : c * v + f);
    }
  }
  return null;
}

/**
 * The conversion of an RGB ICC profile with colorants and tone curves (matrix/TRC, the kind
 * cameras and phones embed) to sRGB; null for a profile of another kind (a lookup-table profile,
 * a CMYK or grey one), which the caller must refuse or pass through.
 */
export function iccToSrgb(icc: Uint8Array): ToSrgb | null {
  if (icc.length < 132 || ascii(icc, 36) !== 'acsp' || ascii(icc, 16) !== 'RGB ' || ascii(icc, 20) !== 'XYZ ') return null;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const tags = new Map<string, number>();
  const count = view.getUint32(128);
  for (let i = 0; i < count && 132 + 12 * i + 12 <= icc.length; i++) tags.set(ascii(icc, 132 + 12 * i), view.getUint32(132 + 12 * i + 4));
  const colorant = (sig: string): [number, number, number] | null => {
    const at = tags.get(sig);
    if (at === undefined || at + 20 > icc.length || ascii(icc, at) !== 'XYZ ') return null;
    return [view.getInt32(at + 8) / 65536, view.getInt32(at + 12) / 65536, view.getInt32(at + 16) / 65536];
  };
  const [r, g, b] = [colorant('rXYZ'), colorant('gXYZ'), colorant('bXYZ')];
  const curves = ['rTRC', 'gTRC', 'bTRC'].map((sig) => (tags.has(sig) && tags.get(sig)! < icc.length ? toneCurve(view, icc, tags.get(sig)!) : null));
  if (!r || !g || !b || curves.some((c) => !c)) return null;
  const toXyz: Mat3 = [r[0], g[0], b[0], r[1], g[1], b[1], r[2], g[2], b[2]];
  const description = profileDescription(icc, view, tags.get('desc'));
  return {
    linear: [table(curves[0]!), table(curves[1]!), table(curves[2]!)],
    matrix: mul(invert(SRGB_D50), toXyz),
    source: `${description ?? 'RGB'} (ICC)`,
  };
}

/** The profile's description ('Display P3'), from a v2 'desc' or a v4 'mluc' tag. */
function profileDescription(b: Uint8Array, view: DataView, at: number | undefined): string | undefined {
  if (at === undefined || at + 12 > b.length) return undefined;
  const type = ascii(b, at);
  if (type === 'desc') {
    const n = view.getUint32(at + 8);
    return String.fromCharCode(...b.subarray(at + 12, Math.min(b.length, at + 12 + n))).replace(/\0+$/, '');
  }
  if (type === 'mluc' && view.getUint32(at + 8) > 0) {
    const len = view.getUint32(at + 20), off = view.getUint32(at + 24);
    let s = '';
    for (let i = 0; i + 1 < len && at + off + i + 1 < b.length; i += 2) s += String.fromCharCode(view.getUint16(at + off + i));
    return s;
  }
  return undefined;
}

// --- nclx (ITU-T H.273) -------------------------------------------------------------------------

/** Colour primaries by H.273 code: red, green, blue, white (xy). */
const PRIMARIES: Record<number, [[number, number], [number, number], [number, number], [number, number]]> = {
  1: [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06], [0.3127, 0.329]], // BT.709, sRGB
  5: [[0.64, 0.33], [0.29, 0.6], [0.15, 0.06], [0.3127, 0.329]], // BT.601 625
  6: [[0.63, 0.34], [0.31, 0.595], [0.155, 0.07], [0.3127, 0.329]], // BT.601 525
  7: [[0.63, 0.34], [0.31, 0.595], [0.155, 0.07], [0.3127, 0.329]], // SMPTE 240M
  9: [[0.708, 0.292], [0.17, 0.797], [0.131, 0.046], [0.3127, 0.329]], // BT.2020
  11: [[0.68, 0.32], [0.265, 0.69], [0.15, 0.06], [0.314, 0.351]], // DCI-P3 (theatre white)
  12: [[0.68, 0.32], [0.265, 0.69], [0.15, 0.06], [0.3127, 0.329]], // Display P3 (P3 D65)
};

/** Transfer characteristics by H.273 code: encoded 0..1 to linear. */
function transferCurve(code: number): (v: number) => number {
  const bt709 = (v: number) => (v < 0.081 ? v / 4.5 : ((v + 0.099) / 1.099) ** (1 / 0.45));
  switch (code) {
    case 1:
    case 6:
    case 14:
    case 15:
      return bt709;
    case 4:
      return (v) => v ** 2.2;
    case 5:
      return (v) => v ** 2.8;
    case 8:
      return (v) => v;
    default:
      // 13 (sRGB), 2 (unspecified), and HDR curves, which a still SDR photo never uses
      return srgbToLinear;
  }
}

/** The conversion for an nclx colour box; null when its primaries are not known here. */
export function nclxToSrgb(primaries: number, transfer: number): ToSrgb | null {
  const p = PRIMARIES[primaries === 2 ? 1 : primaries];
  if (!p) return null;
  const toXyz = primariesMatrix(...p);
  const white = apply(toXyz, [1, 1, 1]);
  const adapted = Math.abs(white[0] - D65[0]) + Math.abs(white[2] - D65[2]) > 1e-3 ? mul(bradford(white, D65), toXyz) : toXyz;
  const curve = table(transferCurve(transfer));
  return { linear: [curve, curve, curve], matrix: mul(invert(SRGB_D65), adapted), source: `nclx primaries ${primaries}, transfer ${transfer}` };
}

/** True when converting would change nothing visible: sRGB (or close to it) already. */
export function isSrgb(t: ToSrgb): boolean {
  const identity = t.matrix.every((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0)) < 2e-3);
  if (!identity) return false;
  const srgb = table(srgbToLinear);
  return t.linear.every((lut) => lut.every((v, i) => Math.abs(v - srgb[i]!) < 2e-3));
}

/** linear 0..1 (4096 steps) to 8-bit sRGB. */
const ENCODE = Uint8Array.from({ length: 4097 }, (_, i) => {
  const v = i / 4096;
  return Math.round(255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055));
});

/**
 * Interleaved RGBA (`stride` 4) or RGB (3) in the source space to sRGB, written as interleaved RGB
 * into `out` (n pixels). Out-of-gamut colours (a P3 red beyond sRGB's) are clipped per channel.
 */
export function convertToSrgb(src: Uint8Array, stride: 3 | 4, n: number, t: ToSrgb, out: Uint8Array): void {
  const [lr, lg, lb] = t.linear;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = t.matrix;
  for (let i = 0, s = 0, d = 0; i < n; i++, s += stride, d += 3) {
    const r = lr[src[s]!]!, g = lg[src[s + 1]!]!, b = lb[src[s + 2]!]!;
    const R = m0 * r + m1 * g + m2 * b, G = m3 * r + m4 * g + m5 * b, B = m6 * r + m7 * g + m8 * b;
    out[d] = ENCODE[R <= 0 ? 0 : R >= 1 ? 4096 : (R * 4096 + 0.5) | 0]!;
    out[d + 1] = ENCODE[G <= 0 ? 0 : G >= 1 ? 4096 : (G * 4096 + 0.5) | 0]!;
    out[d + 2] = ENCODE[B <= 0 ? 0 : B >= 1 ? 4096 : (B * 4096 + 0.5) | 0]!;
  }
}


/**
 * Raster helpers for the proxy sets: exact anti-aliased coverage from SVG (librsvg through
 * sharp), blurs, shading, layered compositing in premultiplied float, camera noise, encoding.
 * Alpha planes are Float32Array in 0..1; colour planes are interleaved RGB.
 */
import sharp from 'sharp';
import type { Rng } from './rng.ts';

export interface Size {
  width: number;
  height: number;
}

/** Coverage (0..1) of an SVG body drawn in white on transparent at width x height pixels. */
export async function coverage(body: string, { width, height }: Size): Promise<Float32Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
  const a = await sharp(Buffer.from(svg), { limitInputPixels: false, unlimited: true }).ensureAlpha().extractChannel(3).raw().toBuffer();
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! / 255;
  return out;
}

/** One box-blur pass of radius r along rows (stride 1) or columns, in place via a scratch line. */
function boxPass(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, horizontal: boolean): void {
  const len = horizontal ? w : h;
  const lines = horizontal ? h : w;
  const step = horizontal ? 1 : w;
  const norm = 1 / (2 * r + 1);
  for (let l = 0; l < lines; l++) {
    const base = horizontal ? l * w : l;
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += src[base + Math.min(len - 1, Math.max(0, k)) * step]!;
    for (let i = 0; i < len; i++) {
      dst[base + i * step] = acc * norm;
      const add = Math.min(len - 1, i + r + 1);
      const sub = Math.max(0, i - r);
      acc += src[base + add * step]! - src[base + sub * step]!;
    }
  }
}

/** Gaussian-like blur (three box passes each way) of a single plane; sigma in pixels. */
export function blur(plane: Float32Array, { width, height }: Size, sigma: number): Float32Array {
  if (sigma < 0.3) return plane.slice();
  // Box radius for 3 passes approximating a Gaussian of this sigma.
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  let a = plane.slice();
  let b = new Float32Array(plane.length);
  for (let p = 0; p < 3; p++) {
    boxPass(a, b, width, height, r, true);
    [a, b] = [b, a];
    boxPass(a, b, width, height, r, false);
    [a, b] = [b, a];
  }
  return a;
}

/** Motion blur: the mean of `taps` copies shifted along (dx, dy) in total, bilinear. */
export function motionBlur(plane: Float32Array, { width, height }: Size, dx: number, dy: number, taps = 24): Float32Array {
  const out = new Float32Array(plane.length);
  for (let t = 0; t < taps; t++) {
    const f = taps === 1 ? 0 : t / (taps - 1) - 0.5;
    const ox = dx * f;
    const oy = dy * f;
    const ix = Math.floor(ox);
    const iy = Math.floor(oy);
    const fx = ox - ix;
    const fy = oy - iy;
    for (let y = 0; y < height; y++) {
      const y0 = Math.min(height - 1, Math.max(0, y + iy));
      const y1 = Math.min(height - 1, Math.max(0, y + iy + 1));
      for (let x = 0; x < width; x++) {
        const x0 = Math.min(width - 1, Math.max(0, x + ix));
        const x1 = Math.min(width - 1, Math.max(0, x + ix + 1));
        const top = plane[y0 * width + x0]! * (1 - fx) + plane[y0 * width + x1]! * fx;
        const bot = plane[y1 * width + x0]! * (1 - fx) + plane[y1 * width + x1]! * fx;
        out[y * width + x]! += (top * (1 - fy) + bot * fy) / taps;
      }
    }
  }
  return out;
}

/** A layer: coverage (0..1) and straight colour (RGB floats 0..255, interleaved). */
export interface Layer {
  alpha: Float32Array;
  rgb: Float32Array;
}

/** Premultiplied accumulation of layers, bottom first: the foreground's alpha and premultiplied colour. */
export interface Foreground {
  alpha: Float32Array;
  premul: Float32Array;
}

export function emptyForeground(n: number): Foreground {
  return { alpha: new Float32Array(n), premul: new Float32Array(n * 3) };
}

/** Lays `layer` over `fg` (Porter-Duff over, premultiplied). */
export function over(fg: Foreground, layer: Layer): void {
  const { alpha, rgb } = layer;
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    if (a <= 0) continue;
    const k = 1 - a;
    fg.alpha[i] = a + k * fg.alpha[i]!;
    for (let c = 0; c < 3; c++) fg.premul[i * 3 + c] = a * rgb[i * 3 + c]! + k * fg.premul[i * 3 + c]!;
  }
}

/** Blurs a foreground as a defocused or moving object does: alpha and premultiplied colour alike. */
export function blurForeground(fg: Foreground, size: Size, op: (p: Float32Array) => Float32Array): Foreground {
  const n = size.width * size.height;
  const alpha = op(fg.alpha);
  const premul = new Float32Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const ch = new Float32Array(n);
    for (let i = 0; i < n; i++) ch[i] = fg.premul[i * 3 + c]!;
    const b = op(ch);
    for (let i = 0; i < n; i++) premul[i * 3 + c] = b[i]!;
  }
  return { alpha, premul };
}

/**
 * Lambert and Phong shading of a coverage plane treated as a height field (blurred by `sigma`):
 * thin parts look like round wire, filled parts like a gently bevelled solid. Returns a per-pixel
 * [diffuse factor, specular 0..1] pair plane of length 2n.
 */
export function shading(alpha: Float32Array, size: Size, sigma: number, light: [number, number, number], shininess = 24, relief = 1): Float32Array {
  const { width: w, height: h } = size;
  const hgt = blur(alpha, size, sigma);
  const [lx0, ly0, lz0] = light;
  const ln = Math.hypot(lx0, ly0, lz0);
  const lx = lx0 / ln;
  const ly = ly0 / ln;
  const lz = lz0 / ln;
  // Half vector with the viewer at +z.
  const hn = Math.hypot(lx, ly, lz + 1);
  const hx = lx / hn;
  const hy = ly / hn;
  const hz = (lz + 1) / hn;
  const out = new Float32Array(w * h * 2);
  const k = relief * sigma * 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (alpha[i] === 0) continue;
      const gx = (hgt[y * w + Math.min(w - 1, x + 1)]! - hgt[y * w + Math.max(0, x - 1)]!) * 0.5 * k;
      const gy = (hgt[Math.min(h - 1, y + 1) * w + x]! - hgt[Math.max(0, y - 1) * w + x]!) * 0.5 * k;
      const nn = Math.hypot(gx, gy, 1);
      const nx = -gx / nn;
      const ny = -gy / nn;
      const nz = 1 / nn;
      const diff = Math.max(0, nx * lx + ny * ly + nz * lz);
      const spec = Math.pow(Math.max(0, nx * hx + ny * hy + nz * hz), shininess);
      out[i * 2] = diff;
      out[i * 2 + 1] = spec;
    }
  }
  return out;
}

/** Final image: I = premul + (1 - a) * B per pixel, rounded; the background is straight RGB bytes. */
export function compositeOver(fg: Foreground, background: Uint8Array): Uint8Array {
  const n = fg.alpha.length;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const k = 1 - fg.alpha[i]!;
    for (let c = 0; c < 3; c++) {
      const v = fg.premul[i * 3 + c]! + k * background[i * 3 + c]!;
      out[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return out;
}

/** Darkens the background under a soft, offset copy of the object's alpha (a contact or cast shadow). */
export function castShadow(background: Uint8Array, alpha: Float32Array, size: Size, dx: number, dy: number, sigma: number, strength: number): void {
  const { width: w, height: h } = size;
  const shifted = new Float32Array(w * h);
  const ix = Math.round(dx);
  const iy = Math.round(dy);
  for (let y = 0; y < h; y++) {
    const sy = y - iy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x - ix;
      if (sx >= 0 && sx < w) shifted[y * w + x] = alpha[sy * w + sx]!;
    }
  }
  const s = blur(shifted, size, sigma);
  for (let i = 0; i < w * h; i++) {
    const k = 1 - strength * Math.min(1, s[i]!);
    for (let c = 0; c < 3; c++) background[i * 3 + c] = Math.round(background[i * 3 + c]! * k);
  }
}

/** Sensor-like noise (luma-weighted Gaussian, sigma in 8-bit levels) and a soft vignette, in place. */
export function camera(rgb: Uint8Array, { width: w, height: h }: Size, r: Rng, noise: number, vignette: number): void {
  // A table of normal deviates walked by a cheap generator: per-pixel Box-Muller is the slowest step at 19 MP.
  const table = new Float32Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = r.normal() * noise;
  let s = (r.next() * 4294967296) >>> 0;
  const nextIdx = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) & 0xffff;
  };
  const cx = w / 2;
  const cy = h / 2;
  const rr = cx * cx + cy * cy;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const v = 1 - vignette * (((x - cx) ** 2 + (y - cy) ** 2) / rr);
      const l = table[nextIdx()]!;
      for (let c = 0; c < 3; c++) {
        const val = rgb[i + c]! * v + l + table[nextIdx()]! * 0.5;
        rgb[i + c] = val < 0 ? 0 : val > 255 ? 255 : Math.round(val);
      }
    }
  }
}

/**
 * The camera's optics: a Gaussian point-spread of sigma px over the finished image, in place. A
 * binary-mask set pairs such a photo with the object's sharp silhouette (`binaryBytes`), as its
 * annotators do: the photo's edge is a few pixels wide, the mask's is not.
 */
export async function optics(rgb: Uint8Array, { width, height }: Size, sigma: number): Promise<void> {
  if (sigma < 0.3) return;
  rgb.set(await sharp(rgb, { raw: { width, height, channels: 3 } }).blur(sigma).raw().toBuffer());
}

/**
 * Fine detail of a real texture (its band-pass, normalised to unit deviation) added to the whole
 * image at `amplitude` 8-bit levels: the pixel-level texture a real large photo has everywhere and
 * an upscaled one lacks.
 */
export function addDetail(rgb: Uint8Array, size: Size, texture: Uint8Array, amplitude: number): void {
  const n = size.width * size.height;
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = texture[i * 3]!;
  const fine = blur(g, size, 0.7);
  const coarse = blur(g, size, 4);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = fine[i]! - coarse[i]!;
    g[i] = d;
    ss += d * d;
  }
  const k = amplitude / Math.max(1e-6, Math.sqrt(ss / n));
  for (let i = 0; i < n; i++) {
    const d = g[i]! * k;
    for (let c = 0; c < 3; c++) {
      const v = rgb[i * 3 + c]! + d;
      rgb[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
}

/** The object's sharp silhouette: coverage of at least one half is the object. */
export function binaryBytes(alpha: Float32Array): Uint8Array {
  const out = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) out[i] = alpha[i]! >= 0.5 ? 255 : 0;
  return out;
}

export function alphaBytes(alpha: Float32Array): Uint8Array {
  const out = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, alpha[i]!)) * 255);
  return out;
}

/** Re-quantises a foreground's alpha to 8 bits so that the ground truth is exactly the alpha composited. */
export function quantiseAlpha(fg: Foreground): void {
  for (let i = 0; i < fg.alpha.length; i++) {
    const a = fg.alpha[i]!;
    const q = Math.round(Math.min(1, Math.max(0, a)) * 255) / 255;
    if (q === a) continue;
    // Keep the straight colour: scale the premultiplied colour with the alpha.
    const k = a > 0 ? q / a : 0;
    fg.alpha[i] = q;
    for (let c = 0; c < 3; c++) fg.premul[i * 3 + c]! *= k;
  }
}

export async function encodePng(data: Uint8Array, { width, height }: Size, channels: 1 | 3): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels } }).png({ compressionLevel: 6 }).toBuffer();
}

export async function encodeJpeg(rgb: Uint8Array, { width, height }: Size, quality: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false }).toBuffer();
}

/** An RGB image blurred by sharp (a studio sweep, an out-of-focus scene). */
export async function defocusRgb(rgb: Uint8Array, { width, height }: Size, sigma: number): Promise<Uint8Array> {
  if (sigma < 0.3) return rgb;
  return new Uint8Array(await sharp(rgb, { raw: { width, height, channels: 3 } }).blur(sigma).raw().toBuffer());
}

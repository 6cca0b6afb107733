/**
 * Colours for the transparent pixels of a cutout, pulled in from the subject (push-pull: colour
 * sums weighted by alpha averaged down a pyramid, then each level's holes filled from the level
 * above). For a colour image stored apart from its alpha (remove.bg's zip colour JPEG): no
 * background colour is kept, and the subject's colours run on smoothly past its edge, so the JPEG
 * has no hard step there to ring around and bleed into the soft pixels.
 */

/** A copy of `rgb` with every pixel whose alpha is 0 given its surroundings' colour (pixels with alpha > 0 unchanged). */
export function extendColours(rgb: Uint8Array, alpha: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(rgb);
  // Level 1 (half size) is built straight from the bytes: a full-size float copy of a 12 MP photo would take 200 MB.
  let w = Math.max(1, Math.ceil(width / 2));
  let h = Math.max(1, Math.ceil(height / 2));
  const levels: { w: number; h: number; c: Float32Array; wt: Float32Array }[] = [];
  let c = new Float32Array(w * h * 3);
  let wt = new Float32Array(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = alpha[i]! / 255;
      if (a === 0) continue;
      const j = (y >> 1) * w + (x >> 1);
      wt[j] += a;
      c[j * 3] += rgb[i * 3]! * a;
      c[j * 3 + 1] += rgb[i * 3 + 1]! * a;
      c[j * 3 + 2] += rgb[i * 3 + 2]! * a;
    }
  }
  levels.push({ w, h, c, wt });
  while (w > 1 || h > 1) {
    const pw = w, ph = h, pc = c, pwt = wt;
    w = Math.max(1, Math.ceil(w / 2));
    h = Math.max(1, Math.ceil(h / 2));
    c = new Float32Array(w * h * 3);
    wt = new Float32Array(w * h);
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const i = y * pw + x;
        if (pwt[i] === 0) continue;
        const j = (y >> 1) * w + (x >> 1);
        wt[j] += pwt[i]!;
        c[j * 3] += pc[i * 3]!;
        c[j * 3 + 1] += pc[i * 3 + 1]!;
        c[j * 3 + 2] += pc[i * 3 + 2]!;
      }
    }
    levels.push({ w, h, c, wt });
  }
  // Pull: each level's colour (sums normalised), holes and thin spots taken from the level above.
  for (let l = levels.length - 1; l >= 0; l--) {
    const L = levels[l]!;
    const up = levels[l + 1];
    for (let y = 0; y < L.h; y++) {
      for (let x = 0; x < L.w; x++) {
        const j = y * L.w + x;
        const s = L.wt[j]!;
        const k = s >= 1 ? 0 : 1 - s;
        const p = up ? ((y >> 1) * up.w + (x >> 1)) * 3 : -1;
        for (let ch = 0; ch < 3; ch++) {
          const parent = p >= 0 ? up!.c[p + ch]! : 0;
          L.c[j * 3 + ch] = (L.c[j * 3 + ch]! + k * parent) / (s + k || 1);
        }
        L.wt[j] = 1;
      }
    }
  }
  const top = levels[0]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (alpha[i] !== 0) continue;
      const j = ((y >> 1) * top.w + (x >> 1)) * 3;
      out[i * 3] = Math.round(top.c[j]!);
      out[i * 3 + 1] = Math.round(top.c[j + 1]!);
      out[i * 3 + 2] = Math.round(top.c[j + 2]!);
    }
  }
  return out;
}

/** Scores of a touched-up matte against the truth, for bench/touchup.ts. */

export interface TouchupScore {
  /** Mean |alpha - truth| over the damaged pixels (|alpha0 - truth| > 2/255), before and after, 0..1. */
  damageBefore: number;
  damageAfter: number;
  /** Share of the damage (summed error) removed. */
  fixed: number;
  /** Pixels the matte had right that the touch-up moved by more than 0.1 (a leak). */
  leaked: number;
  /** Summed |alpha - truth| over the frame, in thousands (SAD/1000, as matting benchmarks report it). */
  sad: number;
  /** Mean |alpha - truth| over the soft edge pixels of the truth within the damage (how well the new edges follow the photo). */
  edgeAfter: number;
}

export function scoreTouchup(alpha0: Uint8Array, alpha: Uint8Array, truth: Uint8Array, width: number, height: number): TouchupScore {
  const n = width * height;
  const damaged = new Uint8Array(n);
  let dmgN = 0, before = 0, after = 0, sad = 0, leaked = 0, edgeN = 0, edge = 0;
  for (let i = 0; i < n; i++) {
    const e0 = Math.abs(alpha0[i]! - truth[i]!) / 255;
    const e1 = Math.abs(alpha[i]! - truth[i]!) / 255;
    sad += e1;
    if (e0 > 2 / 255) {
      damaged[i] = 1;
      dmgN++;
      before += e0;
      after += e1;
    } else if (Math.abs(alpha[i]! - alpha0[i]!) > 25) leaked++;
  }
  // Edge pixels of the truth (soft, or next to a different value) that lie in or next to the damage.
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const t = truth[i]!;
      const soft = (t > 0 && t < 255) || truth[i - 1] !== t || truth[i + 1] !== t || truth[i - width] !== t || truth[i + width] !== t;
      if (!soft) continue;
      if (!(damaged[i] || damaged[i - 1] || damaged[i + 1] || damaged[i - width] || damaged[i + width])) continue;
      edgeN++;
      edge += Math.abs(alpha[i]! - t) / 255;
    }
  }
  return {
    damageBefore: dmgN ? before / dmgN : 0,
    damageAfter: dmgN ? after / dmgN : 0,
    fixed: before > 0 ? 1 - after / before : 1,
    leaked,
    sad: sad / 1000,
    edgeAfter: edgeN ? edge / edgeN : 0,
  };
}

/** Tiny SVG element builders (white on transparent: only coverage matters), pixel coordinates. */
export const f = (v: number) => (Math.round(v * 100) / 100).toString();

export function line(x1: number, y1: number, x2: number, y2: number, w: number, opacity = 1): string {
  return `<line x1="${f(x1)}" y1="${f(y1)}" x2="${f(x2)}" y2="${f(y2)}" stroke="#fff" stroke-width="${f(w)}" stroke-linecap="round"${opacity < 1 ? ` stroke-opacity="${f(opacity)}"` : ''}/>`;
}

export function stroke(d: string, w: number, opacity = 1, cap: 'round' | 'butt' = 'round'): string {
  return `<path d="${d}" fill="none" stroke="#fff" stroke-width="${f(w)}" stroke-linecap="${cap}" stroke-linejoin="round"${opacity < 1 ? ` stroke-opacity="${f(opacity)}"` : ''}/>`;
}

export function fill(d: string, opacity = 1, rule: 'evenodd' | 'nonzero' = 'evenodd'): string {
  return `<path d="${d}" fill="#fff" fill-rule="${rule}"${opacity < 1 ? ` fill-opacity="${f(opacity)}"` : ''}/>`;
}

export function ellipse(cx: number, cy: number, rx: number, ry: number, w: number | null, rotate = 0, opacity = 1): string {
  const paint = w === null ? `fill="#fff"${opacity < 1 ? ` fill-opacity="${f(opacity)}"` : ''}` : `fill="none" stroke="#fff" stroke-width="${f(w)}"${opacity < 1 ? ` stroke-opacity="${f(opacity)}"` : ''}`;
  return `<ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx)}" ry="${f(ry)}" ${paint}${rotate ? ` transform="rotate(${f(rotate)} ${f(cx)} ${f(cy)})"` : ''}/>`;
}

/** A polyline path through points. */
export function poly(points: ReadonlyArray<readonly [number, number]>, close = false): string {
  return points.map(([x, y], i) => `${i ? 'L' : 'M'}${f(x)} ${f(y)}`).join(' ') + (close ? ' Z' : '');
}

/** Points along a cubic Bezier. */
export function bezier(p0: readonly [number, number], p1: readonly [number, number], p2: readonly [number, number], p3: readonly [number, number], steps: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const u = 1 - t;
    out.push([
      u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0],
      u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1],
    ]);
  }
  return out;
}

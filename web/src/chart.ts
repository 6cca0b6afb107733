/**
 * The energy chart: joules per image, stacked by stage, and the batch's cumulative watt-hours
 * beside what the same number of generated images would take (Luccioni et al. 2023: 2.907 kWh
 * per 1,000), on a log scale because they are three orders of magnitude apart.
 */

export const REFERENCE_J = 10465.2;

const STAGE_COLOURS: Record<string, string> = {
  decode: '#9aa5b1', segment: '#2f7d5b', refine: '#58a27c', hints: '#8e6bbf', scene: '#d6a84f', layout: '#c58b3a', shadow: '#7a6a58', compose: '#b5835a', encode: '#6c7a89', 'batch cutout': '#3f7396',
};

export interface ImageEnergy {
  name: string;
  joules: number;
  stages: Record<string, number>;
}

export function drawChart(canvas: HTMLCanvasElement, images: readonly ImageEnergy[]): void {
  const ratio = window.devicePixelRatio || 1;
  const cssW = canvas.clientWidth || 720;
  // Narrow screens: the two panels one above the other.
  const narrow = cssW < 560;
  const cssH = narrow ? 440 : 260;
  canvas.style.height = `${cssH}px`;
  canvas.width = cssW * ratio;
  canvas.height = cssH * ratio;
  const g = canvas.getContext('2d')!;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, cssW, cssH);
  g.font = '12px system-ui, sans-serif';
  g.fillStyle = '#1d2a24';

  // Left: joules per image by stage.
  const barsW = narrow ? cssW - 50 : Math.min(cssW * 0.55, cssW - 220);
  const top = 24, bottom = narrow ? 200 : cssH - 40, left = 40;
  const maxJ = Math.max(1, ...images.map((i) => i.joules));
  g.fillText('Joules per image, by stage', left, 14);
  g.strokeStyle = '#c9d2cc';
  g.beginPath();
  g.moveTo(left, top);
  g.lineTo(left, bottom);
  g.lineTo(left + barsW, bottom);
  g.stroke();
  g.fillText(`${maxJ.toFixed(1)} J`, 2, top + 10);
  g.fillText('0', 26, bottom);
  const slot = barsW / Math.max(1, images.length);
  const bw = Math.max(4, Math.min(36, slot * 0.7));
  images.forEach((img, i) => {
    const x = left + i * slot + (slot - bw) / 2;
    let y = bottom;
    const parts = Object.keys(img.stages).length ? Object.entries(img.stages) : [['total', img.joules] as const];
    for (const [stage, j] of parts) {
      const h = ((bottom - top) * j) / maxJ;
      g.fillStyle = STAGE_COLOURS[stage] ?? '#2f7d5b';
      g.fillRect(x, y - h, bw, h);
      y -= h;
    }
  });
  // Legend, wrapping under the bars.
  let lx = left, ly = bottom + 14;
  for (const [stage, colour] of Object.entries(STAGE_COLOURS)) {
    if (!images.some((i) => stage in i.stages)) continue;
    const w = g.measureText(stage).width + 26;
    if (lx + w > left + barsW + 10) {
      lx = left;
      ly += 16;
    }
    g.fillStyle = colour;
    g.fillRect(lx, ly, 10, 10);
    g.fillStyle = '#1d2a24';
    g.fillText(stage, lx + 13, ly + 9);
    lx += w;
  }

  // Right: cumulative Wh, log scale, against generated images.
  const x0 = narrow ? 10 : left + barsW + 40, x1 = cssW - 10;
  const y0 = narrow ? 270 : 0;
  const totalWh = images.reduce((s, i) => s + i.joules, 0) / 3600;
  const refWh = (images.length * REFERENCE_J) / 3600;
  g.fillStyle = '#1d2a24';
  g.fillText('Cumulative Wh (log scale)', x0, y0 + 14);
  const lo = Math.log10(Math.max(1e-4, Math.min(totalWh, refWh) / 3)), hi = Math.log10(Math.max(refWh, totalWh) * 1.5);
  const scale = (wh: number) => x0 + ((Math.log10(Math.max(wh, 1e-6)) - lo) / (hi - lo)) * (x1 - x0);
  const rows: [string, number, string][] = [
    ['greenroom, this batch', totalWh, '#2f7d5b'],
    [`${images.length} generated image${images.length === 1 ? "" : "s"}`, refWh, "#b44b3a"],
  ];
  rows.forEach(([label, wh, colour], i) => {
    const y = y0 + 50 + i * (narrow ? 56 : 70);
    g.fillStyle = colour;
    g.fillRect(x0, y, Math.max(2, scale(wh) - x0), 26);
    g.fillStyle = '#1d2a24';
    g.fillText(`${label}: ${formatWh(wh)}`, x0, y - 6);
  });
  g.fillStyle = '#5b6b63';
  g.fillText(`${Math.round(refWh / Math.max(totalWh, 1e-9))}x less energy than generating them`, x0, y0 + (narrow ? 160 : 200));
}

export function formatWh(wh: number): string {
  if (wh >= 1000) return `${(wh / 1000).toFixed(2)} kWh`;
  if (wh >= 1) return `${wh.toFixed(2)} Wh`;
  return `${(wh * 1000).toFixed(2)} mWh`;
}

/**
 * Scene preview: renders every background template (and a few prompts) at 1000x1000 to
 * bench/work/scenes/*.png with a contact sheet, and times renderBackground at 2000x2000 for each
 * template (warm JIT, median of 5). Run: node --import tsx bench/scenes-preview.ts [--no-png]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { TEMPLATES, renderBackground, type BackgroundSpec } from '../src/scenes/index.ts';
import { WORK_DIR } from './paths.ts';

const OUT = path.join(WORK_DIR, 'scenes');
const PROMPTS = [
  'white marble counter, soft morning light, eucalyptus shadows',
  'dark moody slate with dramatic side light from the right',
  'terracotta wall, oak table, palm shadows, golden hour',
  'pastel blue podium on pink backdrop',
  'cozy cafe with bokeh lights',
  'desert sunset',
  'sage linen with window light',
  'quantum flux capacitor',
];

async function png(file: string, rgb: Uint8Array, w: number, h: number): Promise<void> {
  await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length), { raw: { width: w, height: h, channels: 3 } }).png({ compressionLevel: 3 }).toFile(file);
}

async function main(): Promise<void> {
  const writePng = !process.argv.includes('--no-png');
  await fs.mkdir(OUT, { recursive: true });
  const specs: { name: string; spec: BackgroundSpec }[] = [
    ...TEMPLATES.map((t) => ({ name: t.name, spec: { type: 'template', name: t.name } as BackgroundSpec })),
    ...PROMPTS.map((p, i) => ({ name: `prompt-${i + 1}`, spec: { type: 'prompt', prompt: p } as BackgroundSpec })),
    { name: 'gradient-linear', spec: { type: 'gradient', kind: 'linear', angle: 180, stops: [{ color: [250, 236, 220], at: 0 }, { color: [214, 180, 190], at: 0.6 }, { color: [120, 110, 150], at: 1 }] } },
    { name: 'gradient-radial', spec: { type: 'gradient', kind: 'radial', angle: 0, stops: [{ color: [255, 255, 255], at: 0 }, { color: [200, 206, 214], at: 1 }] } },
  ];
  if (writePng) {
    const tiles: { input: Buffer; left: number; top: number }[] = [];
    const T = 250, cols = 6;
    for (const [k, s] of specs.entries()) {
      const r = renderBackground(s.spec, 1000, 1000, 7);
      await png(path.join(OUT, `${s.name}.png`), r.rgb, 1000, 1000);
      const thumb = await sharp(Buffer.from(r.rgb.buffer), { raw: { width: 1000, height: 1000, channels: 3 } }).resize(T, T).png().toBuffer();
      tiles.push({ input: thumb, left: (k % cols) * T, top: Math.floor(k / cols) * T });
      console.log(`${s.name.padEnd(20)} horizon=${r.horizon?.toFixed(3) ?? 'null'} glossy=${r.glossy} surface=${r.surface.join(',')} light=${JSON.stringify(r.light)}`);
    }
    const rows = Math.ceil(specs.length / cols);
    await sharp({ create: { width: cols * T, height: rows * T, channels: 3, background: { r: 0, g: 0, b: 0 } } }).composite(tiles).png().toFile(path.join(OUT, 'contact-sheet.png'));
  }
  console.log(`\nrenderBackground at 2000x2000 (median of 5, after 2 warm-up runs), ms; load average ${os.loadavg()[0]!.toFixed(2)}:`);
  let worst = 0;
  for (const t of TEMPLATES) {
    const spec: BackgroundSpec = { type: 'template', name: t.name };
    for (let i = 0; i < 2; i++) renderBackground(spec, 2000, 2000, i);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      renderBackground(spec, 2000, 2000, 100 + i);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    worst = Math.max(worst, times[2]!);
    console.log(`  ${t.name.padEnd(20)} ${times[2]!.toFixed(1).padStart(6)}   (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)}, cpu ${cpu[2]!.toFixed(1)})`);
  }
  console.log(`worst median: ${worst.toFixed(1)} ms`);
}

await main();

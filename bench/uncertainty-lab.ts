/**
 * Which uncertainty evidence ranks images by their error: for every image of the decision sets,
 * features of the network's cached mattes (bench/matte-lab.ts caches them) against that image's
 * MAE under a candidate of the last lab run (bench/work/matte-lab/latest.json). Prints Spearman's
 * rank correlation per set and pooled, for each feature and for the shipped score.
 *
 *   node --import tsx bench/uncertainty-lab.ts [--model isnet-int8] [--candidate sharpen-s1]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { uncertaintyEvidence, uncertaintyScore } from '../src/matte/uncertainty.ts';
import { fileHash, LAB_DIR, loadLabSet, NetCache } from './matte-lab.ts';
import type { LabPlane } from './matte-lab-types.ts';
import { spearman } from './stats.ts';
import { decodeImage } from '../src/image/decode.ts';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'isnet-int8' }, candidate: { type: 'string', default: 'sharpen-s1' }, size: { type: 'string', default: '1024' }, grid: { type: 'boolean' } } });
const latest = JSON.parse(fs.readFileSync(path.join(LAB_DIR, 'latest.json'), 'utf8')) as { rows: Array<{ candidate: string; set: string; perImage: Array<{ name: string; mae: number }> }> };
const nets = new NetCache(values.model!);
const size = Number(values.size);

/** Features of one image's mattes. */
function features(m: LabPlane, f: LabPlane): Record<string, number> {
  const e = uncertaintyEvidence(m, f);
  let fg = 0, edge = 0;
  const w = m.width;
  for (let i = 0; i < m.data.length; i++) {
    fg += m.data[i]! > 0.5 ? 1 : 0;
    const x = i % w;
    if (x + 1 < w && (m.data[i]! > 0.5) !== (m.data[i + 1]! > 0.5)) edge++;
    if (i + w < m.data.length && (m.data[i]! > 0.5) !== (m.data[i + w]! > 0.5)) edge++;
  }
  const n = m.data.length;
  // softness away from any outline: no 0.5 crossing within r matte pixels
  const h = m.data.length / w;
  const r = 4;
  const side = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) side[(y + 1) * (w + 1) + x + 1] = (m.data[y * w + x]! > 0.5 ? 1 : 0) + side[y * (w + 1) + x + 1]! + side[(y + 1) * (w + 1) + x]! - side[y * (w + 1) + x]!;
  let interior = 0, grey = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = m.data[y * w + x]!;
      if (a > 0.2 && a < 0.8) grey++;
      const x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1), y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
      const ones = side[y1 * (w + 1) + x1]! - side[y0 * (w + 1) + x1]! - side[y1 * (w + 1) + x0]! + side[y0 * (w + 1) + x0]!;
      const mixed = ones > 0 && ones < (x1 - x0) * (y1 - y0);
      if (!mixed) interior += 4 * a * (1 - a);
    }
  }
  const dis = e.disagreement ?? 0;
  return {
    interior: interior / n,
    grey: grey / n,
    'interior+dis': interior / n + dis,
    'soft+interior': e.softness + interior / n,
    'soft+interior+dis': e.softness + interior / n + dis,
    'soft+3interior': e.softness + 3 * interior / n,
    ...Object.fromEntries([1, 2, 3, 4, 6].map((k) => [`soft+${k}int+dis@0.02`, e.softness + (k * interior) / n + (e.softness >= 0.02 ? dis : 0)])),
    ...Object.fromEntries([2, 4, 6].map((k) => [`soft+${k}int`, e.softness + (k * interior) / n])),
    softness: e.softness,
    disagreement: e.disagreement ?? 0,
    shipped: uncertaintyScore(e),
    shippedNoFlip: uncertaintyScore({ softness: e.softness, interior: e.interior }),
    // as the product computes it: the mirrored pass (and its disagreement) only from softness 0.02 (the rule on the photo's size is not applied here)
    asShipped: uncertaintyScore(e.softness >= 0.02 ? e : { softness: e.softness, interior: e.interior }),
    oldAsShipped: 1 - Math.exp(-(e.softness + (e.softness >= 0.02 ? (e.disagreement ?? 0) : 0)) / 0.058),
    'softness/edge': e.softness / Math.max(edge / n, 1e-4),
    'soft+2dis': e.softness + 2 * (e.disagreement ?? 0),
    edgeDensity: edge / n,
    foreground: fg / n,
    'soft/fg': e.softness / Math.max(fg / n, 1e-3),
    'dis/fg': (e.disagreement ?? 0) / Math.max(fg / n, 1e-3),
    'soft+dis+fg': e.softness + 2 * (e.disagreement ?? 0) + 0.1 * (fg / n),
    'softxdis': Math.sqrt(e.softness * (e.disagreement ?? 0)),
  };
}

const pooled: { f: Record<string, number>; mae: number }[] = [];
const bySet = new Map<string, { f: Record<string, number>; mae: number }[]>();
for (const id of ['hires-thin', 'soft-edge', 'small']) {
  const set = await loadLabSet(id);
  const row = latest.rows.find((r) => r.candidate === values.candidate && r.set === id);
  if (!row) throw new Error(`no lab row for ${values.candidate} on ${id}: run the lab with that candidate first`);
  const rows: { f: Record<string, number>; mae: number }[] = [];
  for (const img of set.images) {
    const hash = fileHash(img.file);
    const decode = async () => decodeImage(fs.readFileSync(img.file), { maxPixels: 1e9 });
    const m = await nets.get(hash, decode, size, false);
    const f = await nets.get(hash, decode, size, true);
    const mae = row.perImage.find((p) => p.name === img.name)?.mae;
    if (mae !== undefined) rows.push({ f: features(m, f), mae });
  }
  pooled.push(...rows);
  bySet.set(id, rows);
  if (values.grid) for (const r of [...rows].sort((a, b) => a.mae - b.mae)) console.log(`  mae ${r.mae.toFixed(4)} soft+dis ${(r.f.softness! + r.f.disagreement!).toFixed(4)} score ${r.f.shipped}`);
  const soft = rows.map((r) => r.f.softness!).sort((a, b) => a - b);
  console.log(`${id} softness quantiles: ${[0.1, 0.25, 0.5, 0.75, 0.9].map((q) => soft[Math.floor(q * (soft.length - 1))]!.toFixed(4)).join(' ')}`);
  const keys = Object.keys(rows[0]!.f);
  console.log(`${id} (n ${rows.length}): ${keys.map((k) => `${k} ${spearman(rows.map((r) => r.f[k]!), rows.map((r) => r.mae)).toFixed(2)}`).join(', ')}`);
}
if (values.grid) {
  for (const wd of [0, 1, 2, 4, 8]) {
    for (const wf of [0, 0.01, 0.02, 0.05, 0.1]) {
      const score = (r: { f: Record<string, number> }) => r.f.softness! + wd * r.f.disagreement! + wf * r.f.foreground!;
      const per = ['hires-thin', 'soft-edge', 'small'].map((id) => {
        const rows = bySet.get(id)!;
        return spearman(rows.map(score), rows.map((r) => r.mae)).toFixed(2);
      });
      console.log(`dis x${wd} fg x${wf}: ${per.join(' ')} pooled ${spearman(pooled.map(score), pooled.map((r) => r.mae)).toFixed(2)}`);
    }
  }
}
// Where the shipped score's 0.5 falls: the share of pooled images the old score (softness +
// disagreement when mirrored, scale 0.058) flagged, and the new evidence's value at that share.
{
  const flagged = pooled.filter((r) => r.f['oldAsShipped']! >= 0.5).length;
  const xs = pooled.map((r) => r.f['soft+4int+dis@0.02']!).sort((a, b) => b - a);
  console.log(`old score flags ${flagged} of ${pooled.length}; soft+4int+dis@0.02 at that rank ${xs[flagged - 1]?.toFixed(4)}..${xs[flagged]?.toFixed(4)} (scale = x / ln 2)`);
}
const keys = Object.keys(pooled[0]!.f);
console.log(`pooled (n ${pooled.length}): ${keys.map((k) => `${k} ${spearman(pooled.map((r) => r.f[k]!), pooled.map((r) => r.mae)).toFixed(2)}`).join(', ')}`);
await nets.close();

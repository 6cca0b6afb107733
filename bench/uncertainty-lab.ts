/**
 * Which uncertainty evidence ranks images by their error, and where "check this one" falls: for
 * every image of the decision sets, features of the network's cached mattes (bench/matte-lab.ts
 * caches them, the context pass's view too) against that image's MAE under a candidate of a lab run
 * (default bench/work/matte-lab/latest.json, candidate `after`). Prints, per set and pooled:
 * Spearman's rank correlation with MAE for each feature and score, and for the scores the flag at
 * 0.5 (the web studio's and the CLI's mark) against "bad" photos (MAE at least twice the set's
 * median): the share flagged, precision, recall, and how many read 1.00 (the top saturating).
 *
 *   node --import tsx bench/uncertainty-lab.ts [--lab latest] [--candidate after] [--model isnet-int8]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../src/image/decode.ts';
import { frameEvidence, wantsContextPass } from '../src/matte/context-pass.ts';
import { fuseContextPass } from '../src/matte/matte-steps.ts';
import { resizeBilinear } from '../src/matte/resample.ts';
import { uncertaintyEvidence, uncertaintyScore } from '../src/matte/uncertainty.ts';
import { contextTrigger, loadManifest } from '../src/models/manifest.ts';
import { fileHash, LAB_DIR, loadLabSet, NetCache } from './matte-lab.ts';
import { isMain } from './paths.ts';
import { spearman } from './stats.ts';

const SETS = ['hires-thin', 'soft-edge', 'small', 'frame-cut', 'glossy', 'cords', 'foliage'];

export interface ImageFeatures {
  set: string;
  name: string;
  mae: number;
  f: Record<string, number>;
}

/** Features of one image's mattes, as `best` would see them (first pass; the context pass when it runs). */
export async function imageFeatures(nets: NetCache, file: string): Promise<Record<string, number>> {
  const hash = fileHash(file);
  const decoded = await decodeImage(fs.readFileSync(file), { maxPixels: 1e9 });
  const decode = async () => decoded;
  const m = await nets.get(hash, decode, 1024, false);
  const factor = Math.max(decoded.width, decoded.height) / 1024;
  // best's mirrored pass, if models.json gives best one (none since issue 16): its disagreement with the first matte, when it runs.
  const rule = loadManifest().mirroredPass.qualities.best;
  let mirrored: { data: Float32Array; width: number; height: number } | undefined;
  if (rule && factor >= rule.minFactor && uncertaintyEvidence(m).softness >= rule.minSoftness) {
    const small = await nets.get(hash, decode, rule.size, true);
    mirrored = { data: resizeBilinear(small.data, small.width, small.height, 1024, 1024), width: 1024, height: 1024 };
  }
  const e = uncertaintyEvidence(m, mirrored);
  const fe = frameEvidence(m);
  const trigger = contextTrigger('best', loadManifest())!;
  let ctxChange = 0, ctxRan = 0, ctxHug = 0;
  if (wantsContextPass(fe, trigger)) {
    ctxRan = 1;
    const raw = await nets.view(hash, decode, 'context');
    const r = fuseContextPass(m, raw.data);
    ctxHug = r.report.hug;
    const fused = r.data;
    for (let i = 0; i < fused.length; i++) ctxChange += Math.abs(fused[i]! - m.data[i]!);
    ctxChange /= fused.length;
  }
  // The outline's length (0.5 crossings between neighbours, per pixel) and the subject's share.
  let edge = 0, fg = 0;
  const w = m.width;
  for (let i = 0; i < m.data.length; i++) {
    const a = m.data[i]! > 0.5;
    if (a) fg++;
    if ((i % w) + 1 < w && a !== m.data[i + 1]! > 0.5) edge++;
    if (i + w < m.data.length && a !== m.data[i + w]! > 0.5) edge++;
  }
  return {
    softness: e.softness,
    interior: e.interior,
    edge: edge / m.data.length,
    fg: fg / m.data.length,
    touch: fe.touch,
    unsure: fe.unsure,
    ctxRan,
    ctxHug,
    ctxChange,
    disagreement: e.disagreement ?? 0,
    /** The score as shipped, on this evidence. */
    shipped: uncertaintyScore(e),
    /** The scale before issue 16 (saturating), on the same evidence. */
    saturating: 1 - Math.exp(-(e.softness + 4 * e.interior + (e.disagreement ?? 0)) / 0.11),
  };
}

/** Score functions to compare: name -> score from features. */
export const SCORES: Record<string, (f: Record<string, number>) => number> = {
  shipped: (f) => f.shipped!,
  'before issue 16': (f) => f.saturating!,
  // The same evidence on a scale that does not saturate: x / (x + k).
  ...Object.fromEntries([0.03, 0.05, 0.07, 0.1].map((k) => [`ratio-${k}`, (f: Record<string, number>) => { const x = f.softness! + 4 * f.interior!; return x / (x + k); }])),
  ...Object.fromEntries([0.03, 0.05, 0.07, 0.1].map((k) => [`ratio+frame-${k}`, (f: Record<string, number>) => { const x = f.softness! + 4 * f.interior! + 0.5 * f.touch! * f.unsure! + 2 * f.ctxChange!; return x / (x + k); }])),
};

interface FlagStats {
  flagged: number;
  precision: number;
  recall: number;
  saturated: number;
}

function flagStats(rows: ImageFeatures[], score: (f: Record<string, number>) => number, bad: (r: ImageFeatures) => boolean): FlagStats {
  const flagged = rows.filter((r) => score(r.f) >= 0.5);
  const badRows = rows.filter(bad);
  const tp = flagged.filter(bad).length;
  return {
    flagged: flagged.length / rows.length,
    precision: flagged.length ? tp / flagged.length : 1,
    recall: badRows.length ? tp / badRows.length : 1,
    saturated: rows.filter((r) => score(r.f) >= 0.995).length / rows.length,
  };
}

export async function uncertaintyLab(lab: string, candidate: string, model: string, log: (s: string) => void, dump?: string): Promise<void> {
  const latest = JSON.parse(fs.readFileSync(path.join(LAB_DIR, `${lab}.json`), 'utf8')) as { rows: Array<{ candidate: string; set: string; perImage: Array<{ name: string; mae: number }> }> };
  const nets = new NetCache(model);
  const all: ImageFeatures[] = [];
  const badSet = new Set<string>();
  try {
    for (const id of SETS) {
      const row = latest.rows.find((r) => r.candidate === candidate && r.set === id);
      if (!row) continue;
      const set = await loadLabSet(id);
      const rows: ImageFeatures[] = [];
      for (const img of set.images) {
        const mae = row.perImage.find((p) => p.name === img.name)?.mae;
        if (mae === undefined) continue;
        rows.push({ set: id, name: img.name, mae, f: await imageFeatures(nets, img.file) });
      }
      const maes = rows.map((r) => r.mae).sort((a, b) => a - b);
      const median = maes[Math.floor(maes.length / 2)]!;
      for (const r of rows) if (r.mae >= 2 * median) badSet.add(`${r.set}/${r.name}`);
      all.push(...rows);
      if (dump) fs.appendFileSync(dump, rows.map((r) => JSON.stringify({ ...r, bad: r.mae >= 2 * median })).join('\n') + '\n');
      const feats = Object.keys(rows[0]!.f);
      log(`${id} (n ${rows.length}, bad ${rows.filter((r) => badSet.has(`${r.set}/${r.name}`)).length}): Spearman ${feats.map((k) => `${k} ${spearman(rows.map((r) => r.f[k]!), rows.map((r) => r.mae)).toFixed(2)}`).join(', ')}`);
    }
    const bad = (r: ImageFeatures) => badSet.has(`${r.set}/${r.name}`);
    log('');
    log(`| score | ${SETS.map((s) => `${s}: rho / flagged / precision / recall / at 1.00`).join(' | ')} | pooled |`);
    log(`|---|${SETS.map(() => '---').join('|')}|---|`);
    for (const [name, score] of Object.entries(SCORES)) {
      const cells = SETS.map((id) => {
        const rows = all.filter((r) => r.set === id);
        if (!rows.length) return '-';
        const s = flagStats(rows, score, bad);
        return `${spearman(rows.map((r) => score(r.f)), rows.map((r) => r.mae)).toFixed(2)} / ${(s.flagged * 100).toFixed(0)}% / ${s.precision.toFixed(2)} / ${s.recall.toFixed(2)} / ${(s.saturated * 100).toFixed(0)}%`;
      });
      const p = flagStats(all, score, bad);
      log(`| ${name} | ${cells.join(' | ')} | ${(p.flagged * 100).toFixed(0)}% / ${p.precision.toFixed(2)} / ${p.recall.toFixed(2)} / ${(p.saturated * 100).toFixed(0)}% |`);
    }
  } finally {
    await nets.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { lab: { type: 'string', default: 'latest' }, candidate: { type: 'string', default: 'after' }, model: { type: 'string', default: 'isnet-int8' }, dump: { type: 'string' } } });
  if (values.dump) fs.rmSync(values.dump, { force: true });
  await uncertaintyLab(values.lab!, values.candidate!, values.model!, console.log, values.dump);
}

/**
 * The matte lab: judges matte post-processing candidates on every quality set at once, fast.
 *
 * For every image of every set the network runs once per (model, working size, flip) and its raw
 * matte is cached under bench/work/matte-lab/nets/ (Float32, keyed by the image's hash, the model
 * id and the size); the peer's cutouts are cached under bench/work/matte-lab/peer/. Evaluating a
 * candidate then costs its own post-processing and the scoring only.
 *
 *   npm run matte-lab                                        # every set, every candidate
 *   npm run matte-lab -- --sets hires-thin,small --candidates bilinear,steep5
 *   npm run matte-lab -- --model isnet-int8 --size 1024 --no-peer --every 2
 *
 * Candidates: the built-in `bilinear` (greenroom's refine: false), `greenroom` (today's
 * refineMatte, default options) and `peer` (@imgly/background-removal-node's own output), plus
 * those of bench/matte-candidates.ts. Scores come from ../shared/tools/score-mattes.mjs. Prints one
 * table (MAE and bMAE per set, bMAE ratio to the peer and to bilinear) and writes
 * bench/work/matte-lab/latest.{md,json} (per-image scores in the JSON).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/index.ts';
import { decodeImage, resizeForNetwork, type DecodedImage } from '../src/image/decode.ts';
import { refineMatte } from '../src/matte/refine.ts';
import { contextFrame, contextInput, contextInputBlurred } from '../src/matte/context-pass.ts';
import { layOnWhite } from '../src/matte/resample.ts';
import { CANDIDATES } from './matte-candidates.ts';
import type { Candidate, LabNets, LabPhoto, LabPlane } from './matte-lab-types.ts';
import { edgeStats, type EdgeStats } from './contour.ts';
import { GT_DIR, IMG_DIR, isMain, WORK_DIR } from './paths.ts';
import { runPeer } from './peer.ts';
import { buildProxySet, PROXY_SETS } from './proxies/sets.ts';
import { compositeNames, scoreFolder, type PerImageScore, type QualitySet } from './quality.ts';
import { buildSilhouetteSet, SILHOUETTE_SET } from './silhouettes.ts';

export const LAB_DIR = path.join(WORK_DIR, 'matte-lab');

/** A set as the lab sees it. `decision: false` sets are shown but must not decide (biased or vector-drawn). */
export interface LabSet {
  id: string;
  label: string;
  decision: boolean;
  imgDir: string;
  gtDir: string;
  images: Array<{ name: string; file: string; group?: string }>;
}

export const LAB_SET_IDS = ['hires-thin', 'soft-edge', 'small', 'frame-cut', 'glossy', 'cords', 'foliage', 'composites', 'silhouettes'] as const;

/** Deterministic subsample: every k-th image, starting with the first. */
export function subsample<T>(items: readonly T[], every: number): T[] {
  return items.filter((_, i) => i % every === 0);
}

export async function loadLabSet(id: string, log: (s: string) => void = () => {}): Promise<LabSet> {
  const proxy = PROXY_SETS.find((s) => s.id === id);
  if (proxy) {
    const built = await buildProxySet(id, { log });
    return { id, label: `proxy: ${proxy.mimics}`, decision: true, imgDir: built.imgDir, gtDir: built.gtDir, images: built.images.map((i) => ({ name: i.name, file: i.file, ...groupOf(id, i.meta) })) };
  }
  if (id === 'composites') {
    const names = await compositeNames();
    return { id, label: "biased: 3 of 5 foregrounds are greenroom's own cutouts; 0.13-0.37 MP", decision: false, imgDir: IMG_DIR, gtDir: GT_DIR, images: names.map((n) => ({ name: n, file: path.join(IMG_DIR, `${n}.png`) })) };
  }
  if (id === 'silhouettes') {
    const names = await buildSilhouetteSet();
    return { id, label: 'vector: 1.5 MP clean silhouettes with photo fills (said refinement helps; real photos say otherwise)', decision: false, imgDir: SILHOUETTE_SET.imgDir, gtDir: SILHOUETTE_SET.gtDir, images: names.map((n) => ({ name: n, file: path.join(SILHOUETTE_SET.imgDir, `${n}.png`) })) };
  }
  throw new Error(`Unknown set ${id}; known: ${LAB_SET_IDS.join(', ')}`);
}

/** Sub-groups reported besides the whole set: binary and soft subjects of the small set, thin and thick wires of the hires set. */
function groupOf(id: string, meta: Record<string, string | number>): { group?: string } {
  if (id === 'small' && typeof meta.kind === 'string') return { group: meta.kind };
  if (id === 'hires-thin' && typeof meta.t === 'number') return { group: meta.t < 3 ? 'thin' : 'thick' };
  if (id === 'frame-cut' && typeof meta.group === 'string') return { group: meta.group };
  if (id === 'foliage' && typeof meta.size === 'string') return { group: meta.size };
  return {};
}

export function fileHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 20);
}

function writeAtomic(file: string, data: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function flipRgb(rgb: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) out[(y * w + (w - 1 - x)) * 3 + c] = rgb[(y * w + x) * 3 + c]!;
  return out;
}

function flipPlane(p: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(p.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + (w - 1 - x)] = p[y * w + x]!;
  return out;
}

/** The network's raw mattes, cached on disk by image hash, model and size; the model is loaded only on a miss. */
export class NetCache {
  #studio: Promise<Studio> | undefined;
  misses = 0;
  hits = 0;
  inferenceMs = 0;
  constructor(readonly model: string) {}

  file(hash: string, size: number, flip: boolean): string {
    return path.join(LAB_DIR, 'nets', this.model, String(size), `${hash}${flip ? '.flip' : ''}.f32`);
  }

  has(hash: string, size: number, flip: boolean): boolean {
    return fs.existsSync(this.file(hash, size, flip));
  }

  async get(hash: string, decoded: () => Promise<DecodedImage>, size: number, flip: boolean): Promise<LabPlane> {
    const file = this.file(hash, size, flip);
    if (fs.existsSync(file)) {
      this.hits++;
      const buf = fs.readFileSync(file);
      return { data: new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4).slice(), width: size, height: size };
    }
    this.misses++;
    this.#studio ??= Studio.open({ model: this.model, dataDir: path.join(WORK_DIR, 'data') });
    const segmenter = await (await this.#studio).segmenter(this.model);
    let rgb = resizeForNetwork(await decoded(), size);
    if (flip) rgb = flipRgb(rgb, size, size);
    const t = performance.now();
    let matte = await segmenter.segment(rgb, size);
    this.inferenceMs += performance.now() - t;
    if (flip) matte = flipPlane(matte, size, size);
    writeAtomic(file, new Uint8Array(matte.buffer, matte.byteOffset, matte.byteLength));
    return { data: matte, width: size, height: size };
  }

  /**
   * The network's raw output on another view of the photo (VIEWS: e.g. the photo framed in grey
   * for the context pass), cached like the plain mattes under `<hash>.<view>.f32`.
   */
  async view(hash: string, decoded: () => Promise<DecodedImage>, name: string): Promise<LabPlane> {
    const v = parseView(name);
    const file = path.join(LAB_DIR, 'nets', this.model, String(v.size), `${hash}.${v.kind}.f32`);
    if (fs.existsSync(file)) {
      this.hits++;
      const buf = fs.readFileSync(file);
      return { data: new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4).slice(), width: v.size, height: v.size };
    }
    this.misses++;
    this.#studio ??= Studio.open({ model: this.model, dataDir: path.join(WORK_DIR, 'data') });
    const segmenter = await (await this.#studio).segmenter(this.model);
    const rgb = VIEW_INPUTS[v.kind]!(await decoded(), v.size);
    const t = performance.now();
    const matte = await segmenter.segment(rgb, v.size);
    this.inferenceMs += performance.now() - t;
    writeAtomic(file, new Uint8Array(matte.buffer, matte.byteOffset, matte.byteLength));
    return { data: matte, width: v.size, height: v.size };
  }

  async close(): Promise<void> {
    if (this.#studio) await (await this.#studio).close();
  }
}

/** Network inputs of the other views a candidate can ask for (`views: ['context@768']`): name -> the size x size RGB input. */
export const VIEW_INPUTS: Record<string, (d: DecodedImage, size: number) => Uint8Array> = {
  // The photo framed by a 25% mid-grey border (src/matte/context-pass.ts).
  context: (d, size) => contextInput(d.alpha ? layOnWhite(d.rgb, d.alpha) : d.rgb, d.width, d.height, contextFrame(size)),
  // The same frame filled with the photo's edges continued and defocused, half grey.
  ctxblur: (d, size) => contextInputBlurred(d.alpha ? layOnWhite(d.rgb, d.alpha) : d.rgb, d.width, d.height, contextFrame(size)),
};

/** `kind` or `kind@size` (default size 1024). */
export function parseView(name: string): { kind: string; size: number } {
  const [kind, size] = name.split('@');
  if (!kind || !VIEW_INPUTS[kind]) throw new Error(`Unknown view ${name}; known: ${Object.keys(VIEW_INPUTS).join(', ')} (optionally @size)`);
  return { kind, size: size ? Number(size) : 1024 };
}

/** The peer's cutouts of a set, cached by image hash; missing ones are made in one peer process. */
export async function peerOutputs(set: LabSet, hashes: Map<string, string>, log: (s: string) => void): Promise<Map<string, string>> {
  const dir = path.join(LAB_DIR, 'peer');
  fs.mkdirSync(dir, { recursive: true });
  const out = new Map<string, string>();
  const missing = set.images.filter((i) => !fs.existsSync(path.join(dir, `${hashes.get(i.name)}.png`)));
  if (missing.length) {
    const t = performance.now();
    const tmp = path.join(LAB_DIR, 'peer-tmp', String(process.pid));
    fs.rmSync(tmp, { recursive: true, force: true });
    // Each file under a unique name, so two sets' same-named images cannot collide.
    const staged = path.join(tmp, 'in');
    fs.mkdirSync(staged, { recursive: true });
    const files = missing.map((i) => {
      const f = path.join(staged, `${hashes.get(i.name)}${path.extname(i.file)}`);
      fs.copyFileSync(i.file, f);
      return f;
    });
    const res = await runPeer({ kind: 'predict', files, outDir: path.join(tmp, 'out') });
    for (const i of missing) fs.renameSync(path.join(tmp, 'out', `${hashes.get(i.name)}.png`), path.join(dir, `${hashes.get(i.name)}.png`));
    fs.rmSync(tmp, { recursive: true, force: true });
    const med = [...res.latencies].sort((a, b) => a - b)[Math.floor(res.latencies.length / 2)] ?? 0;
    log(`  peer on ${set.id}: ${missing.length} images in ${((performance.now() - t) / 1000).toFixed(0)} s (median ${(med / 1000).toFixed(1)} s per image)`);
  }
  for (const i of set.images) out.set(i.name, path.join(dir, `${hashes.get(i.name)}.png`));
  return out;
}

/** greenroom's built-in rows. */
export const BUILTIN: readonly Candidate[] = [
  {
    name: 'bilinear',
    about: "network matte upsampled bilinearly (greenroom's refine: false)",
    predict: (photo, nets) => refineMatte(photo, nets.matte, undefined, { refine: false, decontaminate: false }).alpha,
  },
  {
    name: 'greenroom',
    about: "today's refineMatte with default options (guided upsampling when the photo is larger than the matte)",
    predict: (photo, nets) => refineMatte(photo, nets.matte, undefined, { refine: true, decontaminate: false }).alpha,
  },
];

export interface LabOptions {
  sets: readonly string[];
  /** Candidate names (builtin, `peer`, or from matte-candidates.ts); default all. */
  candidates?: readonly string[];
  model: string;
  size: number;
  peer: boolean;
  /** Keep every k-th image of each set (deterministic). */
  every: number;
  /** Extra candidates (besides matte-candidates.ts). */
  extra?: readonly Candidate[];
  /** The report's file name under work/matte-lab/ (default latest). */
  out?: string;
  log?: (s: string) => void;
}

export interface LabRow {
  candidate: string;
  set: string;
  n: number;
  MAE: number;
  IoU: number;
  bMAE: number;
  /** bMAE / the peer's bMAE on the same set (null without the peer). */
  vsPeer: number | null;
  /** bMAE / bilinear's bMAE on the same set (null when bilinear was not run). */
  vsBilinear: number | null;
  /** Mean post-processing ms per image (0 for the peer: its time is the peer's own). */
  msPerImage: number;
  perImage: PerImageScore[];
  /** Means of bench/contour.ts's figures over the images (roughness of the contour, holes, specks). */
  edge?: EdgeStats;
  /** The same per image. */
  edgePerImage?: Record<string, EdgeStats>;
}

export interface LabResult {
  date: string;
  model: string;
  size: number;
  sets: Array<{ id: string; label: string; decision: boolean; n: number }>;
  candidates: Array<{ name: string; about: string }>;
  rows: LabRow[];
  /** The same candidates on sub-groups of a set (set id `<set>/<group>`), from the per-image scores. */
  groups: LabRow[];
  network: { hits: number; misses: number; inferenceSeconds: number };
}

async function writePred(file: string, alpha: Uint8Array, width: number, height: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(alpha, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 1 }).toFile(file);
}

/** Runs `tasks` with at most `n` in flight. */
async function limit<T>(n: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  }));
  return out;
}

export async function runLab(o: LabOptions): Promise<LabResult> {
  const log = o.log ?? (() => {});
  const all = [...BUILTIN, ...CANDIDATES, ...(o.extra ?? [])];
  const wanted = o.candidates ?? [...all.map((c) => c.name), 'peer'];
  for (const w of wanted) if (w !== 'peer' && !all.some((c) => c.name === w)) throw new Error(`Unknown candidate ${w}; known: ${[...all.map((c) => c.name), 'peer'].join(', ')}`);
  const candidates = all.filter((c) => wanted.includes(c.name));
  const withPeer = o.peer && wanted.includes('peer');
  const nets = new NetCache(o.model);
  const rows: LabRow[] = [];
  const groups: LabRow[] = [];
  const setInfo: LabResult['sets'] = [];
  try {
    for (const id of o.sets) {
      const full = await loadLabSet(id, log);
      const set: LabSet = { ...full, images: subsample(full.images, o.every) };
      setInfo.push({ id, label: set.label, decision: set.decision, n: set.images.length });
      const hashes = new Map(set.images.map((i) => [i.name, fileHash(i.file)]));
      const predRoot = path.join(LAB_DIR, 'pred', id);
      const ms = new Map(candidates.map((c) => [c.name, 0]));
      const edges = new Map<string, Record<string, EdgeStats>>([...candidates.map((c) => c.name), 'peer'].map((n) => [n, {}]));
      const tSet = performance.now();
      for (const img of set.images) {
        let decoded: Promise<DecodedImage> | undefined;
        const decode = () => (decoded ??= decodeImage(fs.readFileSync(img.file), { maxPixels: 100_000_000 }));
        const hash = hashes.get(img.name)!;
        const planes = new Map<string, LabPlane>();
        const need = new Set<string>([`${o.size}:0`]);
        for (const c of candidates) for (const s of [o.size, ...(c.sizes ?? [])]) {
          need.add(`${s}:0`);
          if (c.flip) need.add(`${s}:1`);
        }
        for (const key of need) {
          const [s, f] = key.split(':');
          planes.set(key, await nets.get(hash, decode, Number(s), f === '1'));
        }
        const views = new Map<string, LabPlane>();
        for (const c of candidates) for (const v of c.views ?? []) if (!views.has(v)) views.set(v, await nets.view(hash, decode, v));
        const d = await decode();
        const photo: LabPhoto = { data: d.rgb, width: d.width, height: d.height };
        const gt = new Uint8Array(await sharp(path.join(set.gtDir, `${img.name}.png`)).extractChannel(0).raw().toBuffer());
        const factor = Math.max(d.width, d.height) / o.size;
        for (const c of candidates) {
          const labNets: LabNets = {
            model: o.model,
            size: o.size,
            matte: planes.get(`${o.size}:0`)!,
            ...(c.flip ? { flipped: planes.get(`${o.size}:1`)! } : {}),
            view(name) {
              const p = views.get(name);
              if (!p) throw new Error(`candidate ${c.name} asked for view ${name}: list it in its views`);
              return p;
            },
            at(size, flip = false) {
              const p = planes.get(`${size}:${flip ? 1 : 0}`);
              if (!p) throw new Error(`candidate ${c.name} asked for size ${size}${flip ? ' flipped' : ''}: list it in its sizes (and flip)`);
              return p;
            },
          };
          const t = performance.now();
          const alpha = await c.predict(photo, labNets, { set: id, name: img.name, factor });
          ms.set(c.name, ms.get(c.name)! + performance.now() - t);
          if (alpha.length !== d.width * d.height) throw new Error(`candidate ${c.name} returned ${alpha.length} values for ${img.name}, expected ${d.width * d.height}`);
          await writePred(path.join(predRoot, c.name, `${img.name}.png`), alpha, d.width, d.height);
          edges.get(c.name)![img.name] = edgeStats(alpha, gt, d.width, d.height);
        }
      }
      log(`  ${id}: ${set.images.length} images, candidates run in ${((performance.now() - tSet) / 1000).toFixed(0)} s`);
      const scored: Array<{ name: string; dir: string; ms: number }> = candidates.map((c) => ({ name: c.name, dir: path.join(predRoot, c.name), ms: ms.get(c.name)! / set.images.length }));
      if (withPeer) {
        const outs = await peerOutputs(set, hashes, log);
        const dir = path.join(predRoot, 'peer');
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        for (const [name, file] of outs) fs.symlinkSync(file, path.join(dir, `${name}.png`));
        scored.push({ name: 'peer', dir, ms: 0 });
        for (const img of set.images) {
          const gtImg = sharp(path.join(set.gtDir, `${img.name}.png`));
          const { width, height } = await gtImg.metadata();
          const gt = new Uint8Array(await gtImg.extractChannel(0).raw().toBuffer());
          const peerAlpha = new Uint8Array(await sharp(outs.get(img.name)!).ensureAlpha().extractChannel(3).resize(width!, height!, { fit: 'fill' }).raw().toBuffer());
          edges.get('peer')![img.name] = edgeStats(peerAlpha, gt, width!, height!);
        }
      }
      const qs: QualitySet = { imgDir: set.imgDir, gtDir: set.gtDir, predRoot };
      const names = set.images.map((i) => i.name);
      const scores = await limit(2, scored.map((s) => () => scoreFolder(s.dir, { set: qs, names })));
      const setRows = scored.map((s, k): LabRow => ({ candidate: s.name, set: id, n: scores[k]!.n, MAE: scores[k]!.MAE, IoU: scores[k]!.IoU, bMAE: scores[k]!.boundaryMAE, vsPeer: null, vsBilinear: null, msPerImage: Math.round(s.ms), perImage: scores[k]!.perImage, edgePerImage: edges.get(s.name)!, edge: meanEdge(Object.values(edges.get(s.name)!)) }));
      const peer = setRows.find((r) => r.candidate === 'peer');
      const bil = setRows.find((r) => r.candidate === 'bilinear');
      for (const r of setRows) {
        r.vsPeer = peer ? +(r.bMAE / peer.bMAE).toFixed(3) : null;
        r.vsBilinear = bil ? +(r.bMAE / bil.bMAE).toFixed(3) : null;
      }
      rows.push(...setRows);
      groups.push(...groupRows(set, setRows));
    }
  } finally {
    await nets.close();
  }
  return {
    date: new Date().toISOString(),
    model: o.model,
    size: o.size,
    sets: setInfo,
    candidates: [...candidates.map((c) => ({ name: c.name, about: c.about ?? '' })), ...(withPeer ? [{ name: 'peer', about: '@imgly/background-removal-node, model medium (same fp16 ISNet), its own output' }] : [])],
    rows,
    groups,
    network: { hits: nets.hits, misses: nets.misses, inferenceSeconds: Math.round(nets.inferenceMs / 100) / 10 },
  };
}

/** Rows for each sub-group of a set: means of the per-image scores (the scorer's set figures are such means too). */
function groupRows(set: LabSet, setRows: LabRow[]): LabRow[] {
  const names = [...new Set(set.images.map((i) => i.group).filter((g): g is string => !!g))];
  const out: LabRow[] = [];
  for (const g of names) {
    const members = new Set(set.images.filter((i) => i.group === g).map((i) => i.name));
    const rows = setRows.map((r): LabRow => {
      const per = r.perImage.filter((p) => members.has(p.name));
      const mean = (k: 'mae' | 'iou' | 'bmae') => +(per.reduce((s2, p) => s2 + p[k], 0) / Math.max(1, per.length)).toFixed(4);
      const edgePer = Object.fromEntries(Object.entries(r.edgePerImage ?? {}).filter(([k]) => members.has(k)));
      return { ...r, set: `${set.id}/${g}`, n: per.length, MAE: mean('mae'), IoU: mean('iou'), bMAE: mean('bmae'), perImage: per, edgePerImage: edgePer, edge: meanEdge(Object.values(edgePer)) };
    });
    const peer = rows.find((r) => r.candidate === 'peer');
    const bil = rows.find((r) => r.candidate === 'bilinear');
    for (const r of rows) {
      r.vsPeer = peer ? +(r.bMAE / peer.bMAE).toFixed(3) : null;
      r.vsBilinear = bil ? +(r.bMAE / bil.bMAE).toFixed(3) : null;
    }
    out.push(...rows);
  }
  return out;
}

function meanEdge(list: EdgeStats[]): EdgeStats {
  const k = Math.max(1, list.length);
  const sum = (f: keyof EdgeStats) => +(list.reduce((s2, e) => s2 + e[f], 0) / k).toFixed(5);
  return { roughness: sum('roughness'), truthRoughness: sum('truthRoughness'), holes: sum('holes'), specks: sum('specks') };
}

const x = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)}x`);

/** One table: rows candidates, per set MAE, bMAE, bMAE vs the peer and vs bilinear. */
export function labMarkdown(r: LabResult): string {
  const sets = r.sets;
  const names = [...new Set(r.rows.map((row) => row.candidate))];
  const head = `| candidate | ${sets.map((s) => `${s.id}${s.decision ? '' : ' *'} (n ${s.n}): MAE / bMAE / vs peer / vs bilinear`).join(' | ')} |`;
  const sep = `|---|${sets.map(() => '---').join('|')}|`;
  const lines = names.map((n) => `| ${n} | ${sets.map((s) => {
    const row = r.rows.find((x2) => x2.candidate === n && x2.set === s.id);
    return row ? `${row.MAE.toFixed(4)} / ${row.bMAE.toFixed(4)} / ${x(row.vsPeer)} / ${x(row.vsBilinear)}` : '–';
  }).join(' | ')} |`);
  const groupSets = [...new Set(r.groups.map((g) => g.set))];
  const groupTable = groupSets.length
    ? [
        '',
        'By sub-group (means of the per-image scores):',
        '',
        `| candidate | ${groupSets.map((g) => `${g} (n ${r.groups.find((row) => row.set === g)?.n ?? 0})`).join(' | ')} |`,
        `|---|${groupSets.map(() => '---').join('|')}|`,
        ...names.map((n) => `| ${n} | ${groupSets.map((g) => {
          const row = r.groups.find((x2) => x2.candidate === n && x2.set === g);
          return row ? `${row.MAE.toFixed(4)} / ${row.bMAE.toFixed(4)} / ${x(row.vsPeer)} / ${x(row.vsBilinear)}` : '–';
        }).join(' | ')} |`),
      ]
    : [];
  const edgeTable = [
    '',
    'At 100% (bench/contour.ts): contour roughness (truth\'s own in the header; lower is smoother) / holes in the subject / specks in the background, the last two as MAE shares (x1000):',
    '',
    `| candidate | ${sets.map((s) => `${s.id} (truth ${(r.rows.find((row) => row.set === s.id)?.edge?.truthRoughness ?? 0).toFixed(3)})`).join(' | ')} |`,
    `|---|${sets.map(() => '---').join('|')}|`,
    ...names.map((n) => `| ${n} | ${sets.map((s) => {
      const e = r.rows.find((x2) => x2.candidate === n && x2.set === s.id)?.edge;
      return e ? `${e.roughness.toFixed(3)} / ${(e.holes * 1000).toFixed(2)} / ${(e.specks * 1000).toFixed(2)}` : '–';
    }).join(' | ')} |`),
  ];
  const notes = [
    ...groupTable,
    ...edgeTable,
    '',
    `Model ${r.model} at ${r.size} px; bMAE = MAE within 8 px of the true edge (../shared/tools/score-mattes.mjs). * = not for decisions (${sets.filter((s) => !s.decision).map((s) => `${s.id}: ${s.label}`).join('; ') || 'none'}).`,
    `Network: ${r.network.hits} cached mattes, ${r.network.misses} computed (${r.network.inferenceSeconds} s of inference).`,
    '',
    '| candidate | ms per image (post-processing), per set | what |',
    '|---|---|---|',
    ...r.candidates.map((c) => `| ${c.name} | ${sets.map((s) => r.rows.find((row) => row.candidate === c.name && row.set === s.id)?.msPerImage ?? '–').join(' / ')} | ${c.about} |`),
  ];
  return [head, sep, ...lines, ...notes].join('\n');
}

function parseArgs(argv: string[]): LabOptions {
  const o: LabOptions = { sets: ['hires-thin', 'soft-edge', 'small', 'composites', 'silhouettes'], model: 'isnet', size: 1024, peer: true, every: 1 };
  const value = (i: number, a: string) => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const key = a.split('=')[0];
    const skip = a.includes('=') ? 0 : 1;
    if (key === '--sets') { o.sets = value(i, a)!.split(','); i += skip; }
    else if (key === '--candidates') { o.candidates = value(i, a)!.split(','); i += skip; }
    else if (key === '--model') { o.model = value(i, a)!; i += skip; }
    else if (key === '--size') { o.size = Number(value(i, a)); i += skip; }
    else if (key === '--every') { o.every = Math.max(1, Number(value(i, a))); i += skip; }
    else if (key === '--out') { o.out = value(i, a)!; i += skip; }
    else if (a === '--no-peer') o.peer = false;
    else throw new Error(`Unknown flag ${a}. Flags: --sets a,b --candidates a,b --model ID --size N --every K --out NAME --no-peer`);
  }
  return o;
}

if (isMain(import.meta.url)) {
  const o = parseArgs(process.argv.slice(2));
  const t = performance.now();
  const r = await runLab({ ...o, log: console.log });
  const md = labMarkdown(r);
  console.log(`\n${md}\n`);
  fs.mkdirSync(LAB_DIR, { recursive: true });
  const out = o.out ?? 'latest';
  fs.writeFileSync(path.join(LAB_DIR, `${out}.md`), `${md}\n`);
  fs.writeFileSync(path.join(LAB_DIR, `${out}.json`), `${JSON.stringify(r, null, 1)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), path.join(LAB_DIR, `${out}.{md,json}`))} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
}

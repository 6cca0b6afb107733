/**
 * A touch-up session: a photo, its matte, and keep and erase strokes applied one after the
 * other, each an edge-aware step (edge-solve.ts) on the matte the previous ones left, with undo
 * and redo. The web studio runs it live in the page after every stroke; the server and the CLI
 * run the same code on the same strokes (`applyHints`), so both give the same matte.
 */
import { applyHintStep, DEFAULT_TUNING, hintStepRegion, type HintSolver, type SolveTuning } from './edge-solve.ts';
import { LABEL_KEEP, LABEL_ERASE, LABEL_NONE, paintStroke, strokeBox, unionBox, type Box, type LabelMap, type Stroke } from './hints.ts';
import type { Photo } from './region.ts';

export interface TouchupOptions {
  solver?: HintSolver;
  tuning?: SolveTuning;
}

/** What one applied step changed, to undo or redo it. */
interface Patch {
  box: Box;
  before: Uint8Array;
  after: Uint8Array;
  /** The seed map over the stroke's box, before and after. */
  seedBox: Box;
  seedsBefore: Uint8Array;
  seedsAfter: Uint8Array;
}

export interface StepReport {
  /** The box whose matte changed (null: nothing changed). */
  changed: Box | null;
  /** Pixels the step read and solved. */
  regionPixels: number;
  ms: number;
}

export class TouchupSession {
  readonly photo: Photo;
  /** The current matte (0..255, photo-sized); changed in place by every step. */
  readonly alpha: Uint8Array;
  /** Every seed painted so far (LABEL_*), so later floods do not cross earlier strokes of the other kind. */
  readonly #seeds: Uint8Array;
  readonly #done: Patch[] = [];
  readonly #undone: Patch[] = [];
  readonly #solver: HintSolver;
  readonly #tuning: SolveTuning;
  readonly #now: () => number;

  constructor(photo: Photo, alpha: Uint8Array, options: TouchupOptions = {}, now: () => number = () => performance.now()) {
    if (alpha.length !== photo.width * photo.height) throw new RangeError(`matte has ${alpha.length} pixels, the photo ${photo.width * photo.height}`);
    this.photo = photo;
    this.alpha = alpha;
    this.#seeds = new Uint8Array(alpha.length);
    this.#solver = options.solver ?? 'geodesic';
    this.#tuning = options.tuning ?? DEFAULT_TUNING;
    this.#now = now;
  }

  /** Applies one stroke; a stroke that misses the frame changes nothing. */
  stroke(stroke: Stroke): StepReport {
    const { width, height } = this.photo;
    const box = strokeBox(stroke, width, height);
    if (!box) return { changed: null, regionPixels: 0, ms: 0 };
    const labels = new Uint8Array(box.width * box.height);
    paintStroke(labels, box, stroke, stroke.mode === 'keep' ? LABEL_KEEP : LABEL_ERASE);
    return this.step({ box, labels }, stroke.radius);
  }

  /** Applies a label map (a hints image) as one step; `radius` scales its reach (default: from its strokes' thickness). */
  labels(map: LabelMap, radius = typicalRadius(map)): StepReport {
    return this.step(map, radius);
  }

  get canUndo(): boolean {
    return this.#done.length > 0;
  }

  get canRedo(): boolean {
    return this.#undone.length > 0;
  }

  /** Steps applied (and not undone). */
  get steps(): number {
    return this.#done.length;
  }

  /** Undoes the last step; returns the box it restored, or null when there is none. */
  undo(): Box | null {
    const p = this.#done.pop();
    if (!p) return null;
    this.#write(p.box, p.before, this.alpha);
    this.#write(p.seedBox, p.seedsBefore, this.#seeds);
    this.#undone.push(p);
    return p.box;
  }

  redo(): Box | null {
    const p = this.#undone.pop();
    if (!p) return null;
    this.#write(p.box, p.after, this.alpha);
    this.#write(p.seedBox, p.seedsAfter, this.#seeds);
    this.#done.push(p);
    return p.box;
  }

  step(map: LabelMap, radius: number): StepReport {
    const t0 = this.#now();
    const { width, height } = this.photo;
    const seedsBefore = this.#read(map.box, this.#seeds);
    const step = { seeds: map, radius, walls: { box: { x: 0, y: 0, width, height }, labels: this.#seeds } };
    const region = hintStepRegion(this.photo, step, this.#solver, this.#tuning);
    const regionBefore = this.#read(region, this.alpha);
    const result = applyHintStep(this.photo, this.alpha, step, this.#solver, this.#tuning);
    // Record the seeds, then what changed, for undo.
    for (let y = 0; y < map.box.height; y++) {
      for (let x = 0; x < map.box.width; x++) {
        const l = map.labels[y * map.box.width + x]!;
        if (l !== LABEL_NONE) this.#seeds[(map.box.y + y) * width + map.box.x + x] = l;
      }
    }
    const box = result.changed ?? { x: map.box.x, y: map.box.y, width: 0, height: 0 };
    this.#done.push({
      box,
      before: crop(regionBefore, region, box),
      after: this.#read(box, this.alpha),
      seedBox: map.box,
      seedsBefore,
      seedsAfter: this.#read(map.box, this.#seeds),
    });
    this.#undone.length = 0;
    return { changed: result.changed, regionPixels: result.region.width * result.region.height, ms: this.#now() - t0 };
  }

  /**
   * Pixels whose matte differs from before the first step, counted over the boxes the steps
   * changed (their union's bounding box), not over the frame.
   */
  changedSinceStart(): number {
    const patches = this.#done.filter((p) => p.box.width > 0 && p.box.height > 0);
    if (patches.length === 0) return 0;
    let box = patches[0]!.box;
    for (const p of patches) box = unionBox(box, p.box)!;
    // The matte as it was: now, with each patch's "before" written back, earliest last.
    const original = this.#read(box, this.alpha);
    for (const p of [...patches].reverse()) {
      for (let y = 0; y < p.box.height; y++) original.set(p.before.subarray(y * p.box.width, (y + 1) * p.box.width), (p.box.y - box.y + y) * box.width + (p.box.x - box.x));
    }
    const now = this.#read(box, this.alpha);
    let changed = 0;
    for (let i = 0; i < now.length; i++) if (now[i] !== original[i]) changed++;
    return changed;
  }

  #read(box: Box, from: Uint8Array): Uint8Array {
    const out = new Uint8Array(box.width * box.height);
    for (let y = 0; y < box.height; y++) {
      const s = (box.y + y) * this.photo.width + box.x;
      out.set(from.subarray(s, s + box.width), y * box.width);
    }
    return out;
  }

  #write(box: Box, data: Uint8Array, to: Uint8Array): void {
    for (let y = 0; y < box.height; y++) to.set(data.subarray(y * box.width, (y + 1) * box.width), (box.y + y) * this.photo.width + box.x);
  }
}

/** The part `box` of a patch read over `outer` (box lies inside outer). */
function crop(data: Uint8Array, outer: Box, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const s = (box.y - outer.y + y) * outer.width + (box.x - outer.x);
    out.set(data.subarray(s, s + box.width), y * box.width);
  }
  return out;
}

/** Half the typical thickness of a label map's marks: labelled pixels over boundary pixels. */
export function typicalRadius(map: LabelMap): number {
  const { width: w, height: h } = map.box;
  const l = map.labels;
  let area = 0, edge = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = l[y * w + x];
      if (!v) continue;
      area++;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1 || l[y * w + x - 1] !== v || l[y * w + x + 1] !== v || l[(y - 1) * w + x] !== v || l[(y + 1) * w + x] !== v) edge++;
    }
  }
  return edge === 0 ? 1 : Math.max(1, area / edge);
}

export interface HintsInput {
  strokes?: readonly Stroke[];
  /** A hints image as labels (applied first, as one step). */
  labels?: LabelMap;
}

export interface HintsReport {
  steps: number;
  /** Pixels whose matte changed. */
  changedPixels: number;
  /** Pixels read and solved, summed over the steps. */
  solvedPixels: number;
}

/**
 * Applies hints to a matte in place: the hints image (if any) as one step, then each stroke in
 * order. The same steps the web studio takes live, so the server's matte matches the page's.
 */
export function applyHints(photo: Photo, alpha: Uint8Array, hints: HintsInput, options: TouchupOptions = {}): HintsReport {
  const session = new TouchupSession(photo, alpha, options, () => 0);
  let solvedPixels = 0;
  if (hints.labels) solvedPixels += session.labels(hints.labels).regionPixels;
  for (const s of hints.strokes ?? []) solvedPixels += session.stroke(s).regionPixels;
  return { steps: session.steps, changedPixels: session.changedSinceStart(), solvedPixels };
}

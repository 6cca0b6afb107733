/**
 * The edit pipeline, top to bottom: decode, segment, refine (shared with cutouts), then the
 * scene, the layout (subject placed and resampled), the shadow, the composite (lighting
 * harmonised, layers blended) and the encode. Each stage is timed; side effects (sharp,
 * onnxruntime, the clock) come in through the image layer and `deps`.
 */
import type { HarmonizeResult } from '../compose/harmonize.ts';
import { FLOATING_GAP, planLayout, type LayoutContext, type Placement } from '../compose/layout.ts';
import type { ShadowParams } from '../compose/shadow.ts';
import { GreenroomError } from '../errors.ts';
import { renderImageBackground } from '../image/background-image.ts';
import type { DecodeLimits } from '../image/decode.ts';
import { encodeCanvas, type Box, type EncodedImage } from '../image/encode.ts';
import { readInput } from '../image/read-input.ts';
import type { Quality } from '../models/manifest.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { getTemplate, parsePrompt, type PromptParse, type Scene, type SceneLight } from '../scenes/index.ts';
import { placePodium } from '../scenes/podium.ts';
import type { EnergyReceipt } from '../energy/receipt.ts';
import { decodeStage, recorderFor, refineStage, reuseStage, segmentStage, type Cutout, type CutoutDeps } from './cutout.ts';
import type { HintsReport } from './hints-stage.ts';
import type { BackgroundJob, EditJob, ShadowMode } from './spec.ts';
import type { StageRecorder, StageTiming } from './stages.ts';

export interface EditResult {
  image: EncodedImage;
  source: { width: number; height: number; format: string; orientation: number };
  /** The subject's box in the output image. */
  subject: Box;
  /** Output pixels per source pixel. */
  scale: number;
  background: { type: BackgroundJob['type']; name?: string; seed?: number; understood?: PromptParse['understood']; unknown?: string[] };
  shadow: { mode: ShadowMode } & Partial<Omit<ShadowParams, 'mode'>>;
  lighting: { mode: EditJob['lighting']['mode']; stops?: number; gains?: HarmonizeResult['gains'] };
  preset?: string;
  warnings: string[];
  model: string;
  quality: Quality;
  workingSize: number;
  stages: StageTiming[];
  totalMs: number;
  energy?: EnergyReceipt;
  /** What the touch-up hints did (the `hints` stage of the receipt is their cost). */
  hints?: HintsReport;
  /** 0 (sure) .. 1 (unsure): how likely the cutout needs a look; absent when no network ran. */
  uncertainty?: number;
}

/** Neutral light for backgrounds that carry none (transparent). */
const NEUTRAL: SceneLight = { shadowDirection: 315, softness: 0.5, intensity: 0.7, color: [255, 255, 255], exposure: 0.8 };

const DEFAULT_INTENSITY: Record<Exclude<ShadowMode, 'none'>, number> = { soft: 0.75, hard: 0.6, floating: 0.6, reflection: 0.9 };

/** Below this placement scale an edit refines a downscaled copy of the photo instead of every pixel. */
const VIEW_BELOW_SCALE = 0.8;

export async function runEdit(bytes: Uint8Array, job: EditJob, deps: CutoutDeps): Promise<EditResult> {
  // Read a background photo before any work, so a bad path fails fast.
  const backgroundBytes = job.background.type === 'image' ? await readInput(job.background.file) : undefined;
  const io: EditIO = { limits: deps.limits, pixels: deps.pixels, ...(backgroundBytes ? { backgroundBytes } : {}) };
  const stages = recorderFor(deps);
  const input = await decodeStage(bytes, job.cutout, deps, stages);
  const { decoded } = input;
  let scene: Promise<RenderedScene> | undefined;
  // A matte to reuse (a previous cutout's, or the input's own): no network.
  let cut: Cutout | undefined = await reuseStage(input, job.cutout, deps, stages);
  if (!cut) {
    // (the mirrored pass, when the matte is undecided, only if it will be enlarged enough at the placement's size)
    const segmenting = segmentStage(decoded, job.cutout, deps, stages, (first, box) => viewSize(job, decoded, first, box) ?? decoded);
    // When the frame's size does not depend on the subject, paint the scene while the network runs
    // (it runs in a worker thread); first let the segment stage hand its image to the worker.
    const frame = frameBeforeSubject(job, decoded);
    if (frame) {
      await new Promise((resolve) => setImmediate(resolve));
      scene = renderScene(job, frame, io, stages);
      // awaited after the network; a failure must not count as unhandled meanwhile
      scene.catch(() => undefined);
    }
    const matte = await segmenting;
    // Refine and decontaminate at the size the subject will have in the frame, not at the photo's.
    cut = await refineStage(input, matte, job.cutout, deps, stages, viewSize(job, decoded, matte, matte.box));
  }
  const composed = await composeEdit(cut, job, io, stages, scene);
  return {
    ...composed,
    // output pixels per pixel of the photo as it came, whatever size it was refined at
    scale: round((composed.scale * cut.decoded.width) / decoded.width, 4),
    source: { width: decoded.width, height: decoded.height, format: decoded.format, orientation: decoded.orientation },
    ...(job.preset ? { preset: job.preset } : {}),
    warnings: job.warnings,
    model: deps.segmenter.model.id,
    quality: job.cutout.quality,
    workingSize: cut.workingSize,
    stages: stages.stages,
    totalMs: stages.totalMs,
    ...(deps.energy ? { energy: deps.energy.receipt() } : {}),
    ...(cut.hints ? { hints: cut.hints } : {}),
    ...(cut.uncertainty !== undefined ? { uncertainty: cut.uncertainty } : {}),
  };
}

/** The frame's size when it is known before the subject is (a fixed size, or the photo's). */
function frameBeforeSubject(job: EditJob, decoded: { width: number; height: number }): { width: number; height: number } | undefined {
  const size = job.layout.outputSize;
  if (size.kind === 'fixed') return { width: size.width, height: size.height };
  if (size.kind === 'original') return { width: decoded.width, height: decoded.height };
  return undefined;
}

/**
 * The size to refine at: the photo scaled to the placement the layout will give it, planned on
 * the subject's box in the network's matte (within a pixel or two of the refined one). Undefined
 * when the subject keeps most of its pixels anyway.
 */
function viewSize(job: EditJob, decoded: { width: number; height: number }, matte: { width: number; height: number }, box: Box | null): { width: number; height: number } | undefined {
  // An "original" frame is the photo's size and a "cropped" one follows the subject at full size.
  if (job.layout.outputSize.kind !== 'fixed') return undefined;
  if (!box) return undefined;
  const sx = decoded.width / matte.width;
  const sy = decoded.height / matte.height;
  const subject = { x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy };
  const { placement } = planEditLayout(job, decoded, subject, sceneOf(job).described, null);
  if (placement.scale >= VIEW_BELOW_SCALE) return undefined;
  return { width: Math.max(1, Math.round(decoded.width * placement.scale)), height: Math.max(1, Math.round(decoded.height * placement.scale)) };
}

/** What composing an edit needs besides the cutout: the limits, the pixel pool, a background photo's bytes. */
export interface EditIO {
  limits: DecodeLimits;
  pixels: PixelRunner;
  backgroundBytes?: Uint8Array;
}

export type ComposedEdit = Pick<EditResult, 'image' | 'subject' | 'scale' | 'background' | 'shadow' | 'lighting'>;

/**
 * Everything after the cutout: scene, layout, shadow, composite, encode. Separate so a cutout
 * can be laid on many backgrounds (the gallery) and the compose cost measured on its own (bench).
 */
export async function composeEdit(
  cut: Cutout,
  job: EditJob,
  io: EditIO,
  stages: StageRecorder,
  /** The scene, already being rendered at the frame's size (runEdit starts it during the network). */
  rendered?: Promise<RenderedScene>,
): Promise<ComposedEdit> {
  const { decoded } = cut;
  if (job.background.type === 'image' && !io.backgroundBytes) throw new Error('composeEdit: an image background needs its bytes');
  const found = cut.subject;
  if (!found) {
    throw new GreenroomError('NO_SUBJECT', 'No subject was found in the photo (the matte is empty). Use a photo where the product stands out from its background, or try quality "best".', { width: decoded.width, height: decoded.height });
  }
  const source = { width: decoded.width, height: decoded.height };
  const { parsed, described } = sceneOf(job);
  const { frame } = planEditLayout(job, source, found, described, null);
  const scene = await (rendered ?? renderScene(job, frame, io, stages));

  const { pixels } = io;
  const { placement, layer } = await stages.time('layout', async (control) => {
    const { placement } = planEditLayout(job, source, found, described, scene.horizon);
    const grow = 2;
    const region = { x: found.x - grow, y: found.y - grow, width: found.width + 2 * grow, height: found.height + 2 * grow };
    const { layer } = await pixels.run('place', { source: { ...source, rgb: cut.rgb, alpha: cut.alpha }, region, scale: placement.scale, originX: placement.originX, originY: placement.originY, frame }, { control });
    return { placement, layer };
  });
  if (!layer) throw new GreenroomError('INVALID_OPTION', 'layout: the subject ends up entirely outside the frame; check the alignment, padding and scaling.', { field: 'layout' });
  const bg = job.background;

  const shadowParams = resolveShadow(job, scene.light);
  const { map, mirror } = await stages.time('shadow', (control) => (shadowParams ? pixels.run('shadow', { layer, frame, params: shadowParams }, { control }) : { map: null, mirror: null }));

  const { canvas, lit } = await stages.time('compose', async (control) => {
    const lighting = job.lighting.mode !== 'none' && scene.rgb ? { light: scene.light, mode: job.lighting.mode, strength: job.lighting.strength } : undefined;
    const done = await pixels.run('compose', { frame, background: scene.rgb, layer, map, mirror, ...(lighting ? { lighting } : {}) }, { control });
    return { canvas: { width: frame.width, height: frame.height, channels: done.channels, data: done.data }, lit: done.lit };
  });

  const image = await stages.time('encode', (control) => (control.ranOn('libvips'), encodeCanvas({ ...canvas, format: job.export.format, ...(job.export.quality ? { quality: job.export.quality } : {}), flatten: job.export.backgroundColor })));

  return {
    image,
    subject: placement.subject,
    scale: round(placement.scale, 4),
    background: {
      type: bg.type,
      ...(bg.type === 'template' ? { name: bg.name } : {}),
      ...(bg.type === 'template' || bg.type === 'prompt' ? { seed: bg.seed } : {}),
      ...(parsed ? { understood: parsed.understood, unknown: parsed.unknown } : {}),
    },
    shadow: shadowParams ? { ...shadowParams } : { mode: 'none' },
    lighting: { mode: job.lighting.mode, ...(lit ? { stops: round(lit.stops, 3), gains: lit.gains.map((g) => round(g, 3)) as HarmonizeResult['gains'] } : {}) },
  };
}

export interface RenderedScene {
  rgb: Uint8Array | null;
  light: SceneLight;
  horizon: number | null;
  glossy: boolean;
}

/** The structured scene of a template or prompt (worked out once, for the renderer and the layout's podium). */
function sceneOf(job: EditJob): { parsed?: PromptParse; described?: Scene } {
  const bg = job.background;
  const parsed = bg.type === 'prompt' ? parsePrompt(bg.prompt) : undefined;
  const described = parsed?.scene ?? (bg.type === 'template' ? getTemplate(bg.name)?.scene : undefined);
  return { ...(parsed ? { parsed } : {}), ...(described ? { described } : {}) };
}

/** The background at the frame's size. */
function renderScene(job: EditJob, frame: { width: number; height: number }, io: EditIO, stages: StageRecorder): Promise<RenderedScene> {
  const bg = job.background;
  const { described } = sceneOf(job);
  return stages.time('scene', async (control) => {
    if (bg.type === 'transparent') return { rgb: null, light: NEUTRAL, horizon: null, glossy: false };
    if (bg.type === 'image') {
      control.ranOn('libvips');
      const rgb = await renderImageBackground({ bytes: io.backgroundBytes!, width: frame.width, height: frame.height, scaling: bg.scaling, blur: bg.blur, limits: io.limits, pixels: io.pixels });
      return { rgb, light: lightOf(rgb), horizon: null, glossy: false };
    }
    const spec = described && (bg.type === 'prompt' || bg.type === 'template') ? { type: 'scene' as const, scene: described } : bg;
    const seed = described && (bg.type === 'prompt' || bg.type === 'template') ? bg.seed : 0;
    return io.pixels.run('scene', { spec, width: frame.width, height: frame.height, seed }, { control });
  });
}

/**
 * The frame and the subject's placement. `horizon` is the rendered scene's (null before it is
 * known, or when it has none): it only moves the default vertical alignment, never the scale.
 */
function planEditLayout(job: EditJob, source: { width: number; height: number }, subject: Box, described: Scene | undefined, horizon: number | null): { frame: Placement; placement: Placement } {
  const reserveBelow = job.shadow.mode === 'floating' ? FLOATING_GAP : job.shadow.mode === 'reflection' ? 0.12 : 0;
  const ctx: LayoutContext = { source, subject, reserveBelow };
  const frame = planLayout(job.layout, ctx);
  const stage = described ? podiumStage(job, described, frame) : undefined;
  const placement = planLayout(job.layout, { ...ctx, defaultVertical: horizon === null ? 'center' : 'bottom', ...(stage ? { stage } : {}) });
  return { frame, placement };
}

/**
 * A podium's top face, where the subject should stand (front half of the ellipse, within 85% of
 * its width), when the scene has one and the layout leaves the vertical alignment open.
 */
function podiumStage(job: EditJob, scene: Scene, frame: { width: number; height: number }): LayoutContext['stage'] | undefined {
  if (job.layout.verticalAlignment || job.layout.referenceBox === 'originalImage') return undefined;
  const podium = scene.props.podium;
  if (!podium) return undefined;
  const pl = placePodium(podium, Math.min(0.8, Math.max(0.3, scene.horizon)), frame.width / frame.height);
  return { left: pl.cx - pl.rx * 0.85, right: pl.cx + pl.rx * 0.85, base: pl.top + pl.ry * 0.35 };
}

/** The spec's overrides, else what the scene's light suggests, else the mode's defaults. */
function resolveShadow(job: EditJob, light: SceneLight): ShadowParams | null {
  const s = job.shadow;
  if (s.mode === 'none') return null;
  return {
    mode: s.mode,
    direction: s.direction ?? light.shadowDirection,
    softness: s.softness ?? (s.mode === 'hard' ? Math.min(0.4, light.softness) : light.softness),
    intensity: s.intensity ?? DEFAULT_INTENSITY[s.mode] * (0.7 + 0.3 * light.intensity),
    spread: s.spread ?? 45,
  };
}

/** The light a photo background suggests: its mean colour as the light's colour, its mean level as exposure. */
function lightOf(rgb: Uint8Array): SceneLight {
  let r = 0, g = 0, b = 0, n = 0;
  for (let i = 0; i < rgb.length; i += 3 * 7) {
    r += rgb[i]!;
    g += rgb[i + 1]!;
    b += rgb[i + 2]!;
    n++;
  }
  r /= n; g /= n; b /= n;
  const max = Math.max(r, g, b, 1);
  return { ...NEUTRAL, color: [(255 * r) / max, (255 * g) / max, (255 * b) / max], exposure: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 };
}

function round(v: number, places: number): number {
  const k = 10 ** places;
  return Math.round(v * k) / k;
}

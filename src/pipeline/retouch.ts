/**
 * The retouch pipeline: decode the photo, retouch it (the mask read and checked, the canvas
 * expanded when asked, the fill on the pixel pool), encode. Each stage is timed and metered like
 * a cutout's; nothing runs the network.
 */
import { decodeImage, type DecodeLimits } from '../image/decode.ts';
import { encodeCanvas, encodeCutout, type EncodedImage } from '../image/encode.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import type { EnergyReceipt } from '../energy/receipt.ts';
import { recorderFor, type JobMeter } from './cutout.ts';
import type { RetouchOptions } from './retouch-options.ts';
import { retouchStage, type RetouchReport } from './retouch-stage.ts';
import type { Clock, StageTiming } from './stages.ts';

export interface RetouchDeps {
  pixels: PixelRunner;
  limits: DecodeLimits;
  clock?: Clock;
  energy?: JobMeter;
}

export interface RetouchResult {
  /** The retouched photo (PNG by default), at the photo's size or the expanded canvas's. */
  image: EncodedImage;
  source: { width: number; height: number; format: string; orientation: number };
  retouch: RetouchReport;
  stages: StageTiming[];
  totalMs: number;
  /** Joules and CO2e per stage and in total, with how they were obtained. */
  energy?: EnergyReceipt;
}

export async function runRetouch(bytes: Uint8Array, options: RetouchOptions, deps: RetouchDeps): Promise<RetouchResult> {
  const stages = recorderFor(deps);
  const decoded = await stages.time('decode', async (control) => {
    control.ranOn('libvips');
    const d = await decodeImage(bytes, deps.limits, deps.pixels);
    // HEIC is decoded on the pool.
    if (d.format === 'heic') control.ranOn('pool');
    return d;
  });
  const done = await retouchStage({ decoded }, options, deps, stages);
  const out = done.decoded;
  const image = await stages.time('encode', (control) => {
    control.ranOn('libvips');
    const common = { width: out.width, height: out.height, format: options.format, ...(options.exportQuality ? { quality: options.exportQuality } : {}) };
    // A cutout keeps its transparency (JPEG lays it on white).
    if (out.alpha) return encodeCutout({ ...common, rgb: out.rgb, alpha: out.alpha, channels: 'rgba' });
    return encodeCanvas({ ...common, channels: 3, data: out.rgb, flatten: { r: 255, g: 255, b: 255, alpha: 1 } });
  });
  return {
    image,
    source: { width: decoded.width, height: decoded.height, format: decoded.format, orientation: decoded.orientation },
    retouch: done.report,
    stages: stages.stages,
    totalMs: stages.totalMs,
    ...(deps.energy ? { energy: deps.energy.receipt() } : {}),
  };
}

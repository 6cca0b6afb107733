/**
 * Layout: where the subject goes in the output frame. Photoroom's positioning model: a
 * reference box (the subject's box grown by its margin, or the whole photo) is fitted into, or
 * made to fill, the target area (the frame minus its padding), then aligned inside it.
 * Pure arithmetic; every length resolves against the side it measures.
 */
import { GreenroomError } from '../errors.ts';
import type { Box } from '../image/encode.ts';
import type { LayoutJob } from '../pipeline/spec.ts';
import { toPixels } from './lengths.ts';

/** Room a floating shadow needs under the subject, as a fraction of the subject's height (shadow.ts casts it there). */
export const FLOATING_GAP = 0.08;

export interface Placement {
  /** The output frame. */
  width: number;
  height: number;
  /** Output pixels per source pixel. */
  scale: number;
  /** Where source pixel (0, 0) lands in the output (fractional). */
  originX: number;
  originY: number;
  /** The target area the reference box was fitted into. */
  target: Box;
  /** The subject's box in output pixels (may reach outside the frame when scaling is "fill"). */
  subject: Box;
}

export interface LayoutContext {
  source: { width: number; height: number };
  /** The subject's box in source pixels. */
  subject: Box;
  /** Alignment when the layout leaves the vertical one open: a scene with a surface stands the subject on it. */
  defaultVertical?: 'top' | 'center' | 'bottom';
  /** Extra room kept free under the subject, as a fraction of the target height (a floating shadow's gap). */
  reserveBelow?: number;
  /**
   * A place in the scene the subject stands on (a podium's top), as fractions of the frame: the
   * subject is fitted between `left` and `right`, above `base`, and stands on `base`.
   */
  stage?: { left: number; right: number; base: number };
}

export function planLayout(layout: LayoutJob, ctx: LayoutContext): Placement {
  const { source, subject } = ctx;
  const ref = referenceBox(layout, ctx);

  let width: number, height: number;
  if (layout.outputSize.kind === 'fixed') ({ width, height } = layout.outputSize);
  else if (layout.outputSize.kind === 'original') ({ width, height } = source);
  else {
    // The frame follows the reference box: padding ratios are of the frame being solved for.
    const grow = (along: number, a: LayoutJob['padding']['left'], b: LayoutJob['padding']['left']) => {
      const px = (a.unit === 'px' ? a.value : 0) + (b.unit === 'px' ? b.value : 0);
      const ratio = (a.unit === 'ratio' ? a.value : 0) + (b.unit === 'ratio' ? b.value : 0);
      return Math.round((along + px) / (1 - ratio));
    };
    width = grow(ref.width, layout.padding.left, layout.padding.right);
    height = grow(ref.height, layout.padding.top, layout.padding.bottom);
  }

  const left = toPixels(layout.padding.left, width), right = toPixels(layout.padding.right, width);
  const top = toPixels(layout.padding.top, height), bottom = toPixels(layout.padding.bottom, height);
  const stage = ctx.stage;
  const target = stage
    ? { x: stage.left * width, y: top, width: (stage.right - stage.left) * width, height: stage.base * height - top }
    : { x: left, y: top, width: width - left - right, height: height - top - bottom };
  if (target.width < 1 || target.height < 1) {
    throw new GreenroomError('INVALID_OPTION', `layout.padding: the padding (${Math.round(left + right)} px across, ${Math.round(top + bottom)} px down) leaves no room in a ${width}x${height} frame; use less padding or a larger outputSize.`, { field: 'layout.padding' });
  }
  const room = { ...target, height: target.height * (1 - (ctx.reserveBelow ?? 0)) };

  const sx = room.width / ref.width, sy = room.height / ref.height;
  const scale = layout.scaling === 'fill' ? Math.max(sx, sy) : Math.min(sx, sy);
  const placedW = ref.width * scale, placedH = ref.height * scale;
  const h = { left: 0, center: 0.5, right: 1 }[layout.horizontalAlignment];
  const v = stage ? 1 : { top: 0, center: 0.5, bottom: 1 }[layout.verticalAlignment ?? ctx.defaultVertical ?? 'center'];
  const refX = room.x + (room.width - placedW) * h;
  const refY = room.y + (room.height - placedH) * v;
  const originX = refX - ref.x * scale, originY = refY - ref.y * scale;

  return {
    width,
    height,
    scale,
    originX,
    originY,
    target: roundBox(target),
    subject: roundBox({ x: originX + subject.x * scale, y: originY + subject.y * scale, width: subject.width * scale, height: subject.height * scale }),
  };
}

/** The box that is fitted: the subject grown by its margin (relative to the subject), or the photo. */
function referenceBox(layout: LayoutJob, { source, subject }: LayoutContext): Box {
  if (layout.referenceBox === 'originalImage') return { x: 0, y: 0, width: source.width, height: source.height };
  const m = layout.margin;
  const l = toPixels(m.left, subject.width), r = toPixels(m.right, subject.width);
  const t = toPixels(m.top, subject.height), b = toPixels(m.bottom, subject.height);
  return { x: subject.x - l, y: subject.y - t, width: subject.width + l + r, height: subject.height + t + b };
}

function roundBox(b: Box): Box {
  const x = Math.round(b.x), y = Math.round(b.y);
  return { x, y, width: Math.round(b.x + b.width) - x, height: Math.round(b.y + b.height) - y };
}

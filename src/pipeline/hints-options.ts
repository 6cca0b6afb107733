/**
 * Touch-up hints as the job spec and the cutout options take them (`cutout.hints`), validated at
 * the edge with coded errors:
 *
 * - strokes: `[{ "mode": "erase", "radius": 12, "points": [[410, 120], [436, 118]] }, ...]`, or
 *   `{ "strokes": [...], "width": 741, "height": 500 }` when they were drawn on an image of another
 *   size than the photo (a preview): they are scaled to the photo, which must have the same shape;
 * - an image: `{ "image": <bytes>, "keepColor": "#00ff00", "eraseColor": "#ff0000" }` where one
 *   colour means keep, another erase and anything else no opinion; any size of the photo's shape.
 *
 * And the previous cutout whose matte is reused (`cutout.matte`: its bytes), so the network does
 * not run again. Paths are never read here: the CLI reads its files, the server takes uploads.
 */
import { GreenroomError } from '../errors.ts';
import { parseColor } from '../image/color.ts';
import type { HintMode, Stroke } from '../matte/hints.ts';

/** At most this many strokes, points in all, and points in one stroke. */
export const MAX_STROKES = 256;
export const MAX_POINTS = 65_536;
export const MAX_POINTS_PER_STROKE = 4096;
/** The hints image's default colours (the web studio's brushes). */
export const DEFAULT_KEEP_COLOR = '#00ff00';
export const DEFAULT_ERASE_COLOR = '#ff0000';
/** How far (Euclidean RGB) a hints image's pixel may be from the keep or erase colour (JPEG and scaling blur them). */
export const HINT_COLOR_TOLERANCE = 60;

export interface StrokeHints {
  kind: 'strokes';
  /** The field the hints came in, for error messages. */
  field: string;
  strokes: Stroke[];
  /** The size the strokes' coordinates refer to; the photo's when absent. */
  frame?: { width: number; height: number };
}

export interface ImageHints {
  kind: 'image';
  field: string;
  bytes: Uint8Array;
  keep: readonly [number, number, number];
  erase: readonly [number, number, number];
  keepColor: string;
  eraseColor: string;
}

export type HintsSpec = StrokeHints | ImageHints;

export type HintsInput =
  | ReadonlyArray<{ mode: HintMode; radius: number; points: ReadonlyArray<readonly [number, number]> }>
  | { strokes: ReadonlyArray<{ mode: HintMode; radius: number; points: ReadonlyArray<readonly [number, number]> }>; width?: number; height?: number }
  | { image: Uint8Array; keepColor?: string; eraseColor?: string }
  | Uint8Array;

const bad = (field: string, reason: string, message: string, extra: Record<string, unknown> = {}, options?: { cause?: unknown }) => new GreenroomError('INVALID_HINTS', `${field}: ${message}`, { field, reason, ...extra }, options);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates hints whatever the photo (shape, counts, colours); bounds are checked against the photo by `strokesForPhoto`. */
export function parseHints(value: unknown, field = 'cutout.hints'): HintsSpec {
  if (value instanceof Uint8Array) return parseImageHints({ image: value }, field);
  if (Array.isArray(value)) return parseStrokeHints({ strokes: value }, field);
  if (!isObject(value)) throw bad(field, 'format', 'expected a list of strokes ({"mode": "erase", "radius": 12, "points": [[x, y], ...]}) or a hints image.');
  if ('image' in value) return parseImageHints(value, field);
  if ('strokes' in value) return parseStrokeHints(value, field);
  throw bad(field, 'format', 'expected "strokes" (a list of {mode, radius, points}) or "image" (keep and erase colours on an image).');
}

function parseStrokeHints(value: Record<string, unknown>, field: string): StrokeHints {
  for (const key of Object.keys(value)) if (!['strokes', 'width', 'height'].includes(key)) throw bad(`${field}.${key}`, 'format', 'unknown field; strokes take "strokes", and "width" and "height" when drawn at another size.');
  const list = value.strokes;
  if (!Array.isArray(list)) throw bad(`${field}.strokes`, 'format', 'expected a list of strokes.');
  if (list.length === 0) throw bad(`${field}.strokes`, 'empty', 'no strokes: send at least one, or leave hints out.');
  if (list.length > MAX_STROKES) throw new GreenroomError('HINTS_TOO_LARGE', `${field}.strokes: ${list.length} strokes, more than ${MAX_STROKES}; send the strokes of one touch-up (merge them, or apply them in several requests on the cutout each one returns).`, { field: `${field}.strokes`, count: list.length, limit: MAX_STROKES });
  let total = 0;
  const strokes: Stroke[] = list.map((s: unknown, i) => {
    const at = `${field}.strokes.${i}`;
    if (!isObject(s)) throw bad(at, 'format', 'expected {"mode": "keep" or "erase", "radius": pixels, "points": [[x, y], ...]}.');
    for (const key of Object.keys(s)) if (!['mode', 'radius', 'points'].includes(key)) throw bad(`${at}.${key}`, 'format', 'unknown field; a stroke has mode, radius and points.');
    if (s.mode !== 'keep' && s.mode !== 'erase') throw bad(`${at}.mode`, 'format', `expected "keep" or "erase", got ${JSON.stringify(s.mode)}.`);
    if (!finite(s.radius) || s.radius <= 0) throw bad(`${at}.radius`, 'format', `expected a brush radius in pixels above 0, got ${JSON.stringify(s.radius)}.`);
    const pts = s.points;
    if (!Array.isArray(pts) || pts.length === 0) throw bad(`${at}.points`, pts === undefined || Array.isArray(pts) ? 'empty' : 'format', 'expected at least one point [x, y].');
    if (pts.length > MAX_POINTS_PER_STROKE) throw new GreenroomError('HINTS_TOO_LARGE', `${at}.points: ${pts.length} points, more than ${MAX_POINTS_PER_STROKE} in one stroke; simplify the path.`, { field: `${at}.points`, count: pts.length, limit: MAX_POINTS_PER_STROKE });
    total += pts.length;
    if (total > MAX_POINTS) throw new GreenroomError('HINTS_TOO_LARGE', `${field}.strokes: more than ${MAX_POINTS} points in all; simplify the paths.`, { field: `${field}.strokes`, limit: MAX_POINTS });
    const flat = new Float64Array(pts.length * 2);
    pts.forEach((p: unknown, k) => {
      if (!Array.isArray(p) || p.length !== 2 || !finite(p[0]) || !finite(p[1])) throw bad(`${at}.points.${k}`, 'format', `expected [x, y] in pixels, got ${JSON.stringify(p)?.slice(0, 40)}.`);
      flat[2 * k] = p[0];
      flat[2 * k + 1] = p[1];
    });
    return { mode: s.mode, radius: s.radius, points: flat };
  });
  const { width, height } = value;
  if ((width === undefined) !== (height === undefined)) throw bad(`${field}.${width === undefined ? 'width' : 'height'}`, 'format', 'give both width and height (the size the strokes were drawn at), or neither.');
  if (width !== undefined) {
    for (const [k, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 100_000) throw bad(`${field}.${k}`, 'format', `expected a whole number of pixels, got ${JSON.stringify(v)}.`);
    }
    return { kind: 'strokes', field, strokes, frame: { width: width as number, height: height as number } };
  }
  return { kind: 'strokes', field, strokes };
}

function parseImageHints(value: Record<string, unknown>, field: string): ImageHints {
  for (const key of Object.keys(value)) if (!['image', 'keepColor', 'eraseColor'].includes(key)) throw bad(`${field}.${key}`, 'format', 'unknown field; a hints image takes image, keepColor and eraseColor.');
  if (typeof value.image === 'string') throw bad(`${field}.image`, 'format', 'paths are not read here: pass the image\'s bytes (the CLI reads --hints FILE; the API takes the hints file part).');
  if (!(value.image instanceof Uint8Array)) throw bad(`${field}.image`, 'format', 'expected the hints image\'s bytes.');
  if (value.image.length === 0) throw bad(`${field}.image`, 'empty', 'the hints image is empty (0 bytes).');
  const colour = (key: 'keepColor' | 'eraseColor', fallback: string) => {
    const v = value[key] ?? fallback;
    try {
      if (typeof v !== 'string') throw new Error('not text');
      const c = parseColor(v, `${field}.${key}`);
      return { text: v, rgb: [c.r, c.g, c.b] as const };
    } catch (err) {
      throw bad(`${field}.${key}`, 'colour', `unknown colour ${JSON.stringify(v)}; use hex (#00ff00) or a colour name (green).`, { got: v }, { cause: err });
    }
  };
  const keep = colour('keepColor', DEFAULT_KEEP_COLOR);
  const erase = colour('eraseColor', DEFAULT_ERASE_COLOR);
  const distance = Math.hypot(keep.rgb[0] - erase.rgb[0], keep.rgb[1] - erase.rgb[1], keep.rgb[2] - erase.rgb[2]);
  if (distance < 2 * HINT_COLOR_TOLERANCE) throw bad(`${field}.eraseColor`, 'colour', `the keep colour ${keep.text} and the erase colour ${erase.text} are too alike to tell apart; pick two distinct colours.`);
  return { kind: 'image', field, bytes: value.image, keep: keep.rgb, erase: erase.rgb, keepColor: keep.text, eraseColor: erase.text };
}

/** Whether a drawing of width x height has the photo's shape (a pixel of rounding allowed). */
export function sameShape(width: number, height: number, photo: { width: number; height: number }): boolean {
  return Math.abs((width * photo.height) / photo.width - height) <= 1 || Math.abs((height * photo.width) / photo.height - width) <= 1;
}

/**
 * The strokes in the photo's pixels: scaled from their frame, each point within the photo (a
 * brush may hang over the edge by its radius), radii no larger than half the photo.
 */
export function strokesForPhoto(hints: StrokeHints, photo: { width: number; height: number }, field = hints.field): Stroke[] {
  const frame = hints.frame ?? photo;
  if (hints.frame && !sameShape(frame.width, frame.height, photo)) {
    throw bad(`${field}.width`, 'size', `the strokes were drawn on a ${frame.width}x${frame.height} image, but the photo is ${photo.width}x${photo.height}, another shape; draw them on the photo (or a copy of the same shape).`, { frame, photo });
  }
  const sx = photo.width / frame.width, sy = photo.height / frame.height;
  const scale = Math.sqrt(sx * sy);
  return hints.strokes.map((s, i) => {
    const radius = s.radius * scale;
    if (radius > Math.max(photo.width, photo.height) / 2) throw bad(`${field}.strokes.${i}.radius`, 'bounds', `a ${s.radius} px brush is larger than half the ${frame.width}x${frame.height} frame.`, { radius: s.radius });
    const points = new Float64Array(s.points.length);
    for (let k = 0; k < s.points.length; k += 2) {
      const x = s.points[k]!, y = s.points[k + 1]!;
      if (x < -s.radius || y < -s.radius || x > frame.width + s.radius || y > frame.height + s.radius) {
        throw bad(`${field}.strokes.${i}.points.${k / 2}`, 'bounds', `[${x}, ${y}] is outside the ${frame.width}x${frame.height} ${hints.frame ? 'frame' : 'photo'} (a brush may overhang the edge by its radius, ${s.radius}).`, { point: [x, y], frame });
      }
      points[k] = x * sx;
      points[k + 1] = y * sy;
    }
    return { mode: s.mode, radius: Math.max(0.5, radius), points };
  });
}

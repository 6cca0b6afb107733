/**
 * The touch-up fields of the image routes: `hints` (strokes as JSON text, or a file part: a hints
 * image, or a JSON file of strokes), `keep_color` and `erase_color` for a hints image, and
 * `matte_file` (the previous cutout of the same photo, whose matte is reused: no network).
 */
import { GreenroomError } from '../errors.ts';
import type { HintsInput } from '../pipeline/hints-options.ts';
import { Upload } from './multipart.ts';

export const HINTS_BODY_PROPERTIES = {
  hints: {
    anyOf: [{ type: 'string' }, { isFile: true }],
    description:
      'Touch-up hints. As text: JSON strokes, [{"mode": "erase", "radius": 12, "points": [[410, 120], [436, 118]]}, ...] in the photo\'s pixels, or {"strokes": [...], "width": W, "height": H} when drawn at another size of the same shape. As a file: a hints image (any size of the photo\'s shape; keep_color means keep, erase_color erase, anything else no opinion) or a JSON file of strokes.',
  },
  keep_color: { type: 'string', maxLength: 64, description: 'The keep colour of a hints image (default #00ff00).' },
  erase_color: { type: 'string', maxLength: 64, description: 'The erase colour of a hints image (default #ff0000).' },
  matte_file: { isFile: true, description: "The previous cutout of this photo (PNG with transparency, or a grey matte): its matte is reused and the network does not run again. Send the original photo as image_file so a keep stroke can bring back the photo's colours." },
} as const;

/** The most JSON a hints field may carry. */
export const MAX_HINTS_JSON = 4_000_000;

export interface HintsBody {
  hints?: string | Upload;
  keep_color?: string;
  erase_color?: string;
  matte_file?: Upload;
}

/** The hints of a request as the cutout options and the job spec take them, or undefined. */
export function readHintsField(body: HintsBody): HintsInput | undefined {
  const { hints } = body;
  if (hints === undefined) {
    if (body.keep_color !== undefined || body.erase_color !== undefined) throw new GreenroomError('INVALID_HINTS', `${body.keep_color !== undefined ? 'keep_color' : 'erase_color'}: only a hints image takes colours; send the image in the hints field.`, { field: body.keep_color !== undefined ? 'keep_color' : 'erase_color', reason: 'format' });
    return undefined;
  }
  const bytes = hints instanceof Upload ? hints.data : undefined;
  const text = typeof hints === 'string' ? hints : bytes && looksLikeJson(bytes) ? Buffer.from(bytes).toString('utf8') : undefined;
  if (text !== undefined) {
    // 65,536 points take about 1.6 MB of JSON; far beyond that is refused before parsing.
    if (text.length > MAX_HINTS_JSON) throw new GreenroomError('HINTS_TOO_LARGE', `hints: ${(text.length / 1e6).toFixed(1)} MB of JSON, more than ${MAX_HINTS_JSON / 1e6} MB; send the strokes of one touch-up, with simplified paths.`, { field: 'hints', limitBytes: MAX_HINTS_JSON });
    if (body.keep_color !== undefined || body.erase_color !== undefined) throw new GreenroomError('INVALID_HINTS', 'keep_color, erase_color: strokes carry their mode; colours apply to a hints image only.', { field: 'keep_color', reason: 'format' });
    if (text.trim() === '') throw new GreenroomError('INVALID_HINTS', 'hints: empty; send JSON strokes or a hints image, or leave the field out.', { field: 'hints', reason: 'empty' });
    try {
      return JSON.parse(text) as HintsInput;
    } catch (err) {
      throw new GreenroomError('INVALID_HINTS', `hints: not valid JSON (${(err as Error).message}); send strokes as [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}] or a hints image file.`, { field: 'hints', reason: 'format' }, { cause: err });
    }
  }
  return { image: new Uint8Array(bytes!.buffer, bytes!.byteOffset, bytes!.length), ...(body.keep_color !== undefined ? { keepColor: body.keep_color } : {}), ...(body.erase_color !== undefined ? { eraseColor: body.erase_color } : {}) };
}

/** A file that starts (after white space) with { or [ is JSON, not an image. */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

/** The previous cutout's bytes, when sent. */
export function readMatteField(body: HintsBody): Uint8Array | undefined {
  const m = body.matte_file;
  return m ? new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.length) : undefined;
}

/** Error fields of the options renamed to the route's fields (hints.strokes.0 stays under hints; matte becomes matte_file). */
export function renameTouchupField(err: unknown, sent: { hints: boolean; matte: boolean } = { hints: true, matte: true }): unknown {
  if (!(err instanceof GreenroomError)) return err;
  const field = String(err.details.field ?? '');
  const coarse = ['cutout.coarseMatte', 'coarseMatte'].find((f) => field === f);
  if (coarse) return new GreenroomError(err.code.replace('GREENROOM_ERR_', '') as never, err.message.startsWith(coarse) ? `coarse_matte${err.message.slice(coarse.length)}` : err.message, { ...err.details, field: 'coarse_matte' }, { cause: err });
  const from = ['cutout.matte', 'matte'].find((f) => field === f);
  if (from && sent.matte) return new GreenroomError(err.code.replace('GREENROOM_ERR_', '') as never, err.message.startsWith(from) ? `matte_file${err.message.slice(from.length)}` : err.message, { ...err.details, field: 'matte_file' }, { cause: err });
  if (field.startsWith('cutout.hints') && sent.hints) {
    const renamed = field.replace(/^cutout\.hints/, 'hints');
    return new GreenroomError(err.code.replace('GREENROOM_ERR_', '') as never, err.message.startsWith(field) ? `${renamed}${err.message.slice(field.length)}` : err.message, { ...err.details, field: renamed, specField: field }, { cause: err });
  }
  return err;
}

/**
 * The touch-up flags of `greenroom cutout` and `greenroom edit`: --hints FILE (JSON strokes, or
 * an image where one colour means keep and another erase), --keep-color and --erase-color for
 * such an image, and --matte FILE (the previous cutout of the photo: its matte is reused and the
 * network does not run again). Hints belong to one photo, so these take exactly one INPUT.
 */
import fsp from 'node:fs/promises';
import { GreenroomError } from '../errors.ts';
import { parseHints, type HintsInput } from '../pipeline/hints-options.ts';
import { UsageError } from './args.ts';

export const HINTS_FLAG_OPTIONS = {
  hints: { type: 'string' },
  'keep-color': { type: 'string' },
  'erase-color': { type: 'string' },
  matte: { type: 'string' },
} as const;

export type HintsFlags = Partial<Record<keyof typeof HINTS_FLAG_OPTIONS, string>>;

export interface TouchupInputs {
  hints?: HintsInput;
  matte?: Uint8Array;
}

/** Reads --hints and --matte, validating the hints' shape (their bounds are checked against the photo). */
export async function readHintsFlags(v: HintsFlags, usage: string): Promise<TouchupInputs> {
  const bad = (message: string, code = 'GREENROOM_ERR_INVALID_HINTS') => new UsageError(message, usage, code);
  const read = async (flag: string, file: string) => {
    try {
      return new Uint8Array(await fsp.readFile(file));
    } catch (err) {
      throw bad(`--${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`, flag === 'matte' ? 'GREENROOM_ERR_INPUT_NOT_FOUND' : undefined);
    }
  };
  const out: TouchupInputs = {};
  if (v.hints === undefined) {
    if (v['keep-color'] !== undefined || v['erase-color'] !== undefined) throw bad('--keep-color and --erase-color name the colours of a hints image; give it with --hints FILE.');
  } else {
    const bytes = await read('hints', v.hints);
    const text = Buffer.from(bytes.subarray(0, 64)).toString('utf8').trimStart();
    let hints: HintsInput;
    if (text.startsWith('{') || text.startsWith('[')) {
      if (v['keep-color'] !== undefined || v['erase-color'] !== undefined) throw bad('--keep-color and --erase-color apply to a hints image; a JSON file of strokes gives each stroke its mode.');
      try {
        hints = JSON.parse(Buffer.from(bytes).toString('utf8')) as HintsInput;
      } catch (err) {
        throw bad(`--hints: ${v.hints} is not valid JSON (${(err as Error).message}).`);
      }
    } else {
      hints = { image: bytes, ...(v['keep-color'] !== undefined ? { keepColor: v['keep-color'] } : {}), ...(v['erase-color'] !== undefined ? { eraseColor: v['erase-color'] } : {}) };
    }
    try {
      parseHints(hints, 'hints');
    } catch (err) {
      if (err instanceof GreenroomError) throw bad(`--hints (${v.hints}): ${err.message.replace(/^hints[.:]\s?/, '')}`, err.code);
      throw err;
    }
    out.hints = hints;
  }
  if (v.matte !== undefined) out.matte = await read('matte', v.matte);
  return out;
}

/** Hints and a matte belong to one photo. */
export function requireOneInput(touchup: TouchupInputs, inputs: number, usage: string): void {
  if ((touchup.hints !== undefined || touchup.matte !== undefined) && inputs !== 1) {
    throw new UsageError(`--hints and --matte belong to one photo; name exactly one INPUT (got ${inputs}).`, usage, 'GREENROOM_ERR_INVALID_HINTS');
  }
}

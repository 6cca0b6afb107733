/**
 * A job's spec as stored (JSON only) and checked, shared by both queues: validation as the
 * studio will do it (INVALID_OPTION naming the field), the output format, error summaries.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../image/encode.ts';
import { parseCutoutOptions } from '../pipeline/cutout-options.ts';
import { backgroundShorthand, parseEditSpec } from '../pipeline/spec.ts';
import { EXTENSIONS } from '../cli/names.ts';
import type { JobKind } from './types.ts';

/** What the spec says a background image is, after `background` shorthand is expanded. */
const UPLOADED = '(uploaded)';

export interface PreparedJob {
  kind: JobKind;
  /** The spec as stored: JSON, an uploaded background replaced by a marker. */
  spec: Record<string, unknown>;
  format: OutputFormat;
  ext: string;
}

/**
 * Takes an uploaded background out of a submitted spec: bytes as given, a local path (the CLI)
 * as a stream of that file (the job keeps its own copy, so a worker on another machine, or a
 * resumed job, does not depend on the path).
 */
export function extractBackground(kind: JobKind, raw: unknown): { spec: unknown; background?: Uint8Array | Readable } {
  if (kind !== 'edit' || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { spec: raw };
  const spec: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const bg = typeof spec.background === 'string' ? backgroundShorthand(spec.background) : spec.background;
  if (!bg || typeof bg !== 'object' || (bg as Record<string, unknown>).type !== 'image') return { spec };
  const file = (bg as Record<string, unknown>).file;
  if (file instanceof Uint8Array) return { spec: { ...spec, background: { ...bg, file: UPLOADED } }, background: file };
  if (typeof file === 'string' && file.length > 0 && file !== UPLOADED) {
    return { spec: { ...spec, background: { ...bg, file: UPLOADED } }, background: fs.createReadStream(path.resolve(file)) };
  }
  return { spec };
}

/** Validates kind and spec (INVALID_OPTION naming the field) and returns what is stored. */
export function prepareJob(kindIn: unknown, raw: unknown, hasBackground: boolean): PreparedJob {
  const kind = kindIn ?? 'edit';
  if (kind !== 'edit' && kind !== 'cutout') throw new GreenroomError('INVALID_OPTION', `kind: expected "edit" or "cutout"; got ${JSON.stringify(kind)}.`, { field: 'kind', expected: ['edit', 'cutout'], got: kind });
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new GreenroomError('INVALID_OPTION', 'spec: expected a JSON object.', { field: 'spec', expected: 'object', got: typeof input });
  const spec: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  if (kind === 'edit') {
    const bg = typeof spec.background === 'string' ? backgroundShorthand(spec.background) : spec.background;
    const isImage = !!bg && typeof bg === 'object' && (bg as Record<string, unknown>).type === 'image';
    if (hasBackground) spec.background = { ...(isImage ? (bg as object) : {}), type: 'image', file: UPLOADED };
    else if (isImage) {
      throw new GreenroomError('INVALID_OPTION', 'background.file: a job reads only what was uploaded with it; upload the background image (background_file).', { field: 'background.file', expected: 'an uploaded background' });
    }
  } else if (hasBackground) {
    throw new GreenroomError('INVALID_OPTION', 'background_file: cutout jobs take no background image; use kind=edit.', { field: 'background_file' });
  }
  const format = formatOf(kind, spec);
  return { kind, spec, format, ext: EXTENSIONS[format] };
}

/** The spec the studio runs: the stored spec with the uploaded background's bytes put back. */
export function runnableSpec(spec: Record<string, unknown>, background: Uint8Array | undefined): Record<string, unknown> {
  if (!background) return spec;
  return { ...spec, background: { ...(spec.background as Record<string, unknown>), file: background } };
}

export function formatOf(kind: JobKind, spec: Record<string, unknown>): OutputFormat {
  // An uploaded background is checked for what it is (bytes), not read.
  const bg = spec.background as Record<string, unknown> | undefined;
  const check = bg && typeof bg === 'object' && bg.file === UPLOADED ? { ...spec, background: { ...bg, file: new Uint8Array(0) } } : spec;
  const format = kind === 'edit' ? parseEditSpec(check).export.format : parseCutoutOptions(check).format;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new Error(`unexpected output format ${format}`);
  return format;
}

/** An item's failure as stored: its code and message (unexpected failures keep their message, not their stack). */
export function summarize(err: unknown): { code: string; message: string } {
  if (isGreenroomError(err)) return { code: err.code, message: err.message };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return { code: typeof code === 'string' ? code : 'GREENROOM_ERR_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
}

export function jobNotFound(id: string): GreenroomError {
  return new GreenroomError('JOB_NOT_FOUND', `No job ${id}: check the id (finished jobs are deleted after the retention period).`, { id });
}

export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new GreenroomError('INVALID_CONFIG', `${name} must be a positive number; got ${value}.`, { field: name });
  return value;
}

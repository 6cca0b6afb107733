/**
 * POST /v1/edit: a photo and a job spec in, the finished image out. The spec travels as a JSON
 * `spec` field (docs/EDITING.md) and/or as single fields that override it (background, seed,
 * shadow, lighting, preset, size, padding, format, export_quality, quality); an image
 * background is uploaded as `background_file`. Server-side paths are never read: an image
 * background must be uploaded.
 */
import type { FastifyInstance } from 'fastify';
import { GreenroomError, isGreenroomError } from '../../errors.ts';
import { PRESET_NAMES } from '../../compose/presets.ts';
import { QUALITIES } from '../../models/manifest.ts';
import { backgroundShorthand, LIGHTING_MODES, SHADOW_MODES } from '../../pipeline/spec.ts';
import { imageRouteOptions, inputLabel, processImage, requireUpload } from '../image-route.ts';
import { Upload } from '../multipart.ts';
import { HINTS_BODY_PROPERTIES, readHintsField, readMatteField, renameTouchupField, type HintsBody } from '../hints-fields.ts';
import { headerText, sendImage } from '../reply-image.ts';
import { GreenroomErrorSchema, imageResponses } from '../schemas.ts';

export const EditBodySchema = {
  type: 'object',
  required: ['image_file'],
  additionalProperties: false,
  properties: {
    image_file: { isFile: true, description: 'The photo.' },
    spec: { type: 'string', maxLength: 100_000, description: 'The job spec as JSON (docs/EDITING.md): {"retouch": ..., "background": ..., "shadow": ..., "lighting": ..., "layout": ..., "export": ..., "energy": ...}; a retouch step ({"strokes": [...]} or {"expand": "10%"}) runs before the cutout. The fields below override it.' },
    background: { type: 'string', maxLength: 2000, description: 'A colour (white, #f4efe6), template:NAME, transparent, a scene in words, or a JSON background object.' },
    background_file: { isFile: true, description: 'An image to use as the background (JPEG, PNG...).' },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Seed of a template or prompt scene.' },
    shadow: { type: 'string', maxLength: 2000, description: `${SHADOW_MODES.join(', ')} (ai.soft... accepted), or a JSON shadow object.` },
    lighting: { type: 'string', maxLength: 2000, description: `${LIGHTING_MODES.join(', ')}, or a JSON lighting object.` },
    preset: { type: 'string', enum: [...PRESET_NAMES], description: 'Marketplace preset (size, framing, background, format).' },
    size: { type: 'string', maxLength: 32, description: 'Output size: WxH (2000x2000), original or cropped.' },
    padding: { type: 'string', maxLength: 32, description: 'Space between frame and subject: 0.1, 10% or 40px.' },
    format: { type: 'string', enum: ['png', 'jpeg', 'jpg', 'webp', 'avif'] },
    export_quality: { type: 'integer', minimum: 1, maximum: 100 },
    quality: { type: 'string', enum: [...QUALITIES], description: 'Cutout quality.' },
    coarse_matte: { isFile: true, description: 'The coarse-matte.png of a preview cutout of this photo (POST /v1/cutout with preview), unchanged: refined for this edit, the network does not run.' },
    ...HINTS_BODY_PROPERTIES,
  },
} as const;

interface EditBody extends HintsBody {
  image_file: Upload;
  spec?: string;
  background?: string;
  background_file?: Upload;
  seed?: number;
  shadow?: string;
  lighting?: string;
  preset?: string;
  size?: string;
  padding?: string;
  format?: string;
  export_quality?: number;
  quality?: string;
  coarse_matte?: Upload;
}

type Json = Record<string, unknown>;

/** The spec path each single field writes, so an error about it names the field that was sent. */
const FIELD_PATHS: Record<string, string> = {
  quality: 'cutout.quality',
  background: 'background',
  background_file: 'background.file',
  seed: 'background.seed',
  shadow: 'shadow',
  lighting: 'lighting',
  preset: 'layout.preset',
  size: 'layout.outputSize',
  padding: 'layout.padding',
  format: 'export.format',
  export_quality: 'export.quality',
};

function parseJsonField(value: string, field: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new GreenroomError('INVALID_OPTION', `${field}: expected JSON, could not parse it (${(err as Error).message}).`, { field, expected: 'JSON' });
  }
}

const objectOrText = (v: string, field: string): unknown => (/^\s*[{[]/.test(v) ? parseJsonField(v, field) : v);

/** The spec from the `spec` field with the single fields laid over it. */
export function buildSpec(b: EditBody): { spec: Json; given: Set<string> } {
  let spec: Json = {};
  if (b.spec !== undefined) {
    const parsed = parseJsonField(b.spec, 'spec');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GreenroomError('INVALID_OPTION', 'spec: expected a JSON object such as {"background": "white", "shadow": "soft"}.', { field: 'spec', expected: 'a JSON object' });
    spec = parsed as Json;
  }
  const given = new Set<string>();
  const section = (name: string): Json => {
    const s = spec[name];
    if (s !== undefined && (!s || typeof s !== 'object' || Array.isArray(s))) throw new GreenroomError('INVALID_OPTION', `spec.${name}: expected an object.`, { field: `spec.${name}`, expected: 'an object' });
    return { ...((s as Json | undefined) ?? {}) };
  };
  const set = (field: string, apply: () => void) => {
    if ((b as unknown as Json)[field] === undefined) return;
    given.add(field);
    apply();
  };
  set('quality', () => (spec.cutout = { ...section('cutout'), quality: b.quality }));
  set('background', () => (spec.background = objectOrText(b.background!, 'background')));
  set('shadow', () => (spec.shadow = objectOrText(b.shadow!, 'shadow')));
  set('lighting', () => (spec.lighting = objectOrText(b.lighting!, 'lighting')));
  set('preset', () => (spec.layout = { ...section('layout'), preset: b.preset }));
  set('size', () => (spec.layout = { ...section('layout'), outputSize: b.size }));
  set('padding', () => (spec.layout = { ...section('layout'), padding: /^\d*\.?\d+$/.test(b.padding!) ? Number(b.padding) : b.padding }));
  set('format', () => (spec.export = { ...section('export'), format: b.format === 'jpg' ? 'jpeg' : b.format }));
  set('export_quality', () => (spec.export = { ...section('export'), quality: b.export_quality }));

  // Backgrounds: shorthand text becomes an object here so that image paths can be refused and seeds attached.
  let bg = typeof spec.background === 'string' ? backgroundShorthand(spec.background) : (spec.background as Json | undefined);
  if (bg !== undefined && (bg === null || typeof bg !== 'object' || Array.isArray(bg))) {
    throw new GreenroomError('INVALID_OPTION', 'background: expected text or a background object.', { field: given.has('background') ? 'background' : 'spec.background', expected: 'text or an object' });
  }
  if (b.background_file) {
    given.add('background_file');
    if (bg !== undefined && bg.type !== 'image') {
      throw new GreenroomError('INVALID_OPTION', `background_file: an uploaded background conflicts with the ${String(bg.type)} background also given; send one of them.`, { field: 'background_file', expected: 'no other background' });
    }
    bg = { ...(bg ?? {}), type: 'image', file: b.background_file.data };
  } else if (bg?.type === 'image' && !(bg.file instanceof Uint8Array)) {
    throw new GreenroomError('INVALID_OPTION', 'background.file: the server does not read files by path; upload the background image in the background_file field.', { field: given.has('background') ? 'background' : 'background.file', expected: 'an uploaded background_file' });
  }
  if (b.seed !== undefined) {
    given.add('seed');
    if (bg?.type !== 'template' && bg?.type !== 'prompt') throw new GreenroomError('INVALID_OPTION', 'seed: only template and prompt backgrounds take a seed.', { field: 'seed', expected: 'a template or prompt background' });
    bg = { ...bg, seed: b.seed };
  }
  if (bg !== undefined) spec.background = bg;

  // Touch-up: hints as a field (text or file) or in the spec's cutout (strokes only), and the previous cutout as a file.
  const cutout = spec.cutout;
  if (cutout !== undefined && (cutout === null || typeof cutout !== 'object' || Array.isArray(cutout))) throw new GreenroomError('INVALID_OPTION', 'spec.cutout: expected an object.', { field: 'spec.cutout', expected: 'an object' });
  const c = cutout as Json | undefined;
  if (c?.matte !== undefined) throw new GreenroomError('INVALID_OPTION', 'cutout.matte: upload the previous cutout as the matte_file part; the server does not take it inside the spec.', { field: 'cutout.matte', expected: 'a matte_file part' });
  const hints = readHintsField(b);
  if (hints !== undefined) {
    if (c?.hints !== undefined) throw new GreenroomError('INVALID_HINTS', 'hints: given both as a field and in spec.cutout.hints; send one of them.', { field: 'hints', reason: 'format' });
    given.add('hints');
    spec.cutout = { ...section('cutout'), hints };
  }
  const matte = readMatteField(b);
  if (matte) {
    given.add('matte_file');
    spec.cutout = { ...section('cutout'), matte };
  }
  if (b.coarse_matte) {
    given.add('coarse_matte');
    const c = b.coarse_matte.data;
    spec.cutout = { ...section('cutout'), coarseMatte: new Uint8Array(c.buffer, c.byteOffset, c.length) };
  }
  return { spec, given };
}

/** An INVALID_OPTION about a spec path that a single field set, renamed to that field. */
function renameField(err: unknown, given: Set<string>): unknown {
  if (!isGreenroomError(err, 'INVALID_OPTION')) return err;
  const path = String(err.details.field ?? '');
  for (const field of given) {
    const p = FIELD_PATHS[field]!;
    if (path === p || path.startsWith(`${p}.`)) {
      const message = err.message.startsWith(path) ? `${field}${err.message.slice(path.length)}` : `${field}: ${err.message}`;
      return new GreenroomError('INVALID_OPTION', message, { ...err.details, field, specField: path });
    }
  }
  return err;
}

export async function editRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: EditBody }>(
    '/v1/edit',
    {
      ...imageRouteOptions(app),
      schema: {
        operationId: 'createEdit',
        tags: ['images'],
        summary: 'Cut out a photo and lay it on a background with a shadow',
        description: 'Multipart upload: image_file plus the job spec (a JSON `spec` field and/or single fields). Answers the image with the cutout headers plus X-Seed (when a seed was used) and X-Warnings (preset rules broken).',
        consumes: ['multipart/form-data'],
        body: EditBodySchema,
        response: imageResponses(GreenroomErrorSchema),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const upload = requireUpload(b as unknown as Json);
      const { spec, given } = buildSpec(b);
      const name = inputLabel(upload);
      let result;
      try {
        result = await processImage(app, request, reply, 'edit', () => app.greenroom.studio.edit(upload.data, spec as never, { operation: 'edit', ...(name ? { input: name } : {}) }));
      } catch (err) {
        throw renameField(renameTouchupField(err, { hints: given.has('hints'), matte: given.has('matte_file') }), given);
      }
      if (result.background.seed !== undefined) reply.header('x-seed', String(result.background.seed));
      if (result.warnings.length > 0) reply.header('x-warnings', headerText(result.warnings.join(' | ')));
      if (result.preset) reply.header('x-preset', result.preset);
      return sendImage(reply, result, { clientName: upload.filename, fallbackName: 'edit' });
    },
  );
}

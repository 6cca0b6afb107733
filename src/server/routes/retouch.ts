/**
 * POST /v1/retouch: a photo and what to remove (a mask image, or brush strokes), or how much to
 * expand the canvas, in; the retouched photo out. The network does not run. Bad masks are coded
 * errors (INVALID_MASK: empty, another shape, unreadable; MASK_TOO_LARGE: over half the photo).
 */
import type { FastifyInstance } from 'fastify';
import { GreenroomError } from '../../errors.ts';
import type { HintsInput } from '../../pipeline/hints-options.ts';
import { imageRouteOptions, inputLabel, processImage, requireUpload } from '../image-route.ts';
import { Upload } from '../multipart.ts';
import { MAX_HINTS_JSON } from '../hints-fields.ts';
import { sendImage } from '../reply-image.ts';
import { GreenroomErrorSchema, imageResponses } from '../schemas.ts';

export const RetouchBodySchema = {
  type: 'object',
  required: ['image_file'],
  additionalProperties: false,
  properties: {
    image_file: { isFile: true, description: 'The photo: JPEG, PNG, WebP, AVIF, TIFF or GIF. A cutout (PNG with transparency) is its own matte and keeps its transparency.' },
    mask_file: { isFile: true, description: 'What to remove: an image of the photo\'s shape at any size, white (or opaque, on a transparent image) where to remove, black (or clear) elsewhere.' },
    strokes: {
      anyOf: [{ type: 'string' }, { isFile: true }],
      description: 'What to remove, as brush strokes instead of a mask (JSON text or a JSON file), in the touch-up format: [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}, ...] in the photo\'s pixels, or {"strokes": [...], "width": W, "height": H} when drawn on a copy of another size. Erase strokes paint what to remove; keep strokes take pixels back out.',
    },
    expand: { type: 'string', maxLength: 64, description: 'Grow the canvas and fill the new border from the photo: 200px (or 200), 10% of each side, 2 or 4 values (top right bottom left), or the new size WxH (photo centred); at most 100% on a side. With a mask or strokes, both are filled.' },
    matte_file: { isFile: true, description: "The photo's cutout (or a grey matte), of the photo's shape: a hole on the product is filled from the product, one in the background from the background." },
    format: { type: 'string', enum: ['png', 'jpeg', 'jpg', 'webp', 'avif'], default: 'png' },
    export_quality: { type: 'integer', minimum: 1, maximum: 100, description: 'Encoder quality for jpeg, webp, avif.' },
  },
} as const;

interface RetouchBody {
  image_file: Upload;
  mask_file?: Upload;
  strokes?: string | Upload;
  expand?: string;
  matte_file?: Upload;
  format: 'png' | 'jpeg' | 'jpg' | 'webp' | 'avif';
  export_quality?: number;
}

const bytes = (u: Upload) => new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.length);

/** The strokes field's JSON, with coded errors naming the field. */
function readStrokes(value: string | Upload): HintsInput {
  const text = typeof value === 'string' ? value : value.data.toString('utf8');
  if (text.length > MAX_HINTS_JSON) throw new GreenroomError('HINTS_TOO_LARGE', `strokes: ${(text.length / 1e6).toFixed(1)} MB of JSON, more than ${MAX_HINTS_JSON / 1e6} MB; simplify the paths.`, { field: 'strokes', limitBytes: MAX_HINTS_JSON });
  if (text.trim() === '') throw new GreenroomError('INVALID_MASK', 'strokes: empty; send JSON strokes or a mask_file.', { field: 'strokes', reason: 'empty' });
  try {
    return JSON.parse(text) as HintsInput;
  } catch (err) {
    throw new GreenroomError('INVALID_MASK', `strokes: not valid JSON (${(err as Error).message}); send [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}].`, { field: 'strokes', reason: 'format' }, { cause: err });
  }
}

/** The options' field names (mask, matte) as the route's (mask_file, matte_file). */
function renameField(err: unknown): unknown {
  if (!(err instanceof GreenroomError)) return err;
  const field = String(err.details.field ?? '');
  const to = field === 'mask' ? 'mask_file' : field === 'matte' ? 'matte_file' : undefined;
  if (!to) return err;
  return new GreenroomError(err.code.replace('GREENROOM_ERR_', '') as never, err.message.startsWith(field) ? `${to}${err.message.slice(field.length)}` : err.message, { ...err.details, field: to }, { cause: err });
}

export async function retouchRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: RetouchBody }>(
    '/v1/retouch',
    {
      ...imageRouteOptions(app),
      schema: {
        operationId: 'retouchImage',
        tags: ['images'],
        summary: 'Remove what a mask covers, or expand the canvas, filling from the photo',
        description:
          'Multipart upload: image_file, and mask_file or strokes (what to remove) and/or expand. Answers the retouched photo (PNG by default) at its own size, or the expanded size, with X-Width, X-Height, X-Retouch (filled pixels, the changed box), Server-Timing and energy headers. Pixels outside the mask do not change beyond a 2 px blend along its edge. No network runs. Errors: GREENROOM_ERR_INVALID_MASK (400: empty, another shape, unreadable, both a mask and strokes), GREENROOM_ERR_MASK_TOO_LARGE (422: over half the photo); a corrupt photo is GREENROOM_ERR_CORRUPT_IMAGE (422).',
        consumes: ['multipart/form-data'],
        body: RetouchBodySchema,
        response: imageResponses(GreenroomErrorSchema, undefined, {
          description: 'The retouched photo, at its own size or the expanded size. Headers: X-Width, X-Height, X-Retouch, Server-Timing (ms per stage: decode, retouch, encode), X-Energy-Joules, X-Energy-Stages, X-Energy-Method, X-CO2e-Grams.',
          headers: { 'X-Retouch': { type: 'string', description: 'filled=<pixels>, share=<of the output>, changed=<x,y,width,height>, expanded=<top,right,bottom,left> (after an expand), matte=none|previous-cutout|input-alpha|frame.' } },
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const upload = requireUpload(b as unknown as Record<string, unknown>);
      const strokes = b.strokes === undefined ? undefined : readStrokes(b.strokes);
      const name = inputLabel(upload);
      const result = await processImage(app, request, reply, 'retouch', () =>
        app.greenroom.studio.retouch(
          upload.data,
          {
            format: b.format === 'jpg' ? 'jpeg' : b.format,
            ...(b.export_quality !== undefined ? { exportQuality: b.export_quality } : {}),
            ...(b.mask_file ? { mask: bytes(b.mask_file) } : {}),
            ...(strokes !== undefined ? { strokes } : {}),
            ...(b.expand !== undefined ? { expand: b.expand } : {}),
            ...(b.matte_file ? { matte: bytes(b.matte_file) } : {}),
          },
          { operation: 'retouch', ...(name ? { input: name } : {}) },
        ),
      ).catch((err: unknown) => {
        throw renameField(err);
      });
      const r = result.retouch;
      reply.header('x-retouch', `filled=${r.filledPixels}, share=${r.share}${r.changed ? `, changed=${r.changed.x},${r.changed.y},${r.changed.width},${r.changed.height}` : ''}${r.expanded ? `, expanded=${r.expanded.top},${r.expanded.right},${r.expanded.bottom},${r.expanded.left}` : ''}, matte=${r.matteFrom}`);
      return sendImage(reply, result, { clientName: upload.filename, fallbackName: 'retouched' });
    },
  );
}

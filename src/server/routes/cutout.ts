/** POST /v1/cutout: a photo in, the cut-out subject out (PNG RGBA by default). */
import type { FastifyInstance } from 'fastify';
import { QUALITIES } from '../../models/manifest.ts';
import { checkColor, checkMargin, imageRouteOptions, inputLabel, processImage, requireUpload } from '../image-route.ts';
import { EXTENSIONS, sendImage, sendZip } from '../reply-image.ts';
import { GreenroomErrorSchema, imageResponses } from '../schemas.ts';
import type { Upload } from '../multipart.ts';
import { HINTS_BODY_PROPERTIES, readHintsField, readMatteField, renameTouchupField, type HintsBody } from '../hints-fields.ts';

/** The preview answer's files: the small cutout, and the coarse matte that makes the full one. */
export const PREVIEW_ENTRY = 'preview';
export const COARSE_ENTRY = 'coarse-matte.png';

function fileBytes(u: Upload): Uint8Array {
  return new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.length);
}

export const CutoutBodySchema = {
  type: 'object',
  required: ['image_file'],
  additionalProperties: false,
  properties: {
    image_file: { isFile: true, description: 'The photo: JPEG, PNG, WebP, AVIF, TIFF or GIF (recognised from its bytes).' },
    quality: { type: 'string', enum: [...QUALITIES], default: 'best', description: "The network's working resolution: fast 512, balanced 768, best 1024; max works at 1024 too and adds the passes best skips for time (the mirrored photo when the matte is undecided, and the photo framed in grey whenever the subject touches the frame), for up to three passes." },
    format: { type: 'string', enum: ['png', 'jpeg', 'jpg', 'webp', 'avif'], default: 'png' },
    channels: { type: 'string', enum: ['rgba', 'alpha'], default: 'rgba', description: 'rgba: the cutout; alpha: the matte alone, one grey channel.' },
    bg_color: { type: 'string', maxLength: 64, description: 'Lay the cutout on a colour: hex (#fff, 336699, #33669980) or a name (white).' },
    crop: { type: 'boolean', default: false, description: 'Crop to the subject.' },
    crop_margin: { type: 'string', maxLength: 64, description: 'Margin around the crop (implies crop): 20px, 10%, or 2 or 4 values; at most 500px or 50%.' },
    refine: { type: 'boolean', default: true, description: 'Edges sharpened where the photo shows them (false: plain bilinear upsampling of the matte).' },
    decontaminate: { type: 'boolean', default: true, description: "Clean the old background's colour from soft edges." },
    export_quality: { type: 'integer', minimum: 1, maximum: 100, description: 'Encoder quality for jpeg, webp, avif.' },
    model: { type: 'string', maxLength: 64, description: 'Model id (see greenroom models; default isnet).' },
    preview: {
      type: 'integer',
      minimum: 64,
      maximum: 8192,
      description: `Answer a preview instead: a zip of ${PREVIEW_ENTRY}.<format> (the cutout at most this many pixels a side, refined at that size) and ${COARSE_ENTRY} (the network's coarse matte). Send the coarse matte back as coarse_matte with the same photo for the full-resolution cutout or an edit: the network does not run again.`,
    },
    coarse_matte: { isFile: true, description: `The ${COARSE_ENTRY} of a preview answer for this photo, unchanged: refined again at full resolution (or at the preview size asked), the network does not run.` },
    ...HINTS_BODY_PROPERTIES,
  },
} as const;

interface CutoutBody extends HintsBody {
  image_file: Upload;
  quality: (typeof QUALITIES)[number];
  format: 'png' | 'jpeg' | 'jpg' | 'webp' | 'avif';
  channels: 'rgba' | 'alpha';
  bg_color?: string;
  crop: boolean;
  crop_margin?: string;
  refine: boolean;
  decontaminate: boolean;
  export_quality?: number;
  model?: string;
  preview?: number;
  coarse_matte?: Upload;
}

export async function cutoutRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: CutoutBody }>(
    '/v1/cutout',
    {
      ...imageRouteOptions(app),
      schema: {
        operationId: 'createCutout',
        tags: ['images'],
        summary: 'Cut the subject out of a photo',
        description: 'Multipart upload. Answers the image (PNG RGBA by default) with X-Width, X-Height, X-Subject-Box, Server-Timing and energy headers. With hints (and the previous cutout as matte_file, so the network does not run again), keep and erase strokes fix the cutout; X-Hints says what they changed.',
        consumes: ['multipart/form-data'],
        body: CutoutBodySchema,
        response: imageResponses(GreenroomErrorSchema, ['image/png', 'image/jpeg', 'image/webp', 'image/avif', 'application/zip'], {
          description: `The image; with preview, a zip of ${PREVIEW_ENTRY}.<format> and ${COARSE_ENTRY} (X-Width and X-Height are the preview's size, X-Source-Width and X-Source-Height the photo's).`,
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const upload = requireUpload(b as unknown as Record<string, unknown>);
      const bgColor = checkColor(b.bg_color, 'bg_color');
      const cropMargin = checkMargin(b.crop_margin, 'crop_margin');
      const hints = readHintsField(b);
      const matte = readMatteField(b);
      const name = inputLabel(upload);
      const result = await processImage(app, request, reply, 'cutout', () =>
        app.greenroom.studio.cutout(
          upload.data,
          {
            quality: b.quality,
            format: b.format === 'jpg' ? 'jpeg' : b.format,
            channels: b.channels,
            refine: b.refine,
            decontaminate: b.decontaminate,
            crop: b.crop || cropMargin !== undefined,
            ...(cropMargin !== undefined ? { cropMargin } : {}),
            ...(bgColor !== undefined ? { bgColor } : {}),
            ...(b.export_quality !== undefined ? { exportQuality: b.export_quality } : {}),
            ...(b.model ? { model: b.model } : {}),
            ...(hints !== undefined ? { hints } : {}),
            ...(matte ? { matte } : {}),
            ...(b.preview ? { preview: b.preview } : {}),
            ...(b.coarse_matte ? { coarseMatte: fileBytes(b.coarse_matte) } : {}),
          },
          { operation: 'cutout', ...(name ? { input: name } : {}) },
        ),
      ).catch((err: unknown) => {
        throw renameTouchupField(err);
      });
      if (b.preview) {
        const files = [{ name: `${PREVIEW_ENTRY}.${EXTENSIONS[result.image.format]}`, data: result.image.data }, ...(result.coarseMatte ? [{ name: COARSE_ENTRY, data: result.coarseMatte.data }] : [])];
        reply.header('x-source-width', String(result.source.width));
        reply.header('x-source-height', String(result.source.height));
        return sendZip(reply, result, files, { clientName: upload.filename, fallbackName: 'cutout' });
      }
      return sendImage(reply, result, { clientName: upload.filename, fallbackName: 'cutout' });
    },
  );
}

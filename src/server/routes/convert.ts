/**
 * POST /v1/convert: a photo as JPEG, PNG or WebP, decoded as every input is (orientation, sRGB,
 * HEIC included), optionally scaled down. For viewers that cannot read the original: the web
 * studio shows a HEIC photo through it.
 */
import type { FastifyInstance } from 'fastify';
import { CONVERT_FORMATS } from '../../pipeline/convert.ts';
import { imageRouteOptions, requireUpload } from '../image-route.ts';
import type { Upload } from '../multipart.ts';
import { safeFilename, serverTiming } from '../reply-image.ts';
import { GreenroomErrorSchema, imageResponses } from '../schemas.ts';

export const ConvertBodySchema = {
  type: 'object',
  required: ['image_file'],
  additionalProperties: false,
  properties: {
    image_file: { isFile: true, description: 'The photo: HEIC, JPEG, PNG, WebP, AVIF, TIFF or GIF (recognised from its bytes).' },
    format: { type: 'string', enum: [...CONVERT_FORMATS, 'jpg'], default: 'jpeg' },
    quality: { type: 'integer', minimum: 1, maximum: 100, default: 92, description: 'Encoder quality for jpeg and webp.' },
    max_pixels: { type: 'integer', minimum: 1, description: 'Scale down to at most this many pixels (width x height).' },
  },
} as const;

interface ConvertBody {
  image_file: Upload;
  format: (typeof CONVERT_FORMATS)[number] | 'jpg';
  quality: number;
  max_pixels?: number;
}

export async function convertRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: ConvertBody }>(
    '/v1/convert',
    {
      ...imageRouteOptions(app),
      schema: {
        tags: ['images'],
        summary: 'Convert a photo to JPEG, PNG or WebP',
        description: 'Decodes the photo as every route does (EXIF or HEIF rotation applied, colours converted to sRGB, HEIC included) and writes it as JPEG (default), PNG or WebP, optionally scaled down to max_pixels. No network runs. Headers: X-Width, X-Height, Server-Timing.',
        consumes: ['multipart/form-data'],
        body: ConvertBodySchema,
        response: imageResponses(GreenroomErrorSchema, ['image/jpeg', 'image/png', 'image/webp']),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const upload = requireUpload(b as unknown as Record<string, unknown>);
      const { limiter } = app.greenroom;
      const result = await limiter.run(() => app.greenroom.studio.convert(upload.data, { format: b.format === 'jpg' ? 'jpeg' : b.format, quality: b.quality, ...(b.max_pixels ? { maxPixels: b.max_pixels } : {}) }));
      reply.header('content-type', result.image.mime);
      reply.header('content-disposition', `inline; filename="${safeFilename(upload.filename, result.image.format, 'photo')}"`);
      reply.header('x-width', String(result.image.width));
      reply.header('x-height', String(result.image.height));
      reply.header('server-timing', serverTiming(result.stages, result.totalMs));
      reply.header('cache-control', 'no-store');
      return reply.send(result.image.data);
    },
  );
}

/**
 * POST /v1/segment: Photoroom's remove-background request (image_file, format, channels,
 * bg_color, size, crop, despill) and error shape {detail, status_code, type}. For integrations
 * that let the user set the service URL. Like Photoroom it sends x-uncertainty-score (0..1, lower is surer).
 */
import type { FastifyInstance } from 'fastify';
import { checkColor, imageRouteOptions, inputLabel, processImage, requireUpload } from '../image-route.ts';
import type { Upload } from '../multipart.ts';
import { sendImage } from '../reply-image.ts';
import { imageResponses, PhotoroomErrorSchema } from '../schemas.ts';

/** Photoroom's output sizes as megapixel caps; full is 36 MP (and the server's pixel limit). */
export const PHOTOROOM_SIZES: Record<string, number> = { preview: 250_000, medium: 1_500_000, hd: 4_000_000, full: 36_000_000 };

export const SegmentBodySchema = {
  type: 'object',
  required: ['image_file'],
  additionalProperties: true,
  properties: {
    image_file: { isFile: true, description: 'The photo.' },
    format: { type: 'string', enum: ['png', 'jpg', 'webp'], default: 'png' },
    channels: { type: 'string', enum: ['rgba', 'alpha'], default: 'rgba' },
    bg_color: { type: 'string', maxLength: 64, description: 'Hex (with or without #) or a colour name.' },
    size: { type: 'string', enum: Object.keys(PHOTOROOM_SIZES), default: 'full', description: 'preview 0.25 MP, medium 1.5 MP, hd 4 MP, full 36 MP (default).' },
    crop: { type: 'boolean', default: false, description: 'Crop to the subject.' },
    despill: { type: 'boolean', default: true, description: "Clean the old background's colour from the edges (greenroom's decontamination, on by default)." },
  },
} as const;

interface SegmentBody {
  image_file: Upload;
  format: 'png' | 'jpg' | 'webp';
  channels: 'rgba' | 'alpha';
  bg_color?: string;
  size: string;
  crop: boolean;
  despill: boolean;
}

export async function segmentRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: SegmentBody }>(
    '/v1/segment',
    {
      ...imageRouteOptions(app, 'photoroom'),
      schema: {
        tags: ['compatibility'],
        summary: "Photoroom's segment call",
        description: "Photoroom's remove-background fields; answers the image with X-Width, X-Height and the cutout headers; errors as {detail, status_code, type}.",
        consumes: ['multipart/form-data'],
        body: SegmentBodySchema,
        response: imageResponses(PhotoroomErrorSchema, ['image/png', 'image/jpeg', 'image/webp']),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const upload = requireUpload(b as unknown as Record<string, unknown>);
      const bgColor = checkColor(b.bg_color, 'bg_color');
      const name = inputLabel(upload);
      const cap = Math.min(PHOTOROOM_SIZES[b.size]!, app.greenroom.config.maxPixels);
      const result = await processImage(app, request, reply, 'segment', async () => {
        return app.greenroom.studio.cutout(
          upload.data,
          {
            maxPixels: cap,
            format: b.format === 'jpg' ? 'jpeg' : b.format,
            channels: b.channels,
            crop: b.crop,
            decontaminate: b.despill,
            ...(bgColor !== undefined ? { bgColor } : {}),
          },
          { operation: 'cutout', ...(name ? { input: name } : {}) },
        );
      });
      return sendImage(reply, result, { clientName: upload.filename, fallbackName: 'segment' });
    },
  );
}

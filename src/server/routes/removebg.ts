/**
 * POST /v1.0/removebg: remove.bg's request (multipart, JSON or form fields) and answer: the
 * image with X-Width, X-Height, X-Type, X-Credits-Charged and X-Foreground-* headers; errors
 * as {"errors":[{"title","code","detail"}]} with remove.bg's codes where one fits. For
 * integrations that let the user set the service URL (remove.bg's own clients hard-code theirs).
 */
import type { FastifyInstance } from 'fastify';
import { GreenroomError } from '../../errors.ts';
import { formatBytes } from '../errors.ts';
import { checkColor, checkMargin, imageRouteOptions, processImage } from '../image-route.ts';
import { Upload } from '../multipart.ts';
import { sendImage } from '../reply-image.ts';
import { imageResponses, RemovebgErrorSchema } from '../schemas.ts';
import { fetchImage } from '../url-fetch.ts';
import { parseColor } from '../../image/color.ts';

/** Output megapixel caps of remove.bg's sizes (full/auto/4k/50MP: the photo's own size, up to the pixel limit). */
export const REMOVEBG_SIZES: Record<string, number | undefined> = {
  preview: 250_000, small: 250_000, regular: 250_000, medium: 1_500_000, hd: 4_000_000, full: undefined, '4k': undefined, '50MP': undefined, auto: undefined,
};

export const RemovebgBodySchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    image_file: { isFile: true, description: 'The photo (exactly one of image_file, image_file_b64, image_url).' },
    image_file_b64: { type: 'string', description: 'The photo, base64-encoded.' },
    image_url: { type: 'string', maxLength: 2048, description: 'A URL to fetch the photo from; only when the server sets GREENROOM_ALLOW_URL_FETCH=1, and never private or loopback addresses.' },
    size: { type: 'string', enum: Object.keys(REMOVEBG_SIZES), default: 'preview', description: 'preview (0.25 MP, default; also small, regular), medium (1.5 MP), hd (4 MP), full / auto / 4k / 50MP (the photo\'s size).' },
    type: { type: 'string', description: 'Ignored (greenroom is tuned for products); X-Type answers product.' },
    format: { type: 'string', enum: ['auto', 'png', 'jpg', 'zip'], default: 'auto', description: 'auto: PNG, or JPG when bg_color is opaque; zip is not supported.' },
    channels: { type: 'string', enum: ['rgba', 'alpha'], default: 'rgba' },
    bg_color: { type: 'string', maxLength: 64, description: 'Hex (81d4fa, fff, 81d4fa77) or a colour name.' },
    crop: { type: 'boolean', default: false },
    crop_margin: { type: 'string', maxLength: 64, description: 'px or %, 1, 2 or 4 values; at most 500px or 50%. Applies with crop=true.' },
    roi: { type: 'string', description: 'Only the whole image (0% 0% 100% 100%) is supported.' },
    scale: { type: 'string', description: 'Only original (or 100%) is supported.' },
    position: { type: 'string', description: 'Only original (or center) is supported.' },
    bg_image_url: { type: 'string', description: 'Not supported (use /v1/edit with background_file).' },
    bg_image_file: { description: 'Not supported (use /v1/edit with background_file).' },
  },
} as const;

interface RemovebgBody {
  image_file?: unknown;
  image_file_b64?: string;
  image_url?: string;
  size: string;
  format: 'auto' | 'png' | 'jpg' | 'zip';
  channels: 'rgba' | 'alpha';
  bg_color?: string;
  crop: boolean;
  crop_margin?: string;
  roi?: string;
  scale?: string;
  position?: string;
  bg_image_url?: string;
  bg_image_file?: unknown;
}

function unsupported(field: string, detail: string): GreenroomError {
  return new GreenroomError('INVALID_OPTION', `${field}: ${detail}`, { field, expected: 'a supported value' });
}

/** The source bytes, from exactly one of image_file, image_file_b64, image_url. */
async function readSource(b: RemovebgBody, app: FastifyInstance): Promise<{ bytes: Uint8Array; name?: string | undefined }> {
  const { config } = app.greenroom;
  const sources = (['image_file', 'image_file_b64', 'image_url'] as const).filter((k) => b[k] !== undefined && b[k] !== '');
  if (sources.length === 0) throw new GreenroomError('MISSING_IMAGE', 'No image given: send one of image_file (upload), image_file_b64 or image_url.', { field: 'image_file' });
  if (sources.length > 1) throw new GreenroomError('INVALID_OPTION', `source: send only one of image_file, image_file_b64, image_url (got ${sources.join(' and ')}).`, { field: 'source', expected: 'one source' });
  if (b.image_file !== undefined) {
    if (!(b.image_file instanceof Upload)) throw new GreenroomError('INVALID_OPTION', 'image_file: expected a file upload (multipart file part); for base64 use image_file_b64.', { field: 'image_file', expected: 'a file upload' });
    return { bytes: b.image_file.data, name: b.image_file.filename };
  }
  if (b.image_file_b64 !== undefined) {
    const text = b.image_file_b64.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new GreenroomError('INVALID_OPTION', 'image_file_b64: expected base64 text.', { field: 'image_file_b64', expected: 'base64' });
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length > config.server.maxUploadBytes) throw new GreenroomError('UPLOAD_TOO_LARGE', `image_file_b64: the image is larger than ${formatBytes(config.server.maxUploadBytes)}.`, { field: 'image_file_b64', limitBytes: config.server.maxUploadBytes });
    return { bytes };
  }
  if (!config.server.allowUrlFetch) {
    throw new GreenroomError('URL_FETCH_DISABLED', 'image_url: this server does not fetch URLs. Upload the file as image_file (or image_file_b64), or ask the operator to set GREENROOM_ALLOW_URL_FETCH=1.', { field: 'image_url' });
  }
  return { bytes: await fetchImage(b.image_url!, { maxBytes: config.server.maxUploadBytes }) };
}

export async function removebgRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: RemovebgBody }>(
    '/v1.0/removebg',
    {
      ...imageRouteOptions(app, 'removebg'),
      schema: {
        tags: ['compatibility'],
        summary: "remove.bg's removebg call",
        description: "Accepts remove.bg's fields as multipart, JSON or form data; answers the image with X-Width, X-Height, X-Type: product, X-Credits-Charged: 0, X-Foreground-Top/Left/Width/Height, and remove.bg-shaped errors.",
        consumes: ['multipart/form-data', 'application/json', 'application/x-www-form-urlencoded'],
        body: RemovebgBodySchema,
        response: imageResponses(RemovebgErrorSchema, ['image/png', 'image/jpeg']),
      },
    },
    async (request, reply) => {
      const b = request.body ?? ({} as RemovebgBody);
      if (b.format === 'zip') throw unsupported('format', 'zip (a colour JPEG plus an alpha PNG) is not supported by greenroom; ask for png, or jpg with bg_color.');
      if (b.roi !== undefined && !/^0(%|px)? 0(%|px)? 100% 100%$/.test(b.roi.trim())) throw unsupported('roi', 'only the whole image ("0% 0% 100% 100%") is supported.');
      if (b.scale !== undefined && !/^(original|100%)$/.test(b.scale)) throw unsupported('scale', 'only "original" is supported.');
      if (b.position !== undefined && !/^(original|center)$/.test(b.position)) throw unsupported('position', 'only "original" is supported.');
      if (b.bg_image_url !== undefined) throw unsupported('bg_image_url', 'background images are not supported here; use POST /v1/edit with background_file.');
      if (b.bg_image_file !== undefined) throw unsupported('bg_image_file', 'background images are not supported here; use POST /v1/edit with background_file.');
      const bgColor = checkColor(b.bg_color, 'bg_color');
      const cropMargin = checkMargin(b.crop_margin, 'crop_margin');
      const { bytes, name } = await readSource(b, app);
      // auto: PNG when the result has transparency, JPG when it is laid on an opaque colour.
      const opaque = bgColor !== undefined && parseColor(bgColor, 'bg_color').alpha === 1;
      const format = b.format === 'jpg' || (b.format === 'auto' && opaque && b.channels === 'rgba') ? 'jpeg' : 'png';
      const cap = REMOVEBG_SIZES[b.size];
      const result = await processImage(app, request, reply, 'removebg', async () => {
        return app.greenroom.studio.cutout(
          bytes,
          {
            ...(cap ? { maxPixels: cap } : {}),
            format,
            channels: b.channels,
            crop: b.crop,
            ...(b.crop && cropMargin !== undefined ? { cropMargin } : {}),
            ...(bgColor !== undefined ? { bgColor } : {}),
          },
          { operation: 'cutout', input: 'removebg' },
        );
      });
      reply.header('x-type', 'product');
      reply.header('x-credits-charged', '0');
      if (result.subject) {
        reply.header('x-foreground-top', String(result.subject.y));
        reply.header('x-foreground-left', String(result.subject.x));
        reply.header('x-foreground-width', String(result.subject.width));
        reply.header('x-foreground-height', String(result.subject.height));
      }
      return sendImage(reply, result, { clientName: name, fallbackName: 'no-bg' });
    },
  );
}

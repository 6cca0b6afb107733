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
import { sendImage, sendZip } from '../reply-image.ts';
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
    type: { type: 'string', maxLength: 64, description: 'Accepted and not used (greenroom is tuned for products); X-Type answers product.' },
    type_level: { type: 'string', enum: ['none', 'latest', '1', '2'], description: 'Accepted and not used.' },
    format: { type: 'string', enum: ['auto', 'png', 'jpg', 'zip'], default: 'auto', description: 'auto: PNG, or JPG when bg_color is opaque; zip: color.jpg (the colours, no alpha) and alpha.png (the matte) in a zip, which recombine to the PNG answer.' },
    semitransparency: { type: 'boolean', default: true, description: 'Soft edges and see-through parts keep partial alpha (what greenroom always does); false is refused.' },
    add_shadow: { type: 'boolean', default: false, description: 'true is refused here: use POST /v1/edit with shadow=soft.' },
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

/** What remove.bg's zip holds: these names are what its own clients look for (remove.bg's CLI, Ruby gem). */
export const ZIP_COLOR = 'color.jpg';
export const ZIP_ALPHA = 'alpha.png';
/** The colour JPEG's quality: at 95 the parts recombine to the PNG within a few levels where alpha > 0. */
const ZIP_JPEG_QUALITY = 95;

interface RemovebgBody {
  image_file?: unknown;
  image_file_b64?: string;
  image_url?: string;
  size: string;
  format: 'auto' | 'png' | 'jpg' | 'zip';
  semitransparency: boolean;
  add_shadow: boolean;
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
        operationId: 'removeBackground',
        tags: ['compatibility'],
        summary: "remove.bg's removebg call",
        description: "Accepts remove.bg's fields as multipart, JSON or form data; answers the image with X-Width, X-Height, X-Type: product, X-Credits-Charged: 0, X-Foreground-Top/Left/Width/Height, and remove.bg-shaped errors.",
        consumes: ['multipart/form-data', 'application/json', 'application/x-www-form-urlencoded'],
        body: RemovebgBodySchema,
        response: imageResponses(RemovebgErrorSchema, ['image/png', 'image/jpeg', 'application/zip'], { description: 'The image (PNG or JPG), or with format=zip a zip of color.jpg and alpha.png. Headers: X-Width, X-Height, X-Type, X-Credits-Charged, X-Foreground-Top/Left/Width/Height, the rate-limit headers and the cutout headers.' }),
      },
    },
    async (request, reply) => {
      const b = request.body ?? ({} as RemovebgBody);
      if (!b.semitransparency) throw unsupported('semitransparency', 'false (a hard-edged matte) is not offered; greenroom keeps soft edges.');
      if (b.add_shadow) throw unsupported('add_shadow', 'true is not offered on this route; POST /v1/edit with shadow=soft lays the cutout with a shadow.');
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
      const zip = b.format === 'zip';
      const format = zip || b.format === 'jpg' || (b.format === 'auto' && opaque && b.channels === 'rgba') ? 'jpeg' : 'png';
      const cap = REMOVEBG_SIZES[b.size];
      const result = await processImage(app, request, reply, 'removebg', async () => {
        return app.greenroom.studio.cutout(
          bytes,
          {
            ...(cap ? { maxPixels: cap } : {}),
            format,
            // A zip holds the colours and the matte whatever channels says: alpha.png is the matte channels=alpha asks for.
            channels: zip ? 'rgba' : b.channels,
            ...(zip ? { split: true, exportQuality: ZIP_JPEG_QUALITY } : {}),
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
      if (zip) return sendZip(reply, result, [{ name: ZIP_COLOR, data: result.image.data }, { name: ZIP_ALPHA, data: result.alpha!.data }], { clientName: name, fallbackName: 'no-bg' });
      return sendImage(reply, result, { clientName: name, fallbackName: 'no-bg' });
    },
  );
}

/**
 * JSON schema pieces shared by the routes: the three error shapes, the responses of the image
 * routes, and the OpenAPI transform (file fields as binary uploads, the API-key requirement and
 * its 401 on the routes behind keys, documented multipart bodies the route reads itself).
 */
import type { ErrorShape } from './errors.ts';

export const GreenroomErrorSchema = {
  type: 'object',
  description: 'A coded error: `code` is stable, `message` says what to do, `details` names the field, the limit...',
  required: ['code', 'title', 'message', 'details'],
  properties: {
    code: { type: 'string', example: 'GREENROOM_ERR_INVALID_OPTION' },
    title: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

export const RemovebgErrorSchema = {
  type: 'object',
  description: "remove.bg's error shape.",
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: { type: 'object', required: ['title', 'code', 'detail'], properties: { title: { type: 'string' }, code: { type: 'string', example: 'invalid_bg_color' }, detail: { type: 'string' } } },
    },
  },
} as const;

export const PhotoroomErrorSchema = {
  type: 'object',
  description: "Photoroom's error shape.",
  required: ['detail', 'status_code', 'type'],
  properties: { detail: { type: 'string' }, status_code: { type: 'integer' }, type: { type: 'string', example: 'invalid_option' } },
} as const;

/** The error body of each shape a route may speak (errors.ts writes them). */
export const ERROR_SCHEMAS: Record<ErrorShape, object> = { greenroom: GreenroomErrorSchema, removebg: RemovebgErrorSchema, photoroom: PhotoroomErrorSchema };

const binary = { type: 'string', format: 'binary' } as const;

/** The headers every image answer carries (reply-image.ts), as OpenAPI response headers. */
export const IMAGE_HEADERS = {
  'X-Width': { type: 'integer', description: "The image's width in pixels." },
  'X-Height': { type: 'integer', description: "The image's height in pixels." },
  'X-Subject-Box': { type: 'string', description: "The subject's box in the image: x,y,width,height (absent when nothing was found)." },
  'Server-Timing': { type: 'string', description: 'Milliseconds per stage.' },
  'X-Energy-Joules': { type: 'number', description: "The job's energy in joules." },
  'X-Uncertainty-Score': { type: 'number', description: '0 (the network was sure) to 1 (unsure); absent when no network ran.' },
} as const;

/** What the client errors of the image routes mean. */
export const IMAGE_ERRORS = {
  400: 'An invalid or unknown field, or no image (details.field names it).',
  413: 'A file or field over the upload limit, or more pixels than the server takes.',
  415: 'Bytes of no image format, or an unsupported one (BMP, PSD, SVG...; JPEG, PNG, WebP, AVIF, TIFF, GIF and HEIC are read); or a body that is not multipart.',
  422: 'A damaged image, no subject found, or an energy budget that cannot be met.',
  429: 'The server is busy (details.reason: busy) or the rate limit is reached; Retry-After says when to retry.',
} as const;

/** Error responses in one shape: the statuses given, with what each means here, and 5XX. */
export function errorResponses(errorSchema: object, statuses: Readonly<Record<number, string>>): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [status, description] of Object.entries(statuses)) out[status] = { ...errorSchema, description };
  out['5xx'] = { ...errorSchema, description: 'A server failure (no internals are shown), or 503 while the server shuts down.' };
  return out;
}

/** The 200 answer of an image route (the image and its headers), and its errors in the route's shape. */
export function imageResponses(errorSchema: object, mimes: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/avif'], extra: { headers?: Record<string, object>; description?: string } = {}) {
  return {
    200: {
      description: extra.description ?? 'The image. Headers: X-Width, X-Height, X-Subject-Box (x,y,w,h), Server-Timing (ms per stage), X-Energy-Joules, X-Energy-Stages, X-Energy-Method, X-CO2e-Grams, X-Uncertainty-Score.',
      headers: { ...IMAGE_HEADERS, ...extra.headers },
      content: Object.fromEntries(mimes.map((m) => [m, { schema: binary }])),
    },
    ...errorResponses(errorSchema, IMAGE_ERRORS),
  };
}

export const ErrorResponses = errorResponses(GreenroomErrorSchema, { 400: 'An invalid query field (details.field names it).' });

export interface OpenApiTransformOptions {
  /** Whether requests to this path go through the API-key check (app.ts's access hook). */
  isProtected(url: string): boolean;
  /** Keys are configured (GREENROOM_API_KEYS): the key is required, not optional. */
  keysRequired: boolean;
}

interface TransformInput<S> {
  schema: S;
  url: string;
  route?: { config?: { errorShape?: ErrorShape } };
}

/**
 * The swagger transform, per route:
 * - `{ isFile: true }` becomes `{ type: string, format: binary }` (validation keeps the keyword);
 * - `multipartBody` (a body the route streams itself, so Fastify must not validate it) becomes
 *   the documented `body`;
 * - routes behind keys require the `apiKey` scheme (or allow no key when none is configured) and
 *   list 401 in the route's error shape; the others say they need none (`security: []`).
 */
export function openApiTransform(options: OpenApiTransformOptions) {
  return function transform<S>({ schema, url, route }: TransformInput<S>): { schema: S; url: string } {
    const s = replaceFileFields(schema ?? {}) as Record<string, unknown>;
    if (s.multipartBody) {
      s.body = s.multipartBody;
      delete s.multipartBody;
    }
    if (options.isProtected(url)) {
      s.security = options.keysRequired ? [{ apiKey: [] }] : [{ apiKey: [] }, {}];
      const errorSchema = ERROR_SCHEMAS[route?.config?.errorShape ?? 'greenroom'];
      const responses = { ...(s.response as Record<string, unknown> | undefined) };
      responses['401'] ??= { ...errorSchema, description: 'The server requires an API key (GREENROOM_API_KEYS) and x-api-key is missing or unknown.' };
      responses['429'] ??= { ...errorSchema, description: "The key's (or the client's) rate limit is reached; Retry-After says when to retry." };
      s.response = responses;
    } else {
      s.security = [];
    }
    return { schema: s as S, url };
  };
}

function replaceFileFields(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(replaceFileFields);
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if (obj.isFile === true) {
    const { isFile: _drop, ...rest } = obj;
    return { ...rest, type: 'string', format: 'binary' };
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, replaceFileFields(v)]));
}

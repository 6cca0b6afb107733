/**
 * JSON schema pieces shared by the routes: the three error shapes, the image response, and the
 * OpenAPI transform that shows `isFile` fields as binary uploads.
 */

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
  properties: {
    errors: {
      type: 'array',
      items: { type: 'object', properties: { title: { type: 'string' }, code: { type: 'string', example: 'invalid_bg_color' }, detail: { type: 'string' } } },
    },
  },
} as const;

export const PhotoroomErrorSchema = {
  type: 'object',
  description: "Photoroom's error shape.",
  properties: { detail: { type: 'string' }, status_code: { type: 'integer' }, type: { type: 'string', example: 'invalid_option' } },
} as const;

const binary = { type: 'string', format: 'binary' } as const;

/** The 200 answer of an image route, and its errors in the route's shape. */
export function imageResponses(errorSchema: object, mimes: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/avif']) {
  return {
    200: {
      description: 'The image. Headers: X-Width, X-Height, X-Subject-Box (x,y,w,h), Server-Timing (ms per stage), X-Energy-Joules, X-Energy-Method, X-CO2e-Grams.',
      content: Object.fromEntries(mimes.map((m) => [m, { schema: binary }])),
    },
    '4xx': { ...errorSchema, description: 'A request error (400 invalid field, 401 key, 413 too large, 415 not an image, 422 unreadable image or no subject, 429 busy or rate limited).' },
    '5xx': { ...errorSchema, description: 'A server failure (no internals are shown).' },
  };
}

export const ErrorResponses = {
  '4xx': { ...GreenroomErrorSchema, description: 'A request error.' },
  '5xx': { ...GreenroomErrorSchema, description: 'A server failure.' },
};

/** Swagger transform: `{ isFile: true }` becomes `{ type: string, format: binary }` in the published document (validation keeps the keyword). */
export function openApiTransform<S>({ schema, url }: { schema: S; url: string }): { schema: S; url: string } {
  return { schema: replaceFileFields(schema) as S, url };
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

/**
 * Every failure the server answers with, in one place: any error (greenroom's own, Fastify's,
 * the multipart parser's, a bug) becomes a GreenroomError-shaped body with the right status,
 * never a stack trace; then it is written in the shape the route speaks: greenroom's
 * `{code, title, message, details}`, remove.bg's `{errors: [{title, code, detail}]}` or
 * Photoroom's `{detail, status_code, type}`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GreenroomError, isGreenroomError } from '../errors.ts';

export type ErrorShape = 'greenroom' | 'removebg' | 'photoroom';

/** What an error answer carries before it is shaped. */
export interface HttpError {
  status: number;
  code: string;
  title: string;
  message: string;
  details: Readonly<Record<string, unknown>>;
}

/** Fastify and @fastify/multipart codes that mean "the upload is too big". */
const TOO_LARGE = new Set(['FST_ERR_CTP_BODY_TOO_LARGE', 'FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT', 'FST_PARTS_LIMIT']);

/** Turns anything thrown into an HttpError; `internal` is true when it was not on purpose (log it). */
export function toHttpError(err: unknown, maxUploadBytes: number): HttpError & { internal: boolean } {
  if (isGreenroomError(err)) return { ...err.toJSON(), status: err.status, internal: err.status >= 500 };
  const e = err as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (e && Array.isArray(e.validation)) return { ...validationError(e.validation, e.validationContext ?? 'body').toJSON(), status: 400, internal: false };
  if (e && (TOO_LARGE.has(e.code ?? '') || e.statusCode === 413)) {
    const g = new GreenroomError('UPLOAD_TOO_LARGE', `The upload is larger than this server accepts (${formatBytes(maxUploadBytes)} per file, a limited number of fields). Send a smaller file, or raise GREENROOM_MAX_UPLOAD_BYTES.`, { limitBytes: maxUploadBytes });
    return { ...g.toJSON(), status: 413, internal: false };
  }
  if (e && (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')) {
    const g = new GreenroomError('MISSING_IMAGE', 'Send the image as multipart/form-data with an image_file field (curl -F image_file=@photo.jpg).', { contentType: 'multipart/form-data' });
    return { ...g.toJSON(), status: 415, internal: false };
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own client errors (bad JSON, empty body...): their messages are safe to show.
    const g = new GreenroomError('INVALID_OPTION', `The request could not be read: ${e.message ?? 'malformed request'}.`, { field: 'body', fastifyCode: e.code });
    return { ...g.toJSON(), status: e.statusCode, internal: false };
  }
  return {
    status: 500,
    code: 'GREENROOM_ERR_INTERNAL',
    title: 'Internal error',
    message: 'Something unexpected failed on the server; it was logged. Try again, and report it if it persists.',
    details: {},
    internal: true,
  };
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
}

/** A schema failure as INVALID_OPTION naming the field (or MISSING_IMAGE when the image is what is missing). */
export function validationError(issues: ValidationIssue[], context: string): GreenroomError {
  const issue = issues[0]!;
  const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = issue.keyword === 'required' ? String(issue.params.missingProperty) : undefined;
  if (issue.keyword === 'additionalProperties') {
    const extra = [path, String(issue.params.additionalProperty)].filter(Boolean).join('.');
    return new GreenroomError('INVALID_OPTION', `${extra}: unknown field; check the spelling (see /docs for the fields this route takes).`, { field: extra, expected: 'a known field' });
  }
  const field = missing ?? (path || context);
  if (missing === 'image_file' || (context === 'body' && !path && issue.keyword === 'type')) {
    return new GreenroomError('MISSING_IMAGE', 'No image in the request: send it as multipart/form-data in the image_file field (curl -F image_file=@photo.jpg).', { field: 'image_file' });
  }
  const expected = describe(issue);
  if (missing) return new GreenroomError('INVALID_OPTION', `${field}: required, expected ${expected}.`, { field, expected });
  const got = issue.data;
  const shown = got === undefined ? '' : `, got ${show(got)}`;
  return new GreenroomError('INVALID_OPTION', `${field}: expected ${expected}${shown}.`, { field, expected, ...(got === undefined || Buffer.isBuffer(got) ? {} : { got }) });
}

function describe(issue: ValidationIssue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `a ${String(p.type)}`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case 'isFile':
      return 'a file upload (multipart file part)';
    case 'required':
      return 'a value';
    case 'maxLength':
      return `at most ${String(p.limit)} characters`;
    case 'minLength':
      return 'a non-empty value';
    case 'pattern':
      return `text matching ${String(p.pattern)}`;
    default:
      return issue.message ?? 'a valid value';
  }
}

function show(v: unknown): string {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `${v.length} bytes`;
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

/** remove.bg's error codes for greenroom's, by field where a field failed. */
const REMOVEBG_FIELD_CODES: Record<string, string> = {
  bg_color: 'invalid_bg_color',
  crop_margin: 'invalid_crop_margin',
  channels: 'invalid_channels',
  format: 'invalid_format',
  size: 'invalid_size',
  roi: 'invalid_roi',
  scale: 'invalid_scale',
  position: 'invalid_position',
  image_url: 'invalid_image_url',
  image_file_b64: 'failed_to_read_image',
  image_file: 'invalid_file_type',
  source: 'multiple_sources',
  bg_image: 'multiple_bg_sources',
};

export function removebgCode(e: HttpError): string {
  switch (e.code) {
    case 'GREENROOM_ERR_UPLOAD_TOO_LARGE':
      return 'file_too_large';
    case 'GREENROOM_ERR_IMAGE_TOO_LARGE':
      return 'resolution_too_high';
    case 'GREENROOM_ERR_NOT_AN_IMAGE':
    case 'GREENROOM_ERR_UNSUPPORTED_FORMAT':
      return 'invalid_file_type';
    case 'GREENROOM_ERR_CORRUPT_IMAGE':
    case 'GREENROOM_ERR_EMPTY_INPUT':
      return 'failed_to_read_image';
    case 'GREENROOM_ERR_MISSING_IMAGE':
      return 'missing_source';
    case 'GREENROOM_ERR_NO_SUBJECT':
      return 'unknown_foreground';
    case 'GREENROOM_ERR_UNAUTHORIZED':
      return 'auth_failed';
    case 'GREENROOM_ERR_RATE_LIMITED':
      return 'rate_limit_exceeded';
    case 'GREENROOM_ERR_URL_FETCH_DISABLED':
    case 'GREENROOM_ERR_URL_NOT_ALLOWED':
      return 'invalid_image_url';
    case 'GREENROOM_ERR_INVALID_OPTION': {
      const field = String(e.details.field ?? '');
      return REMOVEBG_FIELD_CODES[field] ?? (field ? `invalid_${field.replace(/[^a-z0-9_]/gi, '_')}` : 'invalid_request');
    }
    default:
      return e.status >= 500 ? 'internal_error' : e.code.replace(/^GREENROOM_ERR_/, '').toLowerCase();
  }
}

/** The body in the route's shape. */
export function shapeError(e: HttpError, shape: ErrorShape): unknown {
  if (shape === 'removebg') return { errors: [{ title: e.title, code: removebgCode(e), detail: e.message }] };
  if (shape === 'photoroom') return { detail: e.message, status_code: e.status, type: e.code.replace(/^GREENROOM_ERR_/, '').toLowerCase() };
  return { code: e.code, title: e.title, message: e.message, details: e.details };
}

/** Writes the error: status, Retry-After when the error says when, the greenroom code in X-Greenroom-Error, and the shaped body. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown, maxUploadBytes: number): FastifyReply {
  const e = toHttpError(err, maxUploadBytes);
  if (e.internal) request.log.error({ err }, 'request failed');
  const retry = e.details.retryAfterSeconds;
  if (typeof retry === 'number') reply.header('retry-after', String(retry));
  // An error replaces whatever the handler meant to send.
  for (const h of ['content-disposition', 'x-width', 'x-height', 'x-subject-box', 'server-timing', 'x-energy-joules', 'x-energy-method', 'x-energy-meter', 'x-co2e-grams', 'x-seed', 'x-warnings', 'x-uncertainty-score', 'x-type', 'x-credits-charged']) reply.removeHeader(h);
  const shape = (request.routeOptions?.config as { errorShape?: ErrorShape } | undefined)?.errorShape ?? 'greenroom';
  return reply.code(e.status).header('x-greenroom-error', e.code).type('application/json; charset=utf-8').send(shapeError(e, shape));
}

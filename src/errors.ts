/**
 * Coded errors. Every error greenroom raises on purpose is a GreenroomError with a stable
 * `code`, the HTTP status a server should answer with, and a message that says what was
 * wrong and what to do about it.
 */

export const ErrorCodes = {
  INPUT_NOT_FOUND: { status: 404, title: 'Input not found' },
  EMPTY_INPUT: { status: 400, title: 'Empty input' },
  NOT_AN_IMAGE: { status: 415, title: 'Not an image' },
  UNSUPPORTED_FORMAT: { status: 415, title: 'Unsupported image format' },
  CORRUPT_IMAGE: { status: 422, title: 'Corrupt image' },
  IMAGE_TOO_LARGE: { status: 413, title: 'Image too large' },
  INVALID_OPTION: { status: 400, title: 'Invalid option' },
  INVALID_HINTS: { status: 400, title: 'Invalid touch-up hints' },
  HINTS_TOO_LARGE: { status: 413, title: 'Too many touch-up hints' },
  INVALID_MASK: { status: 400, title: 'Invalid retouch mask' },
  MASK_TOO_LARGE: { status: 422, title: 'Retouch mask covers most of the photo' },
  MODEL_PACKAGE_MISSING: { status: 500, title: 'Model package missing' },
  MODEL_CORRUPT: { status: 500, title: 'Model files corrupt' },
  UNKNOWN_MODEL: { status: 400, title: 'Unknown model' },
  MODEL_RUNTIME: { status: 500, title: 'Model runtime failure' },
  STUDIO_CLOSED: { status: 503, title: 'Studio closed' },
  NO_SUBJECT: { status: 422, title: 'No subject found' },
  UPLOAD_TOO_LARGE: { status: 413, title: 'Upload too large' },
  MISSING_IMAGE: { status: 400, title: 'No image in the request' },
  UNAUTHORIZED: { status: 401, title: 'Missing or unknown API key' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  QUEUE_FULL: { status: 429, title: 'Job queue full' },
  JOB_NOT_FOUND: { status: 404, title: 'Job not found' },
  JOB_NOT_FINISHED: { status: 409, title: 'Job not finished' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  INTERNAL: { status: 500, title: 'Internal error' },
  URL_FETCH_DISABLED: { status: 400, title: 'Fetching images by URL is disabled' },
  URL_NOT_ALLOWED: { status: 400, title: 'URL not allowed' },
  WEBHOOKS_DISABLED: { status: 400, title: 'Webhooks are not configured' },
  ENERGY_BUDGET_EXCEEDED: { status: 422, title: 'Energy budget exceeded' },
  ENERGY_METER_UNAVAILABLE: { status: 500, title: 'Energy meter unavailable' },
  INVALID_CONFIG: { status: 500, title: 'Invalid configuration' },
  WORKER_DIED: { status: 500, title: 'Worker died processing the image' },
  QUEUE_UNAVAILABLE: { status: 503, title: 'Job queue unavailable' },
} as const;

export type ErrorKey = keyof typeof ErrorCodes;
export type ErrorCode = `GREENROOM_ERR_${ErrorKey}`;

export class GreenroomError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  /** Extra facts for machines (the field that failed, the limit that was hit...). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(key: ErrorKey, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GreenroomError';
    this.code = `GREENROOM_ERR_${key}`;
    this.status = ErrorCodes[key].status;
    this.title = ErrorCodes[key].title;
    this.details = Object.freeze({ ...details });
  }

  toJSON(): { code: ErrorCode; title: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, title: this.title, message: this.message, details: this.details };
  }
}

export function isGreenroomError(err: unknown, key?: ErrorKey): err is GreenroomError {
  return err instanceof GreenroomError && (key === undefined || err.code === `GREENROOM_ERR_${key}`);
}

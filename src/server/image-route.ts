/**
 * What every image route shares: multipart reading with the configured limits, an early 429
 * when the in-flight line is already full (before the upload is read), and running the work in
 * a limiter slot, cancelled if the client goes away while waiting, counted in the metrics.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GreenroomError } from '../errors.ts';
import { parseColor } from '../image/color.ts';
import { parseMargin } from '../pipeline/cutout-options.ts';
import type { CutoutResult } from '../pipeline/cutout.ts';
import type { EditResult } from '../pipeline/edit.ts';
import type { RetouchResult } from '../pipeline/retouch.ts';
import { readMultipartBody, Upload } from './multipart.ts';
import type { ErrorShape } from './errors.ts';

/** Route options for an image route (hooks, limits, error shape). */
export function imageRouteOptions(app: FastifyInstance, errorShape: ErrorShape = 'greenroom') {
  const { config, limiter } = app.greenroom;
  const maxUpload = config.server.maxUploadBytes;
  return {
    config: { errorShape },
    onRequest: async () => {
      if (limiter.full) throw limiter.busyError();
    },
    preValidation: readMultipartBody({ fileBytes: maxUpload, fieldBytes: Math.ceil((maxUpload * 4) / 3) + 1024, files: 4 }),
  };
}

/** Runs the image work in a limiter slot and counts it. */
export async function processImage<R extends CutoutResult | EditResult | RetouchResult>(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, operation: string, work: () => Promise<R>): Promise<R> {
  const { limiter, metrics } = app.greenroom;
  const gone = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableEnded) gone.abort(new GreenroomError('INVALID_OPTION', 'The client closed the connection.', { field: 'connection' }));
  };
  reply.raw.once('close', onClose);
  try {
    const result = await limiter.run(work, gone.signal);
    metrics.recordImage(operation, result.energy?.joules);
    request.log.info({ operation, width: result.image.width, height: result.image.height, ms: Math.round(result.totalMs), joules: result.energy?.joules }, 'image processed');
    return result;
  } finally {
    reply.raw.off('close', onClose);
  }
}

/** The uploaded file in `field`, or MISSING_IMAGE. */
export function requireUpload(body: Record<string, unknown>, field = 'image_file'): Upload {
  const v = body[field];
  if (v instanceof Upload) return v;
  throw new GreenroomError('MISSING_IMAGE', `No image in the request: send it as multipart/form-data in the ${field} field (curl -F ${field}=@photo.jpg).`, { field });
}

/** Validates a colour under the route's field name (bg_color), so the error names it. */
export function checkColor(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  parseColor(value, field);
  return value;
}

/** Validates a crop margin under the route's field name. */
export function checkMargin(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  parseMargin(value, field);
  return value;
}

/** The upload's name with its extension dropped, for the ledger and the download name; never a path. */
export function inputLabel(upload: Upload | undefined): string | undefined {
  const name = upload?.filename?.split(/[\\/]/).pop();
  return name ? name.replace(/[^\w.-]+/g, '_').slice(0, 100) : undefined;
}

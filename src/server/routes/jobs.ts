/**
 * Batch jobs over HTTP: `/v1/jobs`. A Fastify plugin over a JobQueue; the queue holds the logic.
 *
 *   POST   /v1/jobs                    multipart: image_file (or images) parts, spec (JSON), kind,
 *                                      background_file, callback_url; Idempotency-Key header → 202 { id, status }
 *   GET    /v1/jobs/:id                the job's status
 *   GET    /v1/jobs/:id/events         server-sent events: `item` per finished item, then `state`
 *   GET    /v1/jobs/:id/results.zip    every finished output (x-greenroom-partial: true while running)
 *   GET    /v1/jobs/:id/items/:index   one finished output
 *   DELETE /v1/jobs/:id                cancels: queued items are dropped, running ones finish
 *
 * Needs @fastify/multipart registered (without attachFieldsToBody) by the app.
 *
 * @example
 * app.register(jobsRoutes, { queue });
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { GreenroomError, isGreenroomError } from '../../errors.ts';
import { backgroundShorthand } from '../../pipeline/spec.ts';
import { jobNotFound } from '../../jobs/spec.ts';
import { previewOf } from '../../image/preview.ts';
import { TERMINAL_STATES, type JobEvent, type JobKind, type JobQueue, type JobUpload } from '../../jobs/types.ts';

export interface JobsRoutesOptions {
  queue: JobQueue;
  /** Most images in one job (default 1000). */
  maxFiles?: number;
  /**
   * Answer errors of these routes here, as `{ code, title, message, details }` with the
   * GreenroomError's status and Retry-After for 429 (default true). Pass false to leave them to
   * the app's error handler.
   */
  errorHandler?: boolean;
  /** Milliseconds between keep-alive comments on event streams (default 15000). */
  heartbeatMs?: number;
  /** Largest image part, bytes; larger gets UPLOAD_TOO_LARGE (default: the multipart plugin's fileSize limit). */
  maxFileBytes?: number;
}

const FILE_FIELDS = new Set(['image_file', 'image_file[]', 'images', 'images[]']);

const ErrorSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, title: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
  required: ['code', 'title', 'message'],
} as const;

const ItemSchema = {
  type: 'object',
  properties: {
    index: { type: 'integer' },
    name: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] },
    output: {
      type: 'object',
      properties: { name: { type: 'string' }, bytes: { type: 'integer' }, mime: { type: 'string' }, width: { type: 'integer' }, height: { type: 'integer' } },
      required: ['name', 'bytes', 'mime', 'width', 'height'],
    },
    energyJ: { type: 'number' },
    uncertainty: { type: 'number', minimum: 0, maximum: 1, description: '0 (sure) .. 1 (unsure): how likely the cutout needs a look (X-Uncertainty-Score of the single-image routes)' },
    worker: { type: 'string', description: 'Fleet: the worker that finished (or is running) the item' },
  },
  required: ['index', 'name', 'state'],
} as const;

const WebhookSchema = {
  type: 'object',
  description: 'The callback_url and its delivery: a signed POST once the job ends (docs/API.md, "Webhooks")',
  properties: {
    url: { type: 'string' },
    state: { type: 'string', enum: ['waiting', 'pending', 'delivered', 'failed'], description: 'waiting: the job runs; pending: being tried or waiting for a retry; delivered: a 2xx answer; failed: given up' },
    attempts: { type: 'integer' },
    lastStatus: { type: 'integer', description: "The receiver's HTTP status at the last try" },
    lastError: { type: 'string' },
    nextAttemptAt: { type: 'string', format: 'date-time' },
    deliveredAt: { type: 'string', format: 'date-time' },
  },
  required: ['url', 'state', 'attempts'],
} as const;

const StatusSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    kind: { type: 'string', enum: ['edit', 'cutout'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    total: { type: 'integer' },
    done: { type: 'integer' },
    failed: { type: 'integer' },
    items: { type: 'array', items: ItemSchema },
    energy: { type: 'object', properties: { joules: { type: 'number' }, co2eGrams: { type: 'number' } }, required: ['joules', 'co2eGrams'] },
    idempotencyKey: { type: 'string' },
    webhook: WebhookSchema,
  },
  required: ['id', 'state', 'kind', 'createdAt', 'updatedAt', 'total', 'done', 'failed', 'items', 'energy'],
} as const;

const SubmittedSchema = { type: 'object', properties: { id: { type: 'string' }, status: StatusSchema }, required: ['id', 'status'] } as const;

const IdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
  required: ['id'],
} as const;

/** The error answers a route gives, by status ('5xx': a failure on the server; no internals are shown). */
const errors = <S extends 400 | 404 | 409 | 413 | 429>(...statuses: S[]) => ({ ...(Object.fromEntries(statuses.map((s) => [s, ErrorSchema])) as Record<S, typeof ErrorSchema>), '5xx': ErrorSchema });

const binary = { type: 'string', format: 'binary' } as const;

/**
 * The multipart form of POST /v1/jobs, for the OpenAPI document only: the route reads the parts
 * itself as they stream (receiveJob), so Fastify does not validate them. A new text field goes
 * here and in receiveJob's loop.
 */
export const JobFormSchema = {
  type: 'object',
  required: ['image_file'],
  properties: {
    image_file: { type: 'array', items: binary, description: 'The photos, one file part each (also accepted as `images`).' },
    spec: { type: 'string', description: 'The job spec as JSON: an edit spec (docs/EDITING.md) for kind edit, the cutout options for kind cutout.' },
    kind: { type: 'string', enum: ['edit', 'cutout'], default: 'edit' },
    background_file: { ...binary, description: 'An image to use as the background (kind edit).' },
    idempotency_key: { type: 'string', maxLength: 255, description: 'As the Idempotency-Key header, for clients that cannot set headers.' },
    callback_url: { type: 'string', format: 'uri', maxLength: 2048, description: 'An http(s) URL that gets a signed POST once, when the job ends (docs/API.md, "Webhooks"); needs GREENROOM_WEBHOOK_SECRET on the server.' },
  },
} as const;

export const jobsRoutes: FastifyPluginAsync<JobsRoutesOptions> = async (app, opts) => {
  const { queue } = opts;
  const maxFiles = opts.maxFiles ?? 1000;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;

  if (opts.errorHandler !== false) app.setErrorHandler((err, request, reply) => sendJobError(request, reply, err));

  app.post(
    '/v1/jobs',
    {
      schema: {
        operationId: 'createJob',
        summary: 'Submit a batch: many images, one spec',
        description:
          'multipart/form-data: one or more `image_file` (or `images`) file parts; `spec`: the job spec as JSON (see docs/EDITING.md, or the cutout options for kind cutout); `kind`: edit (default) or cutout; `background_file`: an image to use as the background; `callback_url`: an http(s) URL that gets a signed POST once when the job ends (needs GREENROOM_WEBHOOK_SECRET on the server; public addresses only unless GREENROOM_WEBHOOK_PRIVATE=allow). An `Idempotency-Key` header returns the same job when repeated.',
        tags: ['jobs'],
        consumes: ['multipart/form-data'],
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } } },
        multipartBody: JobFormSchema,
        response: { 200: SubmittedSchema, 202: SubmittedSchema, ...errors(400, 413, 429) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const header = typeof key === 'string' ? key : undefined;
      const { id, created } = await receiveJob(request, queue, { maxFiles, ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}), ...(header !== undefined ? { idempotencyKey: header } : {}) });
      const status = await queue.get(id);
      if (!status) throw jobNotFound(id);
      reply.header('location', `/v1/jobs/${id}`);
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.code(created ? 202 : 200).send({ id, status });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    { schema: { operationId: 'getJob', summary: "A job's status and items", tags: ['jobs'], params: IdParams, response: { 200: StatusSchema, ...errors(400, 404) } } },
    async (request) => {
      const status = await queue.get(request.params.id);
      if (!status) throw jobNotFound(request.params.id);
      return status;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/events',
    {
      schema: {
        operationId: 'getJobEvents',
        summary: 'Progress as server-sent events',
        description: 'text/event-stream: an `item` event per finished item (those already finished first), `state` events; the stream ends with the job.',
        tags: ['jobs'],
        params: IdParams,
        response: {
          200: { description: 'Server-sent events: `event: item` (data: {type, jobId, item, done, failed, total}) and `event: state` (data: {type, jobId, state}); comments keep the connection alive.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errors(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await queue.get(id))) throw jobNotFound(id);
      streamEvents(request, reply, queue, id, heartbeatMs);
      return reply;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/results.zip',
    {
      schema: {
        operationId: 'getJobResults',
        summary: 'Every finished output as a zip',
        description: 'Served as soon as one item has finished; `x-greenroom-partial: true` while the job is still running (more outputs to come). `x-greenroom-outputs: done/total`.',
        tags: ['jobs'],
        params: IdParams,
        response: { 200: { description: "The finished outputs, named after the inputs.", content: { 'application/zip': { schema: binary } } }, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const status = await queue.get(id);
      if (!status) throw jobNotFound(id);
      const ended = TERMINAL_STATES.has(status.state);
      if (status.done === 0) {
        if (!ended) throw new GreenroomError('JOB_NOT_FINISHED', `No image of job ${id} has finished yet; follow /v1/jobs/${id}/events and retry.`, { id, state: status.state, total: status.total });
        throw new GreenroomError('NOT_FOUND', `Job ${id} ended ${status.state} with no output: every item failed or was cancelled (see /v1/jobs/${id}).`, { id, state: status.state });
      }
      const stream = await queue.zip(id);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="greenroom-${id}.zip"`)
        .header('x-greenroom-partial', ended ? 'false' : 'true')
        .header('x-greenroom-outputs', `${status.done}/${status.total}`)
        .send(stream);
    },
  );

  app.get<{ Params: { id: string; index: number }; Querystring: { preview?: number } }>(
    '/v1/jobs/:id/items/:index',
    {
      schema: {
        operationId: 'getJobItem',
        summary: "One finished item's output",
        tags: ['jobs'],
        params: { type: 'object', properties: { ...IdParams.properties, index: { type: 'integer', minimum: 0 } }, required: ['id', 'index'] },
        querystring: { type: 'object', additionalProperties: false, properties: { preview: { type: 'integer', minimum: 64, maximum: 8192, description: 'The output scaled down to fit within this many pixels a side, same format (a preview; X-Source-Width and X-Source-Height give the full size).' } } },
        response: {
          200: { description: 'The output file (its type in Content-Type; X-Width, X-Height).', content: Object.fromEntries(['image/png', 'image/jpeg', 'image/webp', 'image/avif'].map((m) => [m, { schema: binary }])) },
          ...errors(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { id, index } = request.params;
      const status = await queue.get(id);
      if (!status) throw jobNotFound(id);
      const item = status.items[index];
      if (!item) throw new GreenroomError('NOT_FOUND', `Job ${id} has ${status.total} items (0 to ${status.total - 1}); there is no item ${index}.`, { id, index, total: status.total });
      if (item.state === 'queued' || item.state === 'running') throw new GreenroomError('JOB_NOT_FINISHED', `Item ${index} of job ${id} is ${item.state}; retry when it is done.`, { id, index, state: item.state });
      const file = item.state === 'done' ? await queue.openOutput(id, index) : null;
      if (item.state !== 'done' || !file || !item.output) {
        file?.destroy();
        throw new GreenroomError('NOT_FOUND', `Item ${index} of job ${id} has no output: it ${item.state === 'failed' ? `failed (${item.error?.code})` : 'was cancelled'}.`, { id, index, state: item.state, ...(item.error ? { error: item.error } : {}) });
      }
      const preview = request.query.preview;
      if (preview !== undefined && Math.max(item.output.width, item.output.height) > preview) {
        const small = await previewOf(file, preview);
        return reply
          .type(item.output.mime)
          .header('content-disposition', `inline; filename="${item.output.name}"`)
          .header('x-width', String(small.width))
          .header('x-height', String(small.height))
          .header('x-source-width', String(item.output.width))
          .header('x-source-height', String(item.output.height))
          .send(small.data);
      }
      return reply
        .type(item.output.mime)
        .header('content-disposition', `attachment; filename="${item.output.name}"`)
        .header('x-width', String(item.output.width))
        .header('x-height', String(item.output.height))
        .send(file);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    { schema: { operationId: 'cancelJob', summary: 'Cancel a job: queued items are dropped, running items finish', tags: ['jobs'], params: IdParams, response: { 200: StatusSchema, ...errors(400, 404) } } },
    async (request) => {
      const { id } = request.params;
      if (!(await queue.get(id))) throw jobNotFound(id);
      await queue.cancel(id);
      return (await queue.get(id))!;
    },
  );
};

/**
 * Reads the multipart form part by part: each image is streamed to storage as it arrives (the
 * body is never held whole: memory stays flat whatever the batch), then the job is committed
 * with the spec, kind and key (fields may come in any order). Any failure, or the client
 * leaving, deletes what was stored: no half-made job is ever visible. A known Idempotency-Key
 * header stores nothing.
 */
async function receiveJob(request: FastifyRequest, queue: JobQueue, opts: { maxFiles: number; maxFileBytes?: number; idempotencyKey?: string }): Promise<{ id: string; created: boolean }> {
  if (!request.isMultipart()) {
    throw new GreenroomError('MISSING_IMAGE', 'Send multipart/form-data with one or more image_file parts and a spec field (curl -F image_file=@a.jpg -F image_file=@b.jpg -F spec=...).');
  }
  const { maxFiles, maxFileBytes } = opts;
  const limit = maxFileBytes !== undefined ? { maxBytes: maxFileBytes } : {};
  const known = opts.idempotencyKey !== undefined && opts.idempotencyKey.length > 0 && opts.idempotencyKey.length <= 255 ? await queue.findByIdempotencyKey(opts.idempotencyKey) : null;
  const upload: JobUpload | undefined = known ? undefined : queue.upload();
  let hasBackground = false;
  let specText: string | undefined;
  let kind: string | undefined;
  let formKey: string | undefined;
  let callbackUrl: string | undefined;
  let files = 0;
  try {
    for await (const part of request.parts({ limits: { files: maxFiles + 1, fields: 16, parts: maxFiles + 17, ...(maxFileBytes !== undefined ? { fileSize: maxFileBytes } : {}) } })) {
      if (part.type === 'file') {
        if (FILE_FIELDS.has(part.fieldname)) {
          if (files >= maxFiles) throw new GreenroomError('UPLOAD_TOO_LARGE', `A job takes at most ${maxFiles} images; split the batch.`, { field: part.fieldname, limit: maxFiles });
          files++;
          if (upload) await upload.addFile(part.filename || `image-${files}`, part.file, limit);
          else part.file.resume();
        } else if (part.fieldname === 'background_file') {
          hasBackground = true;
          if (upload) await upload.setBackground(part.file, limit);
          else part.file.resume();
        } else {
          part.file.resume();
          throw unknownField(part.fieldname);
        }
        if (part.file.truncated) throw new GreenroomError('UPLOAD_TOO_LARGE', `${part.fieldname}: a file is larger than the upload limit${maxFileBytes !== undefined ? ` (${maxFileBytes} bytes)` : ''}; send smaller files.`, { field: part.fieldname, ...(maxFileBytes !== undefined ? { limitBytes: maxFileBytes } : {}) });
        continue;
      }
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      if (part.valueTruncated) throw new GreenroomError('UPLOAD_TOO_LARGE', `${part.fieldname}: the field is too long.`, { field: part.fieldname });
      if (part.fieldname === 'spec') specText = value;
      else if (part.fieldname === 'kind') kind = value;
      else if (part.fieldname === 'idempotency_key') formKey = value;
      else if (part.fieldname === 'callback_url') callbackUrl = value;
      else throw unknownField(part.fieldname);
    }
    if (kind !== undefined && kind !== 'edit' && kind !== 'cutout') {
      throw new GreenroomError('INVALID_OPTION', `kind: expected "edit" or "cutout"; got ${JSON.stringify(kind)}.`, { field: 'kind', expected: ['edit', 'cutout'], got: kind });
    }
    const spec = parseSpecField(specText);
    const jobKind: JobKind = kind === 'cutout' ? 'cutout' : 'edit';
    if (jobKind === 'edit') {
      const bg = typeof spec.background === 'string' ? backgroundShorthand(spec.background) : (spec.background as Record<string, unknown> | undefined);
      if (bg && typeof bg === 'object' && bg.type === 'image' && !hasBackground) {
        // A server never reads its own files on a client's say-so.
        throw new GreenroomError('INVALID_OPTION', 'background.file: server paths are not accepted; upload the background image as a background_file part.', {
          field: 'background.file',
          expected: 'a background_file part',
        });
      }
    } else if (hasBackground) {
      throw new GreenroomError('INVALID_OPTION', 'background_file: cutout jobs take no background image; use kind=edit.', { field: 'background_file' });
    }
    if (files === 0) throw new GreenroomError('MISSING_IMAGE', 'No image in the request: send one or more image_file parts.', { field: 'image_file' });
    if (known) return { id: known, created: false };
    const idempotencyKey = opts.idempotencyKey ?? formKey;
    return await upload!.commit({ kind: jobKind, spec, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}), ...(callbackUrl !== undefined ? { callbackUrl } : {}) });
  } catch (err) {
    await upload?.abort().catch((e: unknown) => request.log.error(e));
    throw err;
  }
}

function parseSpecField(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GreenroomError('INVALID_OPTION', `spec: not valid JSON (${(err as Error).message}).`, { field: 'spec', expected: 'a JSON object' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new GreenroomError('INVALID_OPTION', 'spec: expected a JSON object.', { field: 'spec', expected: 'a JSON object' });
  return value as Record<string, unknown>;
}

function unknownField(name: string): GreenroomError {
  return new GreenroomError('INVALID_OPTION', `${name}: unknown field; send image_file (or images), spec, kind, background_file, callback_url.`, {
    field: name,
    expected: ['image_file', 'images', 'spec', 'kind', 'background_file', 'idempotency_key', 'callback_url'],
  });
}

/** Writes the job's events as text/event-stream until the job ends or the client leaves. */
function streamEvents(request: FastifyRequest, reply: FastifyReply, queue: JobQueue, id: string, heartbeatMs: number): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const sent = new Set<number>();
  let closed = false;
  const send = (event: string, data: unknown) => {
    if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const forward = (e: JobEvent) => {
    if (e.type === 'item') {
      if (TERMINAL_STATES.has(e.item.state)) {
        if (sent.has(e.item.index)) return;
        sent.add(e.item.index);
      }
      send('item', e);
      return;
    }
    send('state', e);
    if (TERMINAL_STATES.has(e.state)) close();
  };
  const heartbeat = setInterval(() => !closed && raw.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  const unsubscribe = queue.subscribe(id, forward);
  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    raw.end();
  }
  request.raw.on('close', close);
  // Catch up after subscribing, so nothing falls between the snapshot and the live events.
  void queue.get(id).then(
    (s) => {
      if (!s) return close();
      for (const item of s.items) if (TERMINAL_STATES.has(item.state)) forward({ type: 'item', jobId: id, item, done: s.done, failed: s.failed, total: s.total });
      forward({ type: 'state', jobId: id, state: s.state });
    },
    (err: unknown) => {
      request.log.error(err);
      close();
    },
  );
}

/** `{ code, title, message, details }` with the error's status; Retry-After on QUEUE_FULL; a 5xx never says more than that it happened. */
function sendJobError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  let e: GreenroomError;
  if (isGreenroomError(err)) e = err;
  else {
    const f = err as FastifyError & { validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string };
    if (f.validation) {
      const v = f.validation[0];
      const field = `${f.validationContext ?? 'request'}${v?.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
      e = new GreenroomError('INVALID_OPTION', `${field}: ${v?.message ?? 'invalid'}.`, { field });
    } else if (f.statusCode === 413 || f.code === 'FST_REQ_FILE_TOO_LARGE' || f.code === 'FST_FILES_LIMIT' || f.code === 'FST_PARTS_LIMIT') {
      e = new GreenroomError('UPLOAD_TOO_LARGE', `The upload is too large (${f.message}); send smaller files or fewer of them.`);
    } else if (f.statusCode === 406 || f.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
      e = new GreenroomError('MISSING_IMAGE', 'Send multipart/form-data with image_file parts.');
    } else if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
      e = new GreenroomError('INVALID_OPTION', f.message, {});
    } else {
      request.log.error(err);
      return reply.code(500).type('application/json; charset=utf-8').send({ code: 'GREENROOM_ERR_INTERNAL', title: 'Internal error', message: 'The server failed; the error was logged. Retry, or report it.', details: {} });
    }
  }
  const retry = e.details.retryAfterSeconds;
  if (typeof retry === 'number') reply.header('retry-after', String(retry));
  if (e.status >= 500) request.log.error(err);
  return reply.code(e.status).type('application/json; charset=utf-8').send(e.toJSON());
}

/**
 * The HTTP app as a factory: `buildApp({ studio })` returns a Fastify instance with every route,
 * hook and error handler, not listening (tests call `app.inject()`; server.ts listens).
 *
 * Layers, outermost first: CORS (only when configured), API keys and the per-key rate limit on
 * /v1*, the in-flight image limiter on the image routes, schema validation, the route. Errors
 * from any of them go through one handler (errors.ts) and come out as JSON in the route's shape.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.ts';
import { GreenroomError } from '../errors.ts';
import type { Studio } from '../studio.ts';
import { sendError, type ErrorShape } from './errors.ts';
import { RequestLimiter, type LimiterOptions } from './limiter.ts';
import { ServerMetrics, type QueueDepth } from './metrics.ts';
import { fileKeyword } from './multipart.ts';
import { RateLimiter } from './rate-limit.ts';
import { RESULT_HEADERS } from './reply-image.ts';
import { openApiTransform } from './schemas.ts';
import { convertRoutes } from './routes/convert.ts';
import { cutoutRoutes } from './routes/cutout.ts';
import { editRoutes } from './routes/edit.ts';
import { energyRoutes } from './routes/energy.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { removebgRoutes } from './routes/removebg.ts';
import { segmentRoutes } from './routes/segment.ts';
import { jobsRoutes } from './routes/jobs.ts';
import { templateRoutes } from './routes/templates.ts';
import { webStudio } from './web.ts';
import type { JobQueue } from '../jobs/types.ts';

export interface BuildAppOptions {
  studio: Studio;
  /** Default: the studio's config (the environment). */
  config?: Config;
  /** The job queue, when one runs in this process: /v1/jobs serves it and /metrics reports its depth. */
  queue?: JobQueue | QueueDepth;
  /** In-flight image requests (default 2 at once, 8 waiting). */
  limiter?: LimiterOptions;
  /** Fastify's logger (default off; server.ts turns it on). */
  logger?: boolean | Record<string, unknown>;
  /** Clock for the rate limiter, ms since the epoch (tests). */
  now?: () => number;
  /** Process metrics (CPU, memory, event loop) in /metrics (default true). */
  defaultMetrics?: boolean;
}

/** What routes share, as `app.greenroom`. */
export interface ServerContext {
  studio: Studio;
  config: Config;
  limiter: RequestLimiter;
  metrics: ServerMetrics;
  version: string;
  queue?: QueueDepth;
}

declare module 'fastify' {
  interface FastifyInstance {
    greenroom: ServerContext;
  }
  interface FastifyContextConfig {
    /** The error body's shape on this route (default greenroom's). */
    errorShape?: ErrorShape;
  }
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Paths behind API keys and the rate limit. */
const PROTECTED = /^\/v1(?:\.0)?(?:\/|$|\?)/;

export function buildApp(options: BuildAppOptions): FastifyInstance {
  const config = options.config ?? options.studio.config;
  const server = config.server;
  const app = Fastify({
    logger: options.logger ?? false,
    // JSON and form bodies (remove.bg's image_file_b64) may carry a base64 image.
    bodyLimit: Math.ceil((server.maxUploadBytes * 4) / 3) + 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, verbose: true, allErrors: false }, plugins: [fileKeyword] },
    trustProxy: false,
    return503OnClosing: true,
  });
  const limiter = new RequestLimiter(options.limiter);
  const metrics = new ServerMetrics({ limiter, queue: options.queue, ...(options.defaultMetrics !== undefined ? { defaultMetrics: options.defaultMetrics } : {}) });
  const context: ServerContext = { studio: options.studio, config, limiter, metrics, version: packageVersion(), ...(options.queue ? { queue: options.queue } : {}) };
  app.decorate('greenroom', context);

  app.setErrorHandler((err, request, reply) => sendError(request, reply, err, server.maxUploadBytes));
  app.setNotFoundHandler((request, reply) => {
    sendError(request, reply, new GreenroomError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}. The routes are listed at /docs.`, { method: request.method }), server.maxUploadBytes);
  });

  if (server.corsOrigin) app.addHook('onRequest', corsHook(server.corsOrigin));
  app.addHook('onRequest', accessHook(server.apiKeys, server.rateLimitPerMin > 0 ? new RateLimiter(server.rateLimitPerMin, options.now) : undefined));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  // remove.bg also accepts form-encoded bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Registered without attachFieldsToBody: image routes read parts with readMultipartBody, batch routes may stream them.
  app.register(multipart, { limits: { fileSize: server.maxUploadBytes, fieldSize: Math.ceil((server.maxUploadBytes * 4) / 3) + 1024 } });

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'greenroom', version: context.version, description: 'Background removal, instant backgrounds and energy receipts for product photos. Errors are JSON `{code, title, message, details}`; the compatibility routes answer in remove.bg\'s and Photoroom\'s shapes.' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
      ...(server.apiKeys.length > 0 ? { security: [{ apiKey: [] }] } : {}),
      tags: [
        { name: 'images', description: 'Cut out and edit photos' },
        { name: 'compatibility', description: "remove.bg's and Photoroom's request shapes" },
        { name: 'operations', description: 'Health, metrics, energy' },
      ],
    },
    transform: openApiTransform,
  });
  // Everything from this server: no validator badge (it calls validator.swagger.io), no CDN, and
  // no upgrade-insecure-requests (it would send a plain-HTTP localhost page's assets to https).
  app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null },
    staticCSP: "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'",
  });

  app.register(healthRoutes);
  app.register(metricsRoutes);
  app.register(energyRoutes);
  app.register(cutoutRoutes);
  app.register(editRoutes);
  app.register(removebgRoutes);
  app.register(segmentRoutes);
  app.register(convertRoutes);
  app.register(templateRoutes);
  app.register(modelRoutes);
  if (options.queue && 'submit' in options.queue) app.register(jobsRoutes, { queue: options.queue, errorHandler: false, maxFileBytes: server.maxUploadBytes });
  app.register(webStudio);
  return app;
}

/** API keys (when configured) and the per-client rate limit, on /v1* only; preflights pass. */
function accessHook(apiKeys: readonly string[], rate: RateLimiter | undefined) {
  const digests = apiKeys.map((k) => crypto.createHash('sha256').update(k).digest());
  const known = (key: string) => {
    const d = crypto.createHash('sha256').update(key).digest();
    let ok = false;
    for (const k of digests) ok = crypto.timingSafeEqual(k, d) || ok;
    return ok;
  };
  return async function access(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.method === 'OPTIONS' || !PROTECTED.test(request.url)) return;
    let client = `ip:${request.ip}`;
    if (digests.length > 0) {
      const key = request.headers['x-api-key'];
      if (typeof key !== 'string' || key.length === 0) throw new GreenroomError('UNAUTHORIZED', 'This server requires an API key: send it in the x-api-key header.', { header: 'x-api-key' });
      if (!known(key)) throw new GreenroomError('UNAUTHORIZED', 'The API key in x-api-key is not one this server accepts; check it, or ask the operator for one.', { header: 'x-api-key' });
      client = `key:${crypto.createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
    }
    if (!rate) return;
    const d = rate.take(client);
    reply.header('x-ratelimit-limit', String(d.limit));
    reply.header('x-ratelimit-remaining', String(d.remaining));
    reply.header('x-ratelimit-reset', String(d.resetAt));
    if (!d.allowed) {
      throw new GreenroomError('RATE_LIMITED', `Rate limit reached: ${d.limit} requests per minute${digests.length > 0 ? ' for this API key' : ''}. Retry in ${d.retryAfterSeconds} s.`, { limit: d.limit, retryAfterSeconds: d.retryAfterSeconds });
    }
  };
}

/** CORS for the configured origins ("*" or a comma-separated list); preflights answered here. */
function corsHook(setting: string) {
  const origins = setting.split(',').map((o) => o.trim()).filter(Boolean);
  const any = origins.includes('*');
  return async function cors(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const origin = request.headers.origin;
    if (!origin || !(any || origins.includes(origin))) return;
    reply.header('access-control-allow-origin', any ? '*' : origin);
    if (!any) reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', RESULT_HEADERS.join(', '));
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
        .header('access-control-allow-headers', 'content-type, x-api-key, idempotency-key')
        .header('access-control-max-age', '600')
        .send();
    }
  };
}

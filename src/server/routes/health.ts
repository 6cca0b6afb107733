/** GET /health: the server is up and its model is warm. */
import type { FastifyInstance } from 'fastify';
import { GreenroomError } from '../../errors.ts';
import { GreenroomErrorSchema } from '../schemas.ts';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const started = Date.now();
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'Liveness and readiness',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              version: { type: 'string' },
              model: { type: 'object', properties: { id: { type: 'string' }, licence: { type: 'string' }, trainedSize: { type: 'integer' }, precision: { type: 'string' } } },
              uptimeSeconds: { type: 'number' },
              images: { type: 'object', properties: { inFlight: { type: 'integer' }, waiting: { type: 'integer' }, concurrency: { type: 'integer' } } },
            },
          },
          503: { ...GreenroomErrorSchema, description: 'The model is not available: the server is shutting down or failed to load it.' },
        },
      },
    },
    async () => {
      const { studio, limiter, version } = app.greenroom;
      let segmenter;
      try {
        segmenter = await studio.segmenter();
      } catch (err) {
        throw new GreenroomError('STUDIO_CLOSED', 'The model is not available; the server is shutting down or failed to load it (see its log).', {}, { cause: err });
      }
      const { inFlight, waiting, concurrency } = limiter.state();
      return {
        status: 'ok' as const,
        version,
        model: { id: segmenter.model.id, licence: segmenter.model.license, trainedSize: segmenter.model.input.trainedSize, precision: segmenter.model.precision },
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        images: { inFlight, waiting, concurrency },
      };
    },
  );
}

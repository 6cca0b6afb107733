/** GET /metrics: Prometheus text format. */
import type { FastifyInstance } from 'fastify';

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics',
        description: 'greenroom_http_requests_total{method,route,status}, greenroom_http_request_duration_seconds, greenroom_images_processed_total{operation}, greenroom_energy_joules_total{operation}, greenroom_queue_depth, greenroom_images_in_flight, greenroom_images_waiting, and process metrics.',
        response: { 200: { description: 'Prometheus exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      const { registry } = app.greenroom.metrics;
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}

/** GET /v1/energy?since=&until=: what the energy ledger says (totals, per operation, per day). */
import type { FastifyInstance } from 'fastify';
import { parseWhen } from '../../cli/energy.ts';
import { GreenroomError } from '../../errors.ts';
import type { LedgerFilter } from '../../energy/ledger.ts';
import { IMAGE_GENERATION_REFERENCE_J } from '../../energy/receipt.ts';
import { ErrorResponses } from '../schemas.ts';

const Totals = { count: { type: 'integer' }, joules: { type: 'number' }, co2eGrams: { type: 'number' } } as const;

export async function energyRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { since?: string; until?: string } }>(
    '/v1/energy',
    {
      schema: {
        operationId: 'getEnergy',
        tags: ['operations'],
        summary: 'Energy used, from the ledger',
        description: 'Every cutout and edit is recorded with its joules and grams of CO2e. since (inclusive) and until (exclusive) take a date (2026-11-17), a time (2026-11-17T09:00Z) or a span back from now (7d, 24h, 30m).',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { since: { type: 'string', maxLength: 64 }, until: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              since: { type: 'string' },
              until: { type: 'string' },
              ...Totals,
              joulesPerImage: { type: 'number' },
              imageGenerationReferenceJ: { type: 'number', description: 'A generated image, for scale (Luccioni et al. 2023 mean).' },
              byOperation: { type: 'object', additionalProperties: { type: 'object', properties: Totals } },
              byDay: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, ...Totals } } },
              skippedLines: { type: 'integer' },
            },
          },
          ...ErrorResponses,
        },
      },
    },
    async (request) => {
      const filter: LedgerFilter = {};
      for (const key of ['since', 'until'] as const) {
        const v = request.query[key];
        if (v === undefined || v === '') continue;
        const date = parseWhen(v);
        if (!date) throw new GreenroomError('INVALID_OPTION', `${key}: expected a date such as 2026-11-17, a time such as 2026-11-17T09:00Z, or a span back from now such as 7d or 24h; got "${v}".`, { field: key, expected: 'a date or a span', got: v });
        filter[key] = date;
      }
      const s = await app.greenroom.studio.energy.ledger.summarise(filter);
      return {
        ...(filter.since ? { since: (filter.since as Date).toISOString() } : {}),
        ...(filter.until ? { until: (filter.until as Date).toISOString() } : {}),
        count: s.count,
        joules: s.joules,
        co2eGrams: s.co2eGrams,
        joulesPerImage: s.count > 0 ? s.joules / s.count : 0,
        imageGenerationReferenceJ: IMAGE_GENERATION_REFERENCE_J,
        byOperation: s.byOperation,
        byDay: s.byDay,
        skippedLines: s.skippedLines,
      };
    },
  );
}

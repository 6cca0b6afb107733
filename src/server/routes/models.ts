/**
 * GET /v1/models: the models this server can cut out with, for clients that offer a choice (the
 * web studio's settings). Facts come from models.json; the default is this server's (the
 * manifest's, or GREENROOM_MODEL). Nothing about the server's files (cache paths) is shown.
 */
import type { FastifyPluginAsync } from 'fastify';
import { getModelSpec, loadManifest, QUALITIES } from '../../models/manifest.ts';
import { errorResponses, GreenroomErrorSchema } from '../schemas.ts';

const ModelsSchema = {
  type: 'object',
  required: ['default', 'qualities', 'models'],
  properties: {
    default: { type: 'string', description: "The model used when a request names none (this server's GREENROOM_MODEL, else the manifest's default)", example: 'isnet-int8' },
    qualities: {
      type: 'object',
      description: 'The network working size, in pixels, of each `quality`',
      required: [...QUALITIES],
      properties: Object.fromEntries(QUALITIES.map((q) => [q, { type: 'integer' }])),
      example: { fast: 512, balanced: 768, best: 1024, max: 1024 },
    },
    models: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'description', 'precision', 'default'],
        properties: {
          id: { type: 'string', description: 'What `model` takes on /v1/cutout, /v1/edit and in a job spec', example: 'isnet-int8' },
          description: { type: 'string' },
          precision: { type: 'string', description: 'The weights as shipped or prepared: fp16, int8, quint8...', example: 'int8' },
          default: { type: 'boolean' },
          licence: { type: 'string', example: 'AGPL-3.0' },
        },
      },
    },
  },
} as const;

export interface ModelListing {
  default: string;
  qualities: Record<(typeof QUALITIES)[number], number>;
  models: { id: string; description: string; precision: string; default: boolean; licence: string }[];
}

/** The listing for a server whose default model is `defaultModel`. */
export function modelListing(defaultModel: string): ModelListing {
  const manifest = loadManifest();
  return {
    default: defaultModel,
    qualities: { ...manifest.qualities },
    models: Object.keys(manifest.models).map((id) => {
      const spec = getModelSpec(id, manifest);
      return { id, description: spec.description, precision: spec.precision, default: id === defaultModel, licence: spec.license };
    }),
  };
}

export const modelRoutes: FastifyPluginAsync = async (app) => {
  const listing = modelListing(app.greenroom.config.defaultModel);
  app.get(
    '/v1/models',
    {
      schema: {
        summary: 'The models, their precision, which is the default, and the quality presets',
        operationId: 'listModels',
        tags: ['images'],
        response: { 200: ModelsSchema, ...errorResponses(GreenroomErrorSchema, {}) },
      },
    },
    async () => listing,
  );
};

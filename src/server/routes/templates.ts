/**
 * What the web studio needs to offer backgrounds: the template list, a thumbnail of each
 * (rendered once, then kept), and what a prompt's words mean to the scene parser.
 */
import type { FastifyPluginAsync } from 'fastify';
import { encodeCanvas } from '../../image/encode.ts';
import { seedFrom } from '../../pipeline/spec.ts';
import { getTemplate, parsePrompt, TEMPLATES } from '../../scenes/index.ts';
import { errorResponses, GreenroomErrorSchema } from '../schemas.ts';

const THUMB = 192;

export const templateRoutes: FastifyPluginAsync = async (app) => {
  const thumbs = new Map<string, Promise<Buffer>>();

  app.get('/v1/templates', {
    schema: {
      operationId: 'listTemplates',
      summary: 'The background templates',
      tags: ['backgrounds'],
      response: {
        200: { type: 'array', items: { type: 'object', required: ['name', 'title', 'description', 'tags', 'shadow'], properties: { name: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, shadow: { type: 'string' } } } },
        ...errorResponses(GreenroomErrorSchema, {}),
      },
    },
  }, async () => TEMPLATES.map(({ name, title, description, tags, shadow }) => ({ name, title, description, tags, shadow })));

  app.get<{ Params: { name: string } }>('/v1/templates/:name/thumbnail.jpg', {
    schema: {
      operationId: 'getTemplateThumbnail',
      summary: 'A template rendered small (JPEG)',
      tags: ['backgrounds'],
      params: { type: 'object', properties: { name: { type: 'string', maxLength: 64 } }, required: ['name'] },
      response: {
        200: { description: `The template rendered at ${THUMB} x ${THUMB} px.`, content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } },
        ...errorResponses(GreenroomErrorSchema, { 400: 'A name longer than 64 characters.', 404: 'No template of that name (GET /v1/templates lists them).' }),
      },
    },
  }, async (req, reply) => {
    const t = getTemplate(req.params.name);
    if (!t) return reply.code(404).send({ code: 'GREENROOM_ERR_NOT_FOUND', title: 'Not found', message: `No template named "${req.params.name.slice(0, 64)}". GET /v1/templates lists them.`, details: {} });
    let jpeg = thumbs.get(t.name);
    if (!jpeg) {
      // Painted in the pixel pool, like every scene.
      jpeg = app.greenroom.studio.pixels
        .run('scene', { spec: { type: 'template', name: t.name }, width: THUMB, height: THUMB, seed: seedFrom(t.name) })
        .then((r) => encodeCanvas({ width: THUMB, height: THUMB, channels: 3, data: r.rgb, format: 'jpeg', quality: 82, flatten: { r: 255, g: 255, b: 255, alpha: 1 } }))
        .then((e) => e.data);
      jpeg.catch(() => thumbs.delete(t.name));
      thumbs.set(t.name, jpeg);
    }
    return reply.type('image/jpeg').header('cache-control', 'public, max-age=86400').send(await jpeg);
  });

  app.get<{ Querystring: { text: string } }>('/v1/prompt', {
    schema: {
      operationId: 'parsePrompt',
      summary: 'How a scene prompt is understood (no image is made)',
      tags: ['backgrounds'],
      querystring: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 500 } }, required: ['text'] },
      response: {
        200: {
          type: 'object',
          required: ['understood', 'unknown', 'scene'],
          properties: {
            understood: { type: 'array', items: { type: 'object', required: ['phrase', 'field', 'value'], properties: { phrase: { type: 'string' }, field: { type: 'string' }, value: { type: 'string' } } } },
            unknown: { type: 'array', items: { type: 'string' } },
            scene: { type: 'object', additionalProperties: true, description: 'The structured scene the words make (src/scenes/types.ts).' },
          },
        },
        ...errorResponses(GreenroomErrorSchema, { 400: 'No text, or more than 500 characters.' }),
      },
    },
  }, async (req) => {
    const p = parsePrompt(req.query.text);
    return { understood: p.understood, unknown: p.unknown, scene: p.scene };
  });
};

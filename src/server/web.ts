/**
 * The web studio at /: the Vite build in web/dist (npm install builds it), served by this
 * server; nothing comes from a CDN. Without a build, / says how to make one.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { GreenroomError } from '../errors.ts';

/** web/dist, from src/server or dist/server alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export const webStudio: FastifyPluginAsync<{ root?: string }> = async (app, opts) => {
  const root = opts.root ?? WEB_ROOT;
  if (!fs.existsSync(`${root.replace(/\/?$/, '/')}index.html`)) {
    app.get('/', async () => {
      throw new GreenroomError('NOT_FOUND', 'The web studio is not built in this install: run "npm run build" (npm install does it), then restart. The API works meanwhile: see /docs.', { missing: 'web/dist' });
    });
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], wildcard: false, cacheControl: true, maxAge: '1h' });
};

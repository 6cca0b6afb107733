/**
 * Shared by the server tests: a Studio with a stand-in segmenter (a centred ellipse; no
 * network, fast), the app around it with test settings, and multipart bodies built by hand.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/server/app.ts';
import { loadConfig, type Config, type ServerConfig } from '../../src/config.ts';
import { Studio } from '../../src/studio.ts';
import { getModelSpec } from '../../src/models/manifest.ts';
import type { Segmenter } from '../../src/models/segmenter.ts';
import { photo } from '../helpers/images.ts';

export { photo };

/** A matte with an ellipse in the middle. */
export const fakeSegmenter = async (): Promise<Segmenter> => ({
  model: getModelSpec('isnet'),
  async segment(_rgb, size, onStart) {
    onStart?.();
    const m = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) m[y * size + x] = ((x - size / 2) / (size * 0.3)) ** 2 + ((y - size / 2) / (size * 0.35)) ** 2 < 1 ? 1 : 0;
    return m;
  },
  close: async () => {},
});

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-server-'));
}

export async function openFakeStudio(dataDir: string): Promise<Studio> {
  return Studio.open({ segmenterFactory: fakeSegmenter, dataDir, cacheDir: path.join(os.tmpdir(), 'greenroom-test-cache') });
}

/** The app with the studio's config and these server settings. */
export function testApp(studio: Studio, server: Partial<ServerConfig> = {}, options: Partial<BuildAppOptions> = {}): FastifyInstance {
  const base: Config = loadConfig({ ...process.env, GREENROOM_API_KEYS: '', GREENROOM_CORS_ORIGIN: undefined, GREENROOM_ALLOW_URL_FETCH: '0' });
  const config: Config = { ...studio.config, server: { ...base.server, ...server } };
  return buildApp({ studio, config, defaultMetrics: false, ...options });
}

export interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  type?: string;
}

/** A multipart/form-data body: `{ payload, headers }` for app.inject. */
export function multipart(parts: Part[] | Record<string, string | Uint8Array | { data: Uint8Array; filename?: string }>): { payload: Buffer; headers: Record<string, string> } {
  const list: Part[] = Array.isArray(parts)
    ? parts
    : Object.entries(parts).map(([name, v]) =>
        typeof v === 'string' ? { name, value: v } : v instanceof Uint8Array ? { name, value: v, filename: `${name}.bin` } : { name, value: v.data, filename: v.filename ?? `${name}.bin` },
      );
  const boundary = `----greenroom${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of list) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.filename !== undefined ? `\r\nContent-Type: ${p.type ?? 'application/octet-stream'}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A file part from a fixture photo. */
export function photoFile(name: string): { data: Buffer; filename: string } {
  return { data: fs.readFileSync(photo(name)), filename: name };
}

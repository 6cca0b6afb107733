/**
 * Writes a processed image: the bytes with their type, and headers with what the result knows
 * (size, subject box, per-stage timings, energy receipt). Header values are ASCII, one line.
 */
import type { FastifyReply } from 'fastify';
import yazl from 'yazl';
import type { CutoutResult } from '../pipeline/cutout.ts';
import type { EditResult } from '../pipeline/edit.ts';
import type { RetouchResult } from '../pipeline/retouch.ts';

/** Headers browsers may read cross-origin (for CORS' Access-Control-Expose-Headers): the image routes' and the batch routes'. */
export const RESULT_HEADERS = ['X-Width', 'X-Height', 'X-Subject-Box', 'Server-Timing', 'X-Energy-Joules', 'X-Energy-Stages', 'X-Energy-Method', 'X-Energy-Meter', 'X-CO2e-Grams', 'X-Seed', 'X-Warnings', 'X-Hints', 'X-Retouch', 'X-Uncertainty-Score', 'X-Type', 'X-Credits-Charged', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'Content-Disposition', 'Location', 'Idempotent-Replayed', 'X-Greenroom-Partial', 'X-Greenroom-Outputs'];

export const EXTENSIONS: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif' };

/**
 * A file name safe in a Content-Disposition header and on any disk: the client's base name
 * reduced to [A-Za-z0-9._-], no leading dots, at most 100 characters, with our extension.
 */
export function safeFilename(clientName: string | undefined, format: string, fallback = 'image'): string {
  const base = (clientName ?? '').split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '');
  const clean = base.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').replace(/_+/g, '_').slice(0, 100);
  return `${clean || fallback}.${EXTENSIONS[format] ?? format}`;
}

/** One header line from free text: printable ASCII, no newlines, bounded. */
export function headerText(s: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex
  const ascii = s.normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
  return ascii.length > max ? `${ascii.slice(0, max - 3)}...` : ascii;
}

export function serverTiming(stages: CutoutResult['stages'], totalMs: number): string {
  return [...stages.map((s) => `${s.stage};dur=${s.ms.toFixed(1)}`), ...stages.filter((s) => s.waitMs).map((s) => `${s.stage}-wait;dur=${s.waitMs!.toFixed(1)}`), `total;dur=${totalMs.toFixed(1)}`].join(', ');
}

/** Sends the result image with its headers. */
export function sendImage(reply: FastifyReply, result: CutoutResult | EditResult | RetouchResult, options: { clientName?: string | undefined; fallbackName: string }): FastifyReply {
  const { image } = result;
  reply.header('content-type', image.mime);
  reply.header('content-disposition', `inline; filename="${safeFilename(options.clientName, image.format, options.fallbackName)}"`);
  resultHeaders(reply, result);
  return reply.send(image.data);
}

/**
 * Sends files of one result as a zip (stored: the images are already compressed), with the
 * result's headers: X-Width and X-Height are the first file's (the image's) size.
 */
export async function sendZip(reply: FastifyReply, result: CutoutResult | EditResult, files: readonly { name: string; data: Buffer }[], options: { clientName?: string | undefined; fallbackName: string }): Promise<FastifyReply> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name, { compress: false });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  reply.header('content-type', 'application/zip');
  reply.header('content-disposition', `attachment; filename="${safeFilename(options.clientName, 'zip', options.fallbackName)}"`);
  resultHeaders(reply, result);
  return reply.send(Buffer.concat(chunks));
}

/** The headers of a processed image: its size, subject box, timings, energy, uncertainty, hints. */
function resultHeaders(reply: FastifyReply, result: CutoutResult | EditResult | RetouchResult): void {
  const { image } = result;
  reply.header('x-width', String(image.width));
  reply.header('x-height', String(image.height));
  if ('subject' in result && result.subject) reply.header('x-subject-box', `${result.subject.x},${result.subject.y},${result.subject.width},${result.subject.height}`);
  reply.header('server-timing', serverTiming(result.stages, result.totalMs));
  if (result.energy) {
    reply.header('x-energy-joules', String(result.energy.joules));
    reply.header('x-energy-stages', result.energy.stages.map((st) => `${st.stage}=${st.joules}`).join(','));
    reply.header('x-energy-method', result.energy.method);
    reply.header('x-energy-meter', headerText(result.energy.meter));
    reply.header('x-co2e-grams', String(result.energy.co2eGrams));
  }
  if ('uncertainty' in result && result.uncertainty !== undefined) reply.header('x-uncertainty-score', String(result.uncertainty));
  if ('hints' in result && result.hints) reply.header('x-hints', `steps=${result.hints.steps}, changed=${result.hints.changedPixels}, solved=${result.hints.solvedPixels}, matte=${result.hints.matteFrom}`);
  reply.header('cache-control', 'no-store');
}

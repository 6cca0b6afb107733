/** Helpers for the job-system tests: a fast stand-in segmenter, small generated photos, waiting for a job to end. */
import { getModelSpec } from '../../src/models/manifest.ts';
import type { Segmenter } from '../../src/models/segmenter.ts';
import type { JobQueue, JobStatus } from '../../src/jobs/types.ts';
import { TERMINAL_STATES } from '../../src/jobs/types.ts';
import { encodePngRgb, seeded } from './images.ts';

/** A matte with an ellipse in the middle, after `delayMs` of (non-blocking) waiting, like a slow network. */
export function fakeSegmenterFactory(delayMs = 0, onRun?: () => void): () => Promise<Segmenter> {
  return async () => ({
    model: getModelSpec('isnet'),
    async segment(_rgb, size, onStart) {
      onStart?.();
      onRun?.();
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const m = new Float32Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) m[y * size + x] = ((x - size / 2) / (size * 0.3)) ** 2 + ((y - size / 2) / (size * 0.35)) ** 2 < 1 ? 1 : 0;
      return m;
    },
    close: async () => {},
  });
}

/** A small noisy RGB PNG, different for every seed. */
export function smallPhoto(seed: number, width = 64, height = 48): Buffer {
  const rnd = seeded(seed);
  const rgb = new Uint8Array(width * height * 3);
  const base = [rnd() * 255, rnd() * 255, rnd() * 255];
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.max(0, Math.min(255, base[c]! + (rnd() - 0.5) * 40));
  return encodePngRgb(rgb, width, height);
}

/** Resolves with the job's status once it has ended (or rejects after timeoutMs). */
export async function waitForEnd(queue: JobQueue, id: string, timeoutMs = 30_000): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await queue.get(id);
    if (s && TERMINAL_STATES.has(s.state)) return s;
    if (Date.now() > deadline) throw new Error(`job ${id} did not end in ${timeoutMs} ms: ${JSON.stringify(s && { state: s.state, done: s.done, failed: s.failed })}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The names of a zip's entries, read from its central directory. */
export function zipEntryNames(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    names.push(zip.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

export async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

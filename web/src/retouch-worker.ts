/**
 * The retouch brush's engine, in a Web Worker so the page keeps drawing while a stroke is
 * filled: the same code the server runs (src/retouch, bundled by Vite), on the worker's own copy
 * of the photo. The page sends the photo once, then strokes (in the photo's pixels) and the
 * pixels of undone or redone fills; the worker answers each stroke with the box it changed.
 */
import type { Stroke } from '../../src/matte/hints.ts';
import { maskFromStrokes, maskStats } from '../../src/retouch/mask.ts';
import { applyRetouch, retouch } from '../../src/retouch/retouch.ts';
import type { Box } from '../../src/retouch/types.ts';

export type RetouchRequest =
  | { kind: 'photo'; rgb: Uint8Array; width: number; height: number; matte?: Uint8Array }
  | { kind: 'stroke'; id: number; stroke: Stroke }
  | { kind: 'patch'; box: Box; rgb: Uint8Array };

export type RetouchReply =
  | { kind: 'filled'; id: number; box: Box; rgb: Uint8Array; before: Uint8Array; ms: number; pixels: number }
  | { kind: 'nothing'; id: number; reason: string }
  | { kind: 'failed'; id: number; message: string };

let photo: { rgb: Uint8Array; width: number; height: number; matte?: Uint8Array } | null = null;

/** The photo's pixels in a box. */
function crop(rgb: Uint8Array, width: number, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) out.set(rgb.subarray(((box.y + y) * width + box.x) * 3, ((box.y + y) * width + box.x + box.width) * 3), y * box.width * 3);
  return out;
}

self.onmessage = async (e: MessageEvent<RetouchRequest>) => {
  const msg = e.data;
  if (msg.kind === 'photo') {
    photo = { rgb: msg.rgb, width: msg.width, height: msg.height, ...(msg.matte ? { matte: msg.matte } : {}) };
    return;
  }
  if (!photo) return;
  if (msg.kind === 'patch') {
    applyRetouch(photo, { box: msg.box, rgb: msg.rgb }, photo.rgb);
    return;
  }
  const started = performance.now();
  try {
    const { width, height } = photo;
    const mask = maskFromStrokes([msg.stroke], width, height);
    const stats = maskStats(mask, width, height);
    // The server refuses these too (INVALID_MASK, MASK_TOO_LARGE): nothing is filled.
    if (stats.pixels === 0) return post({ kind: 'nothing', id: msg.id, reason: 'the stroke missed the photo' });
    if (stats.share > 0.5) return post({ kind: 'nothing', id: msg.id, reason: 'the stroke covers over half of the photo' });
    const result = await retouch({ image: photo, mask, ...(photo.matte ? { matte: photo.matte } : {}) });
    if (!result) return post({ kind: 'nothing', id: msg.id, reason: 'nothing to fill' });
    const before = crop(photo.rgb, width, result.box);
    applyRetouch(photo, result, photo.rgb);
    post({ kind: 'filled', id: msg.id, box: result.box, rgb: result.rgb, before, ms: performance.now() - started, pixels: stats.pixels }, [result.rgb.buffer as ArrayBuffer, before.buffer as ArrayBuffer]);
  } catch (err) {
    post({ kind: 'failed', id: msg.id, message: (err as Error).message });
  }
};

function post(reply: RetouchReply, transfer: ArrayBuffer[] = []): void {
  (self as unknown as { postMessage(m: unknown, t: ArrayBuffer[]): void }).postMessage(reply, transfer);
}

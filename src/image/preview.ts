/** A stored image scaled down to fit a box, in its own format: a batch item's preview. */
import type { Readable } from 'node:stream';
import sharp from 'sharp';

export async function previewOf(input: Readable, max: number): Promise<{ data: Buffer; width: number; height: number }> {
  // The format is kept (no toFormat): a PNG cutout stays a PNG with its transparency.
  const resize = sharp().resize(max, max, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' });
  input.on('error', (err) => resize.destroy(err));
  const { data, info } = await input.pipe(resize).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

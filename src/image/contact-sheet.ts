/**
 * Contact sheets: tiles in a grid, each with a caption underneath, as one PNG. Used by
 * `greenroom templates --sheet` and the gallery.
 */
import sharp from 'sharp';

export interface Tile {
  /** Raw pixels, 3 (RGB) or 4 (RGBA) channels. */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
  caption: string;
}

export interface SheetOptions {
  columns: number;
  /** Tile size in the sheet (tiles are scaled to fit, centred). */
  cell: number;
  gap?: number;
  captionHeight?: number;
  title?: string;
}

export async function contactSheet(tiles: readonly Tile[], opts: SheetOptions): Promise<Buffer> {
  const gap = opts.gap ?? 16;
  const captionH = opts.captionHeight ?? 34;
  const titleH = opts.title ? 56 : 0;
  const cols = Math.max(1, Math.min(opts.columns, tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  const width = gap + cols * (opts.cell + gap);
  const height = titleH + gap + rows * (opts.cell + captionH + gap);
  const layers: sharp.OverlayOptions[] = [];
  for (const [i, t] of tiles.entries()) {
    const x = gap + (i % cols) * (opts.cell + gap);
    const y = titleH + gap + Math.floor(i / cols) * (opts.cell + captionH + gap);
    const { data, info } = await sharp(t.data, { raw: { width: t.width, height: t.height, channels: t.channels } })
      .resize(opts.cell, opts.cell, { fit: 'inside' })
      .png()
      .toBuffer({ resolveWithObject: true });
    layers.push({ input: data, left: x + Math.round((opts.cell - info.width) / 2), top: y + Math.round((opts.cell - info.height) / 2) });
    layers.push({ input: text(t.caption, opts.cell, captionH, 15), left: x, top: y + opts.cell });
  }
  if (opts.title) layers.push({ input: text(opts.title, width - 2 * gap, titleH, 22), left: gap, top: 8 });
  return sharp({ create: { width, height, channels: 3, background: { r: 244, g: 244, b: 242 } } }).composite(layers).png().toBuffer();
}

function text(caption: string, width: number, height: number, size: number): Buffer {
  const escaped = caption.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="2" y="${Math.round(height * 0.68)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#333">${escaped}</text></svg>`);
}

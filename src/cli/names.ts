/**
 * Output file names: a safe name from an input's base name, and names allocated so that no two
 * outputs of one run (and no input of the run) share a path.
 */
import path from 'node:path';
import type { OutputFormat } from '../image/encode.ts';

export const EXTENSIONS: Record<OutputFormat, string> = { png: 'png', webp: 'webp', avif: 'avif', jpeg: 'jpg' };

/** File extensions a folder is expanded to (an explicitly named file is always attempted). */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.heic', '.heif', '.tif', '.tiff', '.gif']);

const MAX_NAME_BYTES = 180;

/**
 * The input's base name without extension, made safe to use as a file name: no control
 * characters, no path separators or characters Windows forbids, no leading dots (no hidden
 * files, no "..") or trailing dots and spaces, at most 180 bytes; "image" when nothing is left.
 */
export function safeBaseName(file: string): string {
  const base = file.split(/[/\\]/).pop() ?? '';
  let name = path.parse(base).name;
  if (name === '' && base.startsWith('.')) name = base;
  name = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')
    .replace(/[/\\<>:"|?*]/g, '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(name)) name = `${name}_`;
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    bytes += Buffer.byteLength(ch);
    if (bytes > MAX_NAME_BYTES) break;
    out += ch;
  }
  return out || 'image';
}

export interface AllocatedName {
  /** The output's path: outDir joined with the file name. */
  output: string;
  /** Set when a suffix was added: the name the output would have had. */
  wanted?: string;
}

function key(p: string): string {
  // Case-insensitive, so names stay distinct on macOS and Windows file systems too.
  return path.resolve(p).normalize('NFC').toLowerCase();
}

/**
 * Output paths for inputs, in order: outDir/<safe base name>.<ext>, with -2, -3... added when
 * an earlier input of the run took the name or when the path is one of the run's inputs.
 */
export function allocateOutputs(inputs: readonly string[], outDir: string, ext: string): AllocatedName[] {
  const used = new Set(inputs.map(key));
  return inputs.map((input) => {
    const base = safeBaseName(input);
    const wanted = `${base}.${ext}`;
    let name = wanted;
    for (let n = 2; used.has(key(path.join(outDir, name))); n++) name = `${base}-${n}.${ext}`;
    const output = path.join(outDir, name);
    used.add(key(output));
    return name === wanted ? { output } : { output, wanted };
  });
}

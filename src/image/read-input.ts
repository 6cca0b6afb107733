/** Reads a cutout input: bytes as given, or a file by path, with coded errors for missing files. */
import fs from 'node:fs/promises';
import { GreenroomError } from '../errors.ts';

export type ImageInput = Uint8Array | string;

export async function readInput(input: ImageInput): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  try {
    return await fs.readFile(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GreenroomError('INPUT_NOT_FOUND', `No such file: ${input}. Check the path.`, { path: input }, { cause: err });
    if (code === 'EISDIR') throw new GreenroomError('INVALID_OPTION', `${input} is a folder; pass image files (the CLI expands folders).`, { path: input }, { cause: err });
    if (code === 'EACCES') throw new GreenroomError('INPUT_NOT_FOUND', `Cannot read ${input}: permission denied.`, { path: input }, { cause: err });
    throw err;
  }
}

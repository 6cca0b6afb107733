/**
 * Writing a file so that readers see the old file or the whole new one, never a part: a hidden
 * temporary file in the same folder, flushed, renamed into place (and, for durability across a
 * power cut, the folder flushed too). Used by the CLI's outputs and the job queue's results.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface WriteAtomicOptions {
  /** Temporary files are added here while they exist (so a signal handler can remove them). */
  inFlight?: Set<string>;
  /** Flush the folder after the rename, so the rename itself survives a crash. */
  syncFolder?: boolean;
}

/** The temporary name used next to `target` (hidden, ends in .tmp). */
export function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
}

export function writeAtomic(target: string, data: Uint8Array, options: WriteAtomicOptions = {}): Promise<void> {
  return replaceAtomically(target, async (tmp) => {
    const fh = await fsp.open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }, options);
}

/** Copies `source` to `target` the same way, without holding the file in memory. */
export function copyAtomic(source: string, target: string, options: WriteAtomicOptions = {}): Promise<void> {
  return replaceAtomically(target, async (tmp) => {
    await fsp.copyFile(source, tmp, fsp.constants.COPYFILE_EXCL);
    const fh = await fsp.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }, options);
}

/** Writes a stream to `target` the same way (a job's output read from storage, say). */
export function writeStreamAtomic(target: string, source: NodeJS.ReadableStream, options: WriteAtomicOptions = {}): Promise<void> {
  return replaceAtomically(target, async (tmp) => {
    await pipeline(source, fs.createWriteStream(tmp, { flags: 'wx' }));
    const fh = await fsp.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }, options);
}

/** `fill` writes and flushes the temporary file; it is then renamed over `target`, or removed on failure. */
async function replaceAtomically(target: string, fill: (tmp: string) => Promise<void>, options: WriteAtomicOptions): Promise<void> {
  const tmp = tempNameFor(target);
  options.inFlight?.add(tmp);
  try {
    await fill(tmp);
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  } finally {
    options.inFlight?.delete(tmp);
  }
  if (options.syncFolder) await syncFolder(path.dirname(target));
}

/** Makes a rename in `dir` durable; file systems that refuse to open or flush folders are skipped. */
export async function syncFolder(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await fh?.close();
  }
}

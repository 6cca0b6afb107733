/**
 * Storage in a folder: `file:///srv/greenroom` (a local disk, or an NFS or SMB mount shared by a
 * fleet). Objects are files under the root; writes go to a hidden temporary file in the same
 * folder, are flushed, then renamed into place (or hard-linked, for ifAbsent: the link fails
 * when the target exists, so the first writer wins without a race), and the folder is flushed.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GreenroomError } from '../errors.ts';
import { syncFolder, tempNameFor } from '../io/write-atomic.ts';
import { ByteLimit } from './limit.ts';
import { assertKey, assertPrefix, type PutOptions, type PutResult, type Storage, type StoredObject } from './types.ts';

export class FileStorage implements Storage {
  readonly root: string;
  readonly url: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.url = `file://${this.root}`;
  }

  /** The file of a key. */
  path(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array | Readable, options: PutOptions = {}): Promise<PutResult> {
    const target = this.path(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const tmp = tempNameFor(target);
    try {
      if (body instanceof Uint8Array) {
        const fh = await fsp.open(tmp, 'wx');
        try {
          await fh.writeFile(body);
          await fh.sync();
        } finally {
          await fh.close();
        }
      } else {
        await pipeline(body, new ByteLimit(options.maxBytes), fs.createWriteStream(tmp, { flags: 'wx' }));
        await flush(tmp);
      }
      let written = true;
      if (options.ifAbsent) {
        try {
          await fsp.link(tmp, target);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          written = false;
        }
        await fsp.rm(tmp, { force: true });
      } else {
        await fsp.rename(tmp, target);
      }
      if (written) await syncFolder(path.dirname(target));
      return { bytes: (await fsp.stat(target)).size, written };
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await fsp.readFile(this.path(key)));
    } catch (err) {
      throw notFound(key, err);
    }
  }

  async read(key: string): Promise<Readable> {
    const file = this.path(key);
    const fh = await fsp.open(file, 'r').catch((err: unknown) => {
      throw notFound(key, err);
    });
    return fh.createReadStream();
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await fsp.stat(this.path(key));
      return s.isFile() ? { key, bytes: s.size, modifiedMs: s.mtimeMs } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertPrefix(prefix);
    yield* this.#walk(this.path(prefix.slice(0, -1)), prefix);
  }

  async *#walk(dir: string, prefix: string): AsyncIterable<StoredObject> {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // temporary files of writes in progress
      const full = path.join(dir, e.name);
      if (e.isDirectory()) yield* this.#walk(full, `${prefix}${e.name}/`);
      else if (e.isFile()) {
        const s = await fsp.stat(full).catch(() => null);
        if (s) yield { key: `${prefix}${e.name}`, bytes: s.size, modifiedMs: s.mtimeMs };
      }
    }
  }

  async children(prefix: string): Promise<string[]> {
    assertPrefix(prefix);
    try {
      const entries = await fsp.readdir(this.path(prefix.slice(0, -1)), { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertPrefix(prefix);
    await fsp.rm(this.path(prefix.slice(0, -1)), { recursive: true, force: true });
  }

  async removePartial(prefix: string): Promise<void> {
    assertPrefix(prefix);
    const walk = async (dir: string): Promise<void> => {
      const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.name.startsWith('.') && e.name.endsWith('.tmp')) await fsp.rm(full, { force: true });
      }
    };
    await walk(this.path(prefix.slice(0, -1)));
  }

  async close(): Promise<void> {}
}

async function flush(file: string): Promise<void> {
  const fh = await fsp.open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function notFound(key: string, err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return err;
  return new GreenroomError('INPUT_NOT_FOUND', `No stored object ${key}: it was deleted (retention) or never written.`, { key }, { cause: err });
}

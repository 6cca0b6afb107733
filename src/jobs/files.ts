/**
 * The embedded queue's files: `<dataDir>/jobs/<id>/in/<index>` (the uploaded bytes, named by
 * index only, never by the client's name), `out/<index>.<ext>` (finished outputs, written to a
 * temporary file, flushed and renamed into place), `background` (an uploaded background image).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { copyAtomic, writeAtomic } from '../io/write-atomic.ts';
import yazl from 'yazl';
import { safeBaseName } from '../cli/names.ts';
import { GreenroomError } from '../errors.ts';

/** Job ids are UUIDs; anything else is never used to build a path. */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class JobFiles {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'jobs');
  }

  jobDir(id: string): string {
    if (!JOB_ID_PATTERN.test(id)) throw new Error(`not a job id: ${JSON.stringify(id)}`);
    return path.join(this.root, id);
  }

  input(id: string, index: number): string {
    return path.join(this.jobDir(id), 'in', String(index));
  }

  background(id: string): string {
    return path.join(this.jobDir(id), 'background');
  }

  output(id: string, index: number, outName: string): string {
    return path.join(this.jobDir(id), 'out', `${index}${path.extname(outName)}`);
  }

  async createJobDirs(id: string): Promise<void> {
    await fsp.mkdir(path.join(this.jobDir(id), 'in'), { recursive: true });
    await fsp.mkdir(path.join(this.jobDir(id), 'out'), { recursive: true });
  }

  async removeJob(id: string): Promise<void> {
    await fsp.rm(this.jobDir(id), { recursive: true, force: true });
  }

  /** Job folders on disk (those named like job ids). */
  async listJobDirs(): Promise<string[]> {
    try {
      return (await fsp.readdir(this.root)).filter((n) => JOB_ID_PATTERN.test(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Temporary files a crash left in a job's out folder. */
  async removeTemps(id: string): Promise<void> {
    const dir = path.join(this.jobDir(id), 'out');
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.endsWith('.tmp')).map((n) => fsp.rm(path.join(dir, n), { force: true })));
  }
}

/**
 * Takes `<root>/lock` for this process: one process owns a jobs folder at a time (recovery
 * re-queues items left running, which would steal a live owner's work). A lock whose process is
 * gone (a crash, kill -9) is taken over. Returns the release function.
 */
export function acquireLock(root: string): () => void {
  const file = path.join(root, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new GreenroomError('INVALID_CONFIG', `The job folder ${root} is in use by process ${pid}; stop it first, or set another GREENROOM_DATA_DIR.`, { path: root, pid });
    }
    fs.rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new GreenroomError('INVALID_CONFIG', `Cannot lock the job folder ${root}; another process keeps taking it.`, { path: root });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes bytes durably: temporary file, flushed, renamed into place, folder flushed. */
export function writeDurable(target: string, data: Uint8Array): Promise<void> {
  return writeAtomic(target, data, { syncFolder: true });
}

/** Copies a file durably (as writeDurable) without holding it in memory. */
export function copyDurable(source: string, target: string): Promise<void> {
  return copyAtomic(source, target, { syncFolder: true });
}

/** The client's file name for display: the last path segment, no control characters, at most 255 characters. */
export function displayName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')
    .replace(BIDI_AND_INVISIBLE, '')
    .trim()
    .slice(0, 255);
  return clean || 'image';
}

const BIDI_AND_INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Output names for a job's items, in order: `<safe base name>.<ext>`, with -2, -3... when an
 * earlier item took the name (compared case-insensitively, so they stay distinct when unzipped
 * on macOS or Windows).
 */
export function outputNames(names: readonly string[], ext: string): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    // Bidirectional and zero-width controls too: a name must read as what it is (no "gnp.exe" tricks).
    const base = safeBaseName(n.replace(BIDI_AND_INVISIBLE, ''));
    let name = `${base}.${ext}`;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${base}-${k}.${ext}`;
    used.add(name.toLowerCase());
    return name;
  });
}

/** A zip of files (already compressed images, so stored, not deflated) as a stream. */
export function zipStream(entries: readonly { file: string; name: string }[]): NodeJS.ReadableStream {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (fs.existsSync(e.file)) zip.addFile(e.file, e.name, { compress: false });
  }
  zip.end();
  return zip.outputStream;
}

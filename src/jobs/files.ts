/**
 * Jobs' names and the embedded queue's folder lock: job ids (checked before any use in a key or
 * path), display names, safe unique output names. Where inputs and outputs live: keys.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { safeBaseName } from '../cli/names.ts';
import { GreenroomError } from '../errors.ts';

/** Job ids are UUIDs; anything else is never used to build a path. */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

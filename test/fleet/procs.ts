/**
 * Child processes of the fleet tests: `greenroom worker` and `greenroom serve` from source, with
 * the real model, pointed at the test Redis and a shared storage folder; photos made from the
 * fixture photos at 1600x1200 (so an item takes long enough, with one thread, to be killed in
 * the middle of it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ROOT } from '../cli/helpers.ts';

const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const TSX = import.meta.resolve('tsx');
export const TEST_CACHE = path.join(os.tmpdir(), 'greenroom-test-cache');
const FIXTURES = ['coffee.png', 'chelsea.png', 'astronaut.png', 'motorcycle_left.png', 'rocket.jpg'];

/** Short lock and stall check, so a killed worker's item restarts in seconds (production: docs/DEPLOY.md). */
export const FAST_FLEET = { GREENROOM_JOB_LOCK_MS: '3000', GREENROOM_JOB_STALLED_INTERVAL_MS: '1000', GREENROOM_JOB_ATTEMPTS: '3' };

export interface Proc {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function cli(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    env: { ...process.env, GREENROOM_CACHE_DIR: TEST_CACHE, GREENROOM_THREADS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', () => {});
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    log: () => err,
    exited,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 120_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined | null | false;
    try {
      v = await fn();
    } catch {
      v = undefined; // Redis restarting, a server starting: ask again
    }
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A worker process; resolves once it says it is ready. */
export async function startWorker(name: string, env: Record<string, string>): Promise<Proc> {
  const p = cli(['worker', '--name', name], env);
  await waitFor(`worker ${name} ready`, () => p.log().includes(': ready on') || (p.child.exitCode !== null && Promise.reject(new Error(p.log()))), 120_000);
  return p;
}

/** `greenroom serve` on a port; resolves once /health answers. */
export async function startServe(port: number, args: string[], env: Record<string, string>): Promise<Proc> {
  const p = cli(['serve', '--port', String(port), ...args], env);
  await waitFor('the server', async () => {
    if (p.child.exitCode !== null) throw new Error(`serve exited: ${p.log()}`);
    return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
  });
  return p;
}

/** n JPEG photos of 1600x1200 from the fixtures (each a little different), written to dir; returns their paths. */
export async function makePhotos(dir: string, n: number, prefix = 'photo'): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const fixtures = path.join(ROOT, 'test', 'fixtures', 'photos');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `${prefix}-${i}.jpg`);
    await sharp(path.join(fixtures, FIXTURES[i % FIXTURES.length]!))
      .resize(1600, 1200, { fit: 'fill' })
      .modulate({ brightness: 1 + (i % 7) * 0.01 })
      .jpeg({ quality: 88 })
      .toFile(file);
    out.push(file);
  }
  return out;
}

/** The ledger lines of a data folder for one batch. */
export function ledgerLines(dataDir: string, batchId: string): { input?: string; batchId?: string }[] {
  const file = path.join(dataDir, 'energy', 'ledger.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { input?: string; batchId?: string })
    .filter((e) => e.batchId === batchId);
}

/** Output files of a job in a folder storage (temporary files would start with a dot). */
export function outputFiles(storageDir: string, jobId: string): string[] {
  const dir = path.join(storageDir, 'jobs', jobId, 'out');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

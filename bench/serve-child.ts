/**
 * The real server in a child process, as `npm start` runs it: the built JavaScript (dist/),
 * rebuilt first when a source file is newer, so the figures are not those of TypeScript compiled
 * on the fly in every thread. Memory is read from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from './paths.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A /proc/<pid>/status memory field in MB: VmHWM (peak resident) or VmRSS (resident now). */
export function procMemory(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resets the process's peak resident memory (VmHWM) to its current size; false where the kernel does not allow it. */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
    if (f.endsWith('.ts')) newest = Math.max(newest, fs.statSync(path.join(dir, f)).mtimeMs);
  }
  return newest;
}

/** Compiles src/ to dist/ when dist is missing or older than a source file. */
export function ensureBuilt(): void {
  const entry = path.join(ROOT_DIR, 'dist', 'cli', 'main.js');
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newestMtime(path.join(ROOT_DIR, 'src'))) return;
  execFileSync(process.execPath, [path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT_DIR, 'tsconfig.build.json')], { cwd: ROOT_DIR, stdio: 'inherit' });
}

export interface ServerChild {
  url: string;
  child: ChildProcess;
  startupMs: number;
  stop(): Promise<void>;
}

/** `greenroom serve` on a free loopback port with a temporary data folder, once it answers /health. */
export async function startServer(env: Record<string, string> = {}): Promise<ServerChild> {
  ensureBuilt();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-bench-serve-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT_DIR, 'bin', 'greenroom.js'), 'serve', '--port', String(port)], {
    cwd: ROOT_DIR,
    // As `npm start` runs it: glibc returns freed image buffers to the system (docs/DEPLOY.md).
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072', GREENROOM_DATA_DIR: dataDir, GREENROOM_RATE_LIMIT_PER_MIN: '100000', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 600) throw new Error(`the server did not start: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const startupMs = performance.now() - t0;
  return {
    url,
    child,
    startupMs,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs a photo to a route as multipart image_file (plus fields); resolves with the status and the body's size. */
export async function postImage(url: string, bytes: Buffer, name: string, fields: Record<string, string> = {}): Promise<{ status: number; bytes: number; retryAfter: number }> {
  const form = new FormData();
  form.append('image_file', new Blob([new Uint8Array(bytes)]), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(url, { method: 'POST', body: form });
  const body = await res.arrayBuffer();
  return { status: res.status, bytes: body.byteLength, retryAfter: Number(res.headers.get('retry-after') ?? '1') };
}

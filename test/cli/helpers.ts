/** Runs the CLI from source in a child process, with the shared test model cache. */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PHOTOS = path.join(ROOT, 'test', 'fixtures', 'photos');
export const CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
// Resolved here, so the child finds tsx whatever its working directory.
const TSX = import.meta.resolve('tsx');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, GREENROOM_CACHE_DIR: CACHE_DIR, GREENROOM_DATA_DIR: process.env.GREENROOM_DATA_DIR ?? path.join(os.tmpdir(), 'greenroom-test-data'), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `greenroom batch` as a child process with the real model: outputs written, failures reported,
 * an interrupted run resumed by running the same command again, a finished run only copied out.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { CACHE_DIR, PHOTOS, ROOT } from '../cli/helpers.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-batch-cli-'));
const dataDir = path.join(root, 'data');
const inDir = path.join(root, 'in');
const outDir = path.join(root, 'out');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const TSX = import.meta.resolve('tsx');
after(() => fs.rmSync(root, { recursive: true, force: true }));

const args = ['batch', inDir, '--out', outDir, '--quality', 'fast', '--size', '400x300', '--background', 'template:studio-grey', '--format', 'jpeg'];

function batch(killWhen?: () => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args, '--json'], {
      env: { ...process.env, GREENROOM_CACHE_DIR: CACHE_DIR, GREENROOM_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (killWhen?.() && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const ledgerRuns = () => {
  const file = path.join(dataDir, 'energy', 'ledger.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0;
};

test('greenroom batch: killed mid-run, resumed by the same command, then only copied out', { timeout: 180_000 }, async () => {
  fs.mkdirSync(inDir, { recursive: true });
  const names = ['chelsea.png', 'coffee.png', 'rocket.jpg', 'astronaut.png'];
  for (const n of names) fs.copyFileSync(path.join(PHOTOS, n), path.join(inDir, n));
  fs.writeFileSync(path.join(inDir, 'broken.png'), 'not a png');

  // First run: kill -9 once an output has been written.
  const first = await batch(() => fs.existsSync(outDir) && fs.readdirSync(outDir).some((f) => f.endsWith('.jpg')));
  assert.equal(first.signal, 'SIGKILL', first.stderr);
  const runsAfterKill = ledgerRuns();
  assert.ok(runsAfterKill >= 1 && runsAfterKill < names.length + 1, `studio runs before the kill: ${runsAfterKill}`);

  // Second run: resumes the same job and finishes it.
  const second = await batch();
  assert.equal(second.code, 1, 'one input failed');
  assert.match(second.stderr, /resuming job [0-9a-f-]{36}: \d+ of 5 already finished/);
  const lines = second.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; output?: string; error?: { code: string } });
  assert.equal(lines.length, 5);
  assert.equal(lines.find((l) => l.file.endsWith('broken.png'))!.error!.code, 'GREENROOM_ERR_NOT_AN_IMAGE');
  for (const n of names) {
    const out = path.join(outDir, `${path.parse(n).name}.jpg`);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 400, 300]);
  }
  const runsAfterResume = ledgerRuns();
  // Each image ran once, the one in flight at the kill at most twice (the broken file fails before any metered work).
  assert.ok(runsAfterResume <= names.length + 1, `studio runs in all: ${runsAfterResume}`);
  const bytes = new Map(names.map((n) => [n, fs.readFileSync(path.join(outDir, `${path.parse(n).name}.jpg`))]));

  // Third run: everything finished; outputs are copied out again, nothing is recomputed.
  fs.rmSync(outDir, { recursive: true });
  const third = await batch();
  assert.equal(third.code, 1);
  assert.match(third.stderr, /5 of 5 already finished/);
  assert.equal(ledgerRuns(), runsAfterResume, 'no studio run on a finished job');
  for (const n of names) assert.ok(fs.readFileSync(path.join(outDir, `${path.parse(n).name}.jpg`)).equals(bytes.get(n)!));

  // A changed flag is a new job.
  const other = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, ['--import', TSX, MAIN, 'batch', path.join(inDir, 'rocket.jpg'), '--out', path.join(root, 'other'), '--quality', 'fast', '--size', '200x200'], {
      env: { ...process.env, GREENROOM_CACHE_DIR: CACHE_DIR, GREENROOM_DATA_DIR: dataDir },
    });
    let err = '';
    c.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    c.on('close', () => resolve(err));
  });
  assert.match(other, /^job [0-9a-f-]{36}: 1 image$/m);
  assert.ok(fs.existsSync(path.join(root, 'other', 'rocket.png')));
});

/**
 * The queue survives kill -9: a child process runs a batch of 6 images (300 ms each), is
 * SIGKILLed with 2 or more finished and one running, is started again, and completes the batch.
 * Every image finishes exactly once: items finished before the kill are never run again and
 * their outputs are byte-identical afterwards; only the item running at the kill runs twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobStatus } from '../../src/jobs/types.ts';
import { smallPhoto } from '../helpers/jobs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-jobs-crash-'));
const dataDir = path.join(root, 'data');
const inputDir = path.join(root, 'in');
const log = path.join(root, 'runs.log');
const child = new URL('../helpers/jobs-child.ts', import.meta.url).pathname;
after(() => fs.rmSync(root, { recursive: true, force: true }));

interface Line {
  type: string;
  id?: string;
  index?: number;
  state?: string;
  status?: JobStatus;
}

function start(onLine: (l: Line, proc: ChildProcess) => void): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, inputDir, log], { stdio: ['ignore', 'pipe', 'inherit'] });
  readline.createInterface({ input: proc.stdout! }).on('line', (text) => onLine(JSON.parse(text) as Line, proc));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited };
}

const starts = (): string[] => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.slice('start '.length)) : []);

test('a batch survives SIGKILL mid-run and completes with every image exactly once', { timeout: 60_000 }, async () => {
  fs.mkdirSync(inputDir, { recursive: true });
  const names = Array.from({ length: 6 }, (_, i) => `shot-${i}.png`);
  names.forEach((n, i) => fs.writeFileSync(path.join(inputDir, n), smallPhoto(100 + i, 320, 240)));

  // First run: kill once two items are done and a third has started.
  let id = '';
  const doneBeforeKill = new Set<number>();
  const first = start((l) => {
    if (l.type === 'job') id = l.id!;
    if (l.type === 'item' && l.state === 'done') doneBeforeKill.add(l.index!);
  });
  const poll = setInterval(() => {
    // Two reported done and a third started (its studio run logged): kill now, mid-item.
    if (doneBeforeKill.size >= 2 && starts().length > doneBeforeKill.size && first.proc.exitCode === null && !first.proc.killed) first.proc.kill('SIGKILL');
  }, 10);
  const code = await first.exited;
  clearInterval(poll);
  assert.equal(code, null, 'the first child was killed, not finished');
  assert.ok(doneBeforeKill.size >= 2 && doneBeforeKill.size < 6, `done before the kill: ${[...doneBeforeKill]}`);
  const outDir = path.join(dataDir, 'jobs', id, 'out');
  const before = new Map([...doneBeforeKill].map((i) => [i, fs.readFileSync(path.join(outDir, `${i}.png`))]));
  const startsBefore = starts();

  // Second run: the same submit finds the job, and the queue resumes it.
  let final: JobStatus | undefined;
  let created: boolean | undefined;
  const second = start((l) => {
    if (l.type === 'job') created = (l as { created?: boolean }).created;
    if (l.type === 'final') final = l.status;
  });
  assert.equal(await second.exited, 0);
  assert.equal(created, false, 'the restarted child found the same job by its idempotency key');
  assert.ok(final);
  assert.equal(final.id, id);
  assert.equal(final.state, 'done');
  assert.deepEqual(final.items.map((i) => i.state), names.map(() => 'done'));
  assert.deepEqual([final.done, final.failed, final.total], [6, 0, 6]);

  const runs = starts();
  const count = (name: string) => runs.filter((r) => r === name).length;
  for (const i of doneBeforeKill) assert.equal(count(names[i]!), 1, `${names[i]} finished before the kill and never ran again`);
  for (const n of names) assert.ok(count(n) >= 1 && count(n) <= 2, `${n} ran ${count(n)} times`);
  // Only what was in flight at the kill (one item, concurrency 1) ran twice.
  assert.ok(runs.length <= names.length + 1, `studio runs: ${runs.length} (${runs.join(', ')})`);
  assert.ok(startsBefore.length > doneBeforeKill.size);

  for (const [i, bytes] of before) assert.ok(fs.readFileSync(path.join(outDir, `${i}.png`)).equals(bytes), `output ${i} is byte-identical after the restart`);
  assert.deepEqual(fs.readdirSync(outDir).sort(), names.map((_, i) => `${i}.png`).sort(), 'one output per item, no temporary files');
  // The ledger counts each item once: the run killed mid-item recorded nothing.
  const ledger = fs.readFileSync(path.join(dataDir, 'energy', 'ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { batchId?: string; input?: string });
  assert.deepEqual(ledger.filter((e) => e.batchId === id).map((e) => e.input).sort(), [...names].sort());
});

/**
 * The studio server itself survives kill -9 mid-batch: `greenroom serve` as a child process with
 * the real model, a batch of 6 photos over HTTP, SIGKILL once some are done, the server started
 * again on the same data folder, and the batch finishes with every photo's result exactly once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../cli/helpers.ts';

const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const TSX = import.meta.resolve('tsx');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-restart-'));
let child: ChildProcess | undefined;
after(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function serve(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', TSX, MAIN, 'serve', '--port', String(port)], {
    env: { ...process.env, GREENROOM_DATA_DIR: dataDir, GREENROOM_CACHE_DIR: path.join(os.tmpdir(), 'greenroom-test-cache') },
    stdio: 'ignore',
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return proc;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

type Status = { state: string; done: number; total: number; items: { state: string; name: string }[] };

test('kill -9 mid-batch, restart: the batch completes with every image exactly once', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  child = await serve(port);
  const photos = fileURLToPath(new URL('../fixtures/photos/', import.meta.url));
  const names = ['coffee.png', 'chelsea.png', 'astronaut.png', 'motorcycle_left.png', 'rocket.jpg', 'coffee.png'];
  const form = new FormData();
  names.forEach((n, i) => form.append('image_file', new Blob([fs.readFileSync(path.join(photos, n))]), `${i}-${n}`));
  form.append('spec', JSON.stringify({ cutout: { quality: 'fast' }, background: 'white', layout: { outputSize: '400x400' } }));
  const submitted = await fetch(`${base}/v1/jobs`, { method: 'POST', body: form });
  assert.equal(submitted.status, 202, await submitted.clone().text());
  const { id } = (await submitted.json()) as { id: string };

  // Wait for two finished images, then kill the server without warning.
  for (let i = 0; ; i++) {
    const s = (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as Status;
    if (s.done >= 2) break;
    assert.ok(i < 600, 'two images finish');
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child!.once('exit', r));
  const before = fs.readdirSync(path.join(dataDir, 'jobs', id, 'out')).filter((f) => !f.startsWith('.'));
  const kept = new Map(before.map((f) => [f, fs.readFileSync(path.join(dataDir, 'jobs', id, 'out', f))]));
  assert.ok(kept.size >= 2);

  child = await serve(port);
  let status: Status;
  for (let i = 0; ; i++) {
    status = (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as Status;
    if (status.state === 'done') break;
    assert.ok(i < 1200, `the batch finishes after the restart (${JSON.stringify(status)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status.done, names.length);
  assert.ok(status.items.every((it) => it.state === 'done'));
  const after = fs.readdirSync(path.join(dataDir, 'jobs', id, 'out')).filter((f) => !f.startsWith('.'));
  assert.equal(after.length, names.length, 'one output per image, no duplicates');
  for (const [f, bytes] of kept) assert.ok(fs.readFileSync(path.join(dataDir, 'jobs', id, 'out', f)).equals(bytes), `${f} untouched by the restart`);
  const zip = await fetch(`${base}/v1/jobs/${id}/results.zip`);
  assert.equal(zip.status, 200);
  assert.ok((await zip.arrayBuffer()).byteLength > 1000);
});

/**
 * Runs the peer, @imgly/background-removal-node, in its own process (it brings its own
 * onnxruntime-node 1.17, which should not share a process with greenroom's). Reads one job as
 * JSON from argv[2], prints `@@RESULT <json>` as its last line. Spawned by bench/peer.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { removeBackground } from '@imgly/background-removal-node';
import { pool } from './stats.ts';

export type PeerJob =
  | { kind: 'speed'; files: string[]; passes: number; poolPasses: number; concurrency: number }
  | { kind: 'predict'; files: string[]; outDir: string };

export interface PeerSpeedResult {
  kind: 'speed';
  warmupMs: number;
  /** Per-image wall-clock ms of each sequential call, pass by pass. */
  latencies: number[];
  /** Wall-clock ms of each sequential pass over the folder. */
  sequentialPassMs: number[];
  /** Wall-clock ms of each pass with `concurrency` calls in flight; null when it failed. */
  poolPassMs: number[] | null;
  poolError?: string;
  /** CPU ms the worker process used in all (model load and warm-up included). */
  cpuMs: number;
  /** CPU ms used during the sequential passes alone (for joules per image under the same CPU model). */
  sequentialCpuMs: number;
}

export interface PeerPredictResult {
  kind: 'predict';
  warmupMs: number;
  latencies: number[];
  cpuMs: number;
}

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/** The peer's documented call, as a user would write it. */
async function peerCutout(file: string): Promise<Buffer> {
  const buf = fs.readFileSync(file);
  const blob = await removeBackground(new Blob([buf], { type: MIME[path.extname(file).toLowerCase()] ?? 'image/png' }), {
    model: 'medium',
    output: { format: 'image/png' },
  });
  return Buffer.from(await blob.arrayBuffer());
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await work();
  return [value, performance.now() - t];
}

async function main(job: PeerJob): Promise<PeerSpeedResult | PeerPredictResult> {
  const [, warmupMs] = await timed(() => peerCutout(job.files[0]));
  if (job.kind === 'predict') {
    fs.mkdirSync(job.outDir, { recursive: true });
    const latencies: number[] = [];
    for (const file of job.files) {
      const [png, ms] = await timed(() => peerCutout(file));
      latencies.push(ms);
      fs.writeFileSync(path.join(job.outDir, path.basename(file).replace(/\.\w+$/, '.png')), png);
    }
    return { kind: 'predict', warmupMs, latencies, cpuMs: cpuMs() };
  }
  const latencies: number[] = [];
  const sequentialPassMs: number[] = [];
  const cpuBefore = cpuMs();
  for (let p = 0; p < job.passes; p++) {
    const [, passMs] = await timed(async () => {
      for (const file of job.files) latencies.push((await timed(() => peerCutout(file)))[1]);
    });
    sequentialPassMs.push(passMs);
  }
  const sequentialCpuMs = cpuMs() - cpuBefore;
  let poolPassMs: number[] | null = [];
  let poolError: string | undefined;
  try {
    for (let p = 0; p < job.poolPasses; p++) poolPassMs.push((await timed(() => pool(job.files, job.concurrency, peerCutout)))[1]);
  } catch (err) {
    poolPassMs = null;
    poolError = (err as Error).message;
  }
  return { kind: 'speed', warmupMs, latencies, sequentialPassMs, poolPassMs, ...(poolError ? { poolError } : {}), cpuMs: cpuMs(), sequentialCpuMs };
}

const job = JSON.parse(process.argv[2] ?? '{}') as PeerJob;
const result = await main(job);
process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);

/** Spawns bench/peer-worker.ts for one job and returns its result. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, ROOT_DIR } from './paths.ts';
import type { PeerJob, PeerPredictResult, PeerSpeedResult } from './peer-worker.ts';

export type { PeerJob, PeerPredictResult, PeerSpeedResult };

export function runPeer(job: Extract<PeerJob, { kind: 'speed' }>): Promise<PeerSpeedResult>;
export function runPeer(job: Extract<PeerJob, { kind: 'predict' }>): Promise<PeerPredictResult>;
export function runPeer(job: PeerJob): Promise<PeerSpeedResult | PeerPredictResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'peer-worker.ts'), JSON.stringify(job)], {
      cwd: ROOT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('@@RESULT '.length)) as PeerSpeedResult | PeerPredictResult);
      else reject(new Error(`peer worker exited with ${code}: ${err.slice(-2000) || out.slice(-2000)}`));
    });
  });
}

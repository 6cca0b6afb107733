/**
 * A real Debian redis-server for the fleet tests: on a free loopback port, its files in a
 * temporary folder, append-only file on with fsync always and noeviction (as docs/DEPLOY.md
 * recommends), no snapshot files. Killed with SIGKILL and restarted on the same folder for the
 * fault tests; stopped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  pid(): number;
  /** kill -9, as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same folder and port (the append-only file is replayed). */
  restart(): Promise<void>;
  /** One command through redis-cli (for INFO and the like). */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const launch = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (let i = 0; i < 200; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.write('PING\r\n');
        });
        s.once('data', (d) => {
          s.destroy();
          resolve(d.toString().startsWith('+PONG'));
        });
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not start');
  };
  const exited = () => (proc && proc.exitCode === null && proc.signalCode === null ? new Promise<void>((r) => proc!.once('exit', () => r())) : Promise.resolve());
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: () => proc!.pid!,
    async kill() {
      const done = exited();
      proc?.kill('SIGKILL');
      await done;
    },
    restart: launch,
    cli: (...args) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout,
    async stop() {
      const done = exited();
      proc?.kill('SIGTERM');
      await done;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

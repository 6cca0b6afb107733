/**
 * How busy the machine was while a section ran, from /proc/stat (Linux): the cores kept busy in
 * total, by this bench (its own CPU time, reported by the caller), and by everything else.
 * Timings taken while other work competes for the 2 cores are slower than on a quiet machine;
 * this says by how much the machine was shared.
 */
import fs from 'node:fs';
import os from 'node:os';

interface Snapshot {
  wall: number;
  busyMs: number | null;
  loadAvg: number;
}

export interface LoadReport {
  wallMs: number;
  /** Average number of cores busy (all processes), null where /proc/stat is unavailable. */
  busyCores: number | null;
  /** Average cores used by the measured work (greenroom's process or the peer's). */
  benchCores: number;
  /** Average cores used by everything else on the machine. */
  otherCores: number | null;
  loadAvgStart: number;
  loadAvgEnd: number;
}

function busyMs(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3] + f[4];
    return ((total - idle) * 1000) / 100; // USER_HZ = 100
  } catch {
    return null;
  }
}

export function loadSnapshot(): Snapshot {
  return { wall: performance.now(), busyMs: busyMs(), loadAvg: os.loadavg()[0] };
}

/** Own CPU ms of this process (user + system). */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function loadReport(start: Snapshot, benchCpuMs: number): LoadReport {
  const end = loadSnapshot();
  const wallMs = end.wall - start.wall;
  const busy = start.busyMs !== null && end.busyMs !== null ? (end.busyMs - start.busyMs) / wallMs : null;
  const bench = benchCpuMs / wallMs;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    wallMs: Math.round(wallMs),
    busyCores: busy === null ? null : r2(busy),
    benchCores: r2(bench),
    otherCores: busy === null ? null : r2(Math.max(0, busy - bench)),
    loadAvgStart: r2(start.loadAvg),
    loadAvgEnd: r2(end.loadAvg),
  };
}

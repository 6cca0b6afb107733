/** What the bench ran on: CPU, cores, Node, library versions, load. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from './paths.ts';

export interface MachineInfo {
  cpu: string;
  cores: number;
  availableParallelism: number;
  memoryGB: number;
  platform: string;
  node: string;
  onnxruntimeNode: string;
  peer: string;
  peerOnnxruntimeNode: string;
  sharp: string;
  /** 1-minute load average when the bench started (other work on the machine skews timings). */
  loadAvgAtStart: number;
}

export function packageVersion(pkg: string, nodeModules = path.join(ROOT_DIR, 'node_modules')): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(nodeModules, pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const peerModules = path.join(ROOT_DIR, 'node_modules', '@imgly', 'background-removal-node', 'node_modules');
  const peerOrt = packageVersion('onnxruntime-node', peerModules);
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntimeNode: packageVersion('onnxruntime-node'),
    peer: packageVersion('@imgly/background-removal-node'),
    peerOnnxruntimeNode: peerOrt === 'unknown' ? packageVersion('onnxruntime-node') : peerOrt,
    sharp: packageVersion('sharp'),
    loadAvgAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

#!/usr/bin/env node
/**
 * `npm test`'s first step: the system packages the tests need. Debian's chromium (the web studio
 * tests) and redis-server (the fleet tests). Missing ones are installed with apt when this runs
 * as root; otherwise the run stops at once with the exact command to run.
 */
import { spawnSync } from 'node:child_process';

const NEEDED = [
  { command: 'chromium', pkg: 'chromium' },
  { command: 'redis-server', pkg: 'redis-server' },
];

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = NEEDED.filter((n) => !has(n.command)).map((n) => n.pkg);
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !has('apt-get')) {
  process.stderr.write(`The tests need ${missing.join(' and ')} (Debian packages). Install ${missing.length > 1 ? 'them' : 'it'}, then run npm test again:\n\n  sudo ${command}\n\n`);
  process.exit(1);
}
process.stderr.write(`Installing ${missing.join(', ')} for the tests (apt-get)...\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    process.stderr.write(`apt-get ${args.join(' ')} failed (exit ${r.status}). Run it yourself, then npm test again:\n\n  ${command}\n\n`);
    process.exit(1);
  }
}
const still = NEEDED.filter((n) => !has(n.command)).map((n) => n.pkg);
if (still.length > 0) {
  process.stderr.write(`${still.join(', ')} still missing after apt-get install; install ${still.join(' ')} and run npm test again.\n`);
  process.exit(1);
}

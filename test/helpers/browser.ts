/**
 * Debian's Chromium through playwright-core, as every browser test launches it: headless, no
 * sandbox, no GPU, nothing fetched in the background. Fails at once, with the command to run, when
 * Chromium or the built page is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where browser tests leave their screenshots. */
export const SHOTS_DIR = path.join(os.tmpdir(), 'greenroom-e2e');

function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  assert.ok(executablePath, 'Debian chromium is needed: apt-get install -y chromium (.ci/run does)');
  assert.ok(fs.existsSync(new URL('../../web/dist/index.html', import.meta.url)), 'web/dist is missing: npm run build');
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

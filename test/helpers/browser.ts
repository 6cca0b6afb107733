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
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { buildApp } from '../../src/server/app.ts';
import { Studio } from '../../src/studio.ts';

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

/** The web studio served on a free loopback port by a real Studio, and a browser to open it. */
export interface WebStudio {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWebStudio(): Promise<WebStudio> {
  const studio = await Studio.open();
  const app = buildApp({ studio });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchBrowser();
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await studio.close();
    },
  };
}

/**
 * The web studio for one test file: started before its tests (on the tests' cache and data
 * folders unless the environment names others), closed after them. Read `browser` and `url` in
 * the tests.
 */
export function webStudioSuite(): { readonly browser: Browser; readonly url: string } {
  let web: WebStudio | undefined;
  before(async () => {
    process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
    process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');
    web = await startWebStudio();
  });
  after(async () => {
    await web?.close();
  });
  const started = (): WebStudio => {
    assert.ok(web, 'the web studio starts before the tests');
    return web;
  };
  return {
    get browser() {
      return started().browser;
    },
    get url() {
      return started().url;
    },
  };
}

#!/usr/bin/env node
// The greenroom command. The CLI is TypeScript compiled to dist/ by `npm run build` (also run
// by `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    `greenroom is not built: ${fileURLToPath(entry)} is missing.\n` +
      `Run "npm install" (its prepare script compiles src/ to dist/) or "npm run build" in ${fileURLToPath(new URL('..', import.meta.url))}\n`,
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

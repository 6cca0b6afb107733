/** `greenroom serve [--port N] [--host H]`: the HTTP API (docs/API.md) until SIGINT or SIGTERM. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { startServer } from '../server/server.ts';
import { EXIT_OK, UsageError, withUsage } from './args.ts';
import { SERVE_USAGE } from './help.ts';

export async function run(argv: string[]): Promise<number> {
  const { values } = withUsage(SERVE_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string', short: 'H' },
        'no-worker': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(SERVE_USAGE);
    return EXIT_OK;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port: expected a port number 0-65535, got "${values.port}".`, SERVE_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  }
  process.stderr.write('Loading the model...\n');
  const server = await startServer({ ...(port !== undefined ? { port } : {}), ...(values.host ? { host: values.host } : {}), ...(values['no-worker'] ? { noWorker: true } : {}) });
  process.stderr.write(`greenroom studio: open ${server.url} in your browser (API docs: ${server.url}/docs). Ctrl-C stops it.\n`);
  if (process.platform === 'linux' && !loadConfig().mallocTuned) {
    process.stderr.write('Tip: start with MALLOC_MMAP_THRESHOLD_=131072 (as npm start does) so memory freed after big photos goes back to the system (docs/DEPLOY.md).\n');
  }
  // Keep running: the signal handlers close the server and exit.
  await new Promise<never>(() => {});
  return EXIT_OK;
}

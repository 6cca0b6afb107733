/**
 * The greenroom command line: `greenroom COMMAND [options]`. bin/greenroom.js calls main() from
 * the build; `node --import tsx src/cli/main.ts ...` runs it from source.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isGreenroomError } from '../errors.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './args.ts';
import { BATCH_USAGE, CUTOUT_USAGE, EDIT_USAGE, RETOUCH_USAGE, ENERGY_USAGE, MAIN_USAGE, MODELS_USAGE, SERVE_USAGE, START_USAGE, TEMPLATES_USAGE, WORKER_USAGE } from './help.ts';

interface Command {
  usage: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

/** Commands are loaded on use, so `--help` and `models` never load the runtime. */
const COMMANDS: Record<string, Command> = {
  cutout: { usage: CUTOUT_USAGE, load: () => import('./cutout.ts') },
  edit: { usage: EDIT_USAGE, load: () => import('./edit.ts') },
  retouch: { usage: RETOUCH_USAGE, load: () => import('./retouch.ts') },
  batch: { usage: BATCH_USAGE, load: () => import('./batch-jobs.ts') },
  templates: { usage: TEMPLATES_USAGE, load: () => import('./templates.ts') },
  energy: { usage: ENERGY_USAGE, load: () => import('./energy.ts') },
  models: { usage: MODELS_USAGE, load: () => import('./models.ts') },
  serve: { usage: SERVE_USAGE, load: () => import('./serve.ts') },
  start: { usage: START_USAGE, load: () => import('./start.ts') },
  worker: { usage: WORKER_USAGE, load: () => import('./worker.ts') },
};

export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usageError(message: string, usage: string): number {
  process.stderr.write(`error: ${message}\n\n${usage}`);
  return EXIT_USAGE;
}

/** Prints an error the way the CLI does and returns the exit code. */
export function reportError(err: unknown, command: string): number {
  if (err instanceof UsageError) {
    if (err.code) {
      process.stderr.write(`error ${err.code}: ${err.message}\nRun "greenroom ${command} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    return usageError(err.message, err.usage);
  }
  if (isGreenroomError(err)) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    return err.code === 'GREENROOM_ERR_INVALID_OPTION' || err.code === 'GREENROOM_ERR_UNKNOWN_MODEL' ? EXIT_USAGE : EXIT_FAILURE;
  }
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string') {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
    return EXIT_FAILURE;
  }
  process.stderr.write(`error: unexpected failure, please report it with this trace:\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT_FAILURE;
}

/** Runs the CLI with the arguments after the program name; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // A closed pipe (`greenroom cutout ... --json | head -1`) ends the run quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
    throw err;
  });
  const [first, ...rest] = argv;
  if (first === undefined) return usageError('no command given.', MAIN_USAGE);
  if (first === '--help' || first === '-h') {
    process.stdout.write(MAIN_USAGE);
    return EXIT_OK;
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      process.stdout.write(MAIN_USAGE);
      return EXIT_OK;
    }
    const cmd = COMMANDS[topic];
    if (!cmd) return usageError(`unknown command "${topic}".`, MAIN_USAGE);
    process.stdout.write(cmd.usage);
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v' || first === '-V') {
    process.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (first.startsWith('-')) return usageError(`unknown option "${first}" (options go after the command).`, MAIN_USAGE);
  const cmd = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!cmd) return usageError(`unknown command "${first}".`, MAIN_USAGE);
  try {
    const { run } = await cmd.load();
    return await run(rest);
  } catch (err) {
    return reportError(err, first);
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return fs.realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) process.exitCode = await main(process.argv.slice(2));

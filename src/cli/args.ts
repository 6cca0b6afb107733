/**
 * Shared CLI plumbing: parseArgs with usage errors, error formatting, exit codes.
 */
import { isGreenroomError } from '../errors.ts';

/** Exit codes: 0 success, 1 a failure while working, 2 a bad command line. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A bad command line, exit 2. Without a code (unknown flag, missing argument) it is printed with
 * the command's usage; with one (a bad value: GREENROOM_ERR_INVALID_OPTION...) as
 * `error CODE: message` and a pointer to --help.
 */
export class UsageError extends Error {
  readonly usage: string;
  readonly code: string | undefined;
  constructor(message: string, usage: string, code?: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
    this.code = code;
  }
}

/** Runs a util.parseArgs call, turning its errors into UsageErrors that carry the command's usage. */
export function withUsage<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((err as Error).message, usage);
    throw err;
  }
}

/** Checks a flag's value against its choices. */
export function choice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], usage: string, aliases: Record<string, T> = {}): T | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if ((choices as readonly string[]).includes(v)) return v as T;
  if (aliases[v]) return aliases[v];
  const all = [...choices, ...Object.keys(aliases)];
  throw new UsageError(`--${flag} must be one of ${all.join(', ')}; got "${value}".`, usage, 'GREENROOM_ERR_INVALID_OPTION');
}

export interface ErrorSummary {
  code: string;
  message: string;
}

/** The code and message of any error: GreenroomError's code, a system error's errno code, else ERR_UNEXPECTED. */
export function summarizeError(err: unknown): ErrorSummary {
  if (isGreenroomError(err)) return { code: err.code, message: err.message };
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { code: typeof code === 'string' ? code : 'ERR_UNEXPECTED', message: err.message };
  }
  return { code: 'ERR_UNEXPECTED', message: String(err) };
}

/** Whether an error is one greenroom or the system explains by itself (no stack trace needed). */
export function isExpectedError(err: unknown): boolean {
  return isGreenroomError(err) || (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string');
}

/** Milliseconds as a short human duration. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

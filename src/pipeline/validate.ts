/**
 * Validation at the edge: a zod failure becomes one coded INVALID_OPTION error that names the
 * field, says what was expected and shows what came.
 */
import type { z } from 'zod';
import { GreenroomError } from '../errors.ts';

/** Parses `input` with `schema` or throws INVALID_OPTION for the first bad field. */
export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  const field = issue.code === 'unrecognized_keys' ? [path, issue.keys.join(', ')].filter(Boolean).join('.') : path || what;
  const got = issue.code === 'unrecognized_keys' ? undefined : valueAt(input, issue.path);
  const expected = describeExpected(issue);
  const shown = got === undefined ? '' : `, got ${show(got)}`;
  const message = issue.code === 'unrecognized_keys' ? `${field}: unknown ${what} field; check the spelling (see the ${what} reference).` : `${field}: expected ${expected}${shown}.`;
  throw new GreenroomError('INVALID_OPTION', message, { field, expected, ...(got === undefined ? {} : { got }) });
}

/** Throws INVALID_OPTION for one field, in the same shape as schema failures. */
export function invalid(field: string, expected: string, got: unknown): GreenroomError {
  return new GreenroomError('INVALID_OPTION', `${field}: expected ${expected}, got ${show(got)}.`, { field, expected, got });
}

function describeExpected(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_enum_value':
      return `one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'invalid_literal':
      return JSON.stringify(issue.expected);
    case 'too_small':
      return issue.type === 'string' ? `a non-empty text` : issue.type === 'array' ? `at least ${issue.minimum} items` : `a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'string' ? `at most ${issue.maximum} characters` : issue.type === 'array' ? `at most ${issue.maximum} items` : `a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_union':
    case 'invalid_union_discriminator':
    case 'invalid_string':
    case 'custom':
    default:
      return issue.message.replace(/^Invalid input:?\s*/i, '').replace(/\.$/, '') || 'a valid value';
  }
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

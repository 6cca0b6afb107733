/**
 * What crosses between the main thread and the pixel workers. Large arrays move without a copy:
 * arrays on a SharedArrayBuffer are shared (both sides see the same memory), other buffers in a
 * task's output are transferred (the worker gives them up). Errors keep their greenroom code.
 */
import { ErrorCodes, GreenroomError, type ErrorKey } from '../errors.ts';

/** A Uint8Array on shared memory, holding a copy of `data` (one copy, then free to share). */
export function sharedBytes(data: ArrayLike<number> | number): Uint8Array {
  const length = typeof data === 'number' ? data : data.length;
  const out = new Uint8Array(new SharedArrayBuffer(length));
  if (typeof data !== 'number') out.set(data);
  return out;
}

/**
 * sharedBytes for big arrays on the main thread: the copy is made in slices of 4 MB with a turn
 * of the event loop between them, so a 12 MP photo (36 MB) never holds a server's loop for more
 * than a couple of milliseconds at a time.
 */
export async function sharedBytesSliced(data: Uint8Array, slice = 4 << 20): Promise<Uint8Array> {
  const out = new Uint8Array(new SharedArrayBuffer(data.length));
  for (let at = 0; at < data.length; at += slice) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    out.set(data.subarray(at, Math.min(data.length, at + slice)), at);
  }
  return out;
}

/** A Float32Array on shared memory (zeros, or a copy of `data`). */
export function sharedFloats(data: ArrayLike<number> | number): Float32Array {
  const length = typeof data === 'number' ? data : data.length;
  const out = new Float32Array(new SharedArrayBuffer(length * 4));
  if (typeof data !== 'number') out.set(data);
  return out;
}

/** True when the array lives on shared memory (crossing threads costs nothing). */
export function isShared(a: ArrayBufferView): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/** The ArrayBuffers (not shared ones) reachable from `value` through plain objects and arrays: what a worker hands back. */
export function transferablesOf(value: unknown, found = new Set<ArrayBuffer>(), depth = 0): ArrayBuffer[] {
  if (depth > 6 || value === null || typeof value !== 'object') return [...found];
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) found.add(value.buffer);
  } else if (value instanceof ArrayBuffer) {
    found.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) transferablesOf(v, found, depth + 1);
  } else {
    for (const v of Object.values(value)) transferablesOf(v, found, depth + 1);
  }
  return [...found];
}

/** Bytes of the non-shared, non-transferred arrays in `value`: what structured cloning will copy. */
export function copiedBytes(value: unknown, transfer: readonly ArrayBuffer[], depth = 0): number {
  if (depth > 6 || value === null || typeof value !== 'object') return 0;
  if (ArrayBuffer.isView(value)) return value.buffer instanceof ArrayBuffer && !transfer.includes(value.buffer) ? value.byteLength : 0;
  const values = Array.isArray(value) ? value : Object.values(value);
  return values.reduce((sum: number, v) => sum + copiedBytes(v, transfer, depth + 1), 0);
}

/** An error as plain data, to post across threads. */
export interface SerializedError {
  message: string;
  stack?: string;
  key?: ErrorKey;
  details?: Record<string, unknown>;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof GreenroomError) return { message: err.message, key: err.code.replace('GREENROOM_ERR_', '') as ErrorKey, details: { ...err.details }, ...(err.stack ? { stack: err.stack } : {}) };
  if (err instanceof Error) return { message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { message: String(err) };
}

/** A coded error stays a GreenroomError with its code; anything else becomes an Error naming the task. */
export function deserializeError(e: SerializedError, task: string): Error {
  if (e.key && e.key in ErrorCodes) return new GreenroomError(e.key, e.message, e.details ?? {});
  const err = new Error(`pixel task ${task} failed: ${e.message}`);
  if (e.stack) err.stack = `${err.message}\n(worker) ${e.stack}`;
  return err;
}

/**
 * Where job inputs and outputs live: a flat space of keys (`jobs/<id>/in/0`), two
 * implementations (file.ts: a folder, local or a shared NFS/SMB mount; s3.ts: an S3-compatible
 * bucket). Every write is whole or nothing: a reader sees the old object, the whole new one, or
 * none, never a part. Keys are built by greenroom (ids and indexes), never from a client's name.
 */
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  bytes: number;
  /** Last modification, ms since the epoch. */
  modifiedMs: number;
}

export interface PutOptions {
  /**
   * Keep an object already at the key instead of replacing it (first writer wins): used for
   * outputs, so a result, once written, is never rewritten by a second run of the same item.
   */
  ifAbsent?: boolean;
  /** Streams only: the largest accepted body; past it the write is abandoned with UPLOAD_TOO_LARGE. */
  maxBytes?: number;
}

export interface PutResult {
  /** Bytes of the object now at the key (the existing one when ifAbsent kept it). */
  bytes: number;
  /** False when ifAbsent found an object already there and kept it. */
  written: boolean;
}

export interface Storage {
  /** A description for logs and errors: `file:///srv/greenroom` or `s3://bucket/prefix`. */
  readonly url: string;
  /** Writes bytes or a stream under the key, whole or not at all. */
  put(key: string, body: Uint8Array | Readable, options?: PutOptions): Promise<PutResult>;
  /** The object's bytes; INPUT_NOT_FOUND when there is none. */
  get(key: string): Promise<Uint8Array>;
  /** The object as a stream; INPUT_NOT_FOUND when there is none. */
  read(key: string): Promise<Readable>;
  /** Size and time of the object, or null. */
  stat(key: string): Promise<StoredObject | null>;
  /** Every object under the prefix (which ends with '/'), in no particular order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Names of the "folders" directly under the prefix (`jobs/` → job ids). */
  children(prefix: string): Promise<string[]>;
  /** Deletes every object under the prefix (which ends with '/'); missing objects are fine. */
  deletePrefix(prefix: string): Promise<void>;
  /** Removes what interrupted writes left under the prefix (temporary files, unfinished multipart uploads). */
  removePartial(prefix: string): Promise<void>;
  close(): Promise<void>;
}

/** Keys are relative, '/'-separated, without '.' or '..' segments or empty segments. */
export function assertKey(key: string): void {
  if (key.length === 0 || key.startsWith('/') || key.split('/').some((s) => s === '' || s === '.' || s === '..') || /[\u0000-\u001f\\]/.test(key)) {
    throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  }
}

export function assertPrefix(prefix: string): void {
  if (!prefix.endsWith('/')) throw new Error(`a storage prefix ends with '/': ${JSON.stringify(prefix)}`);
  assertKey(prefix.slice(0, -1));
}

/**
 * A job's inputs written to storage as they arrive (JobUpload), and `submitFiles`, the one way
 * both queues turn a SubmitRequest into an upload: validate first, then stream each input.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { GreenroomError } from '../errors.ts';
import type { Storage } from '../storage/types.ts';
import { displayName } from './files.ts';
import { backgroundKey, inputKey, jobPrefix } from './keys.ts';
import { extractBackground, prepareJob, type PreparedJob } from './spec.ts';
import type { JobOptions, JobQueue, JobUpload, SubmitRequest } from './types.ts';

/** What commit hands to the queue: the uploaded inputs and the validated job. */
export interface StagedJob {
  id: string;
  /** Display names, in input order. */
  names: string[];
  hasBackground: boolean;
  job: PreparedJob;
  idempotencyKey?: string;
  /** As submitted: the queue checks it (checkCallbackUrl) before recording the job. */
  callbackUrl?: string;
}

export type CommitStaged = (staged: StagedJob) => Promise<{ id: string; created: boolean }>;

/** Told when an upload writes its first input and when it is over (committed or aborted): the fleet tracks uploads in flight, to sweep those whose server died. */
export interface UploadHooks {
  started?(id: string): Promise<unknown>;
  ended?(id: string): Promise<unknown>;
}

export class StorageUpload implements JobUpload {
  readonly id = crypto.randomUUID();
  readonly #storage: Storage;
  readonly #commit: CommitStaged;
  readonly #names: string[] = [];
  readonly #hooks: UploadHooks;
  #hasBackground = false;
  #started: Promise<unknown> | undefined;
  #state: 'open' | 'committed' | 'aborted' = 'open';

  constructor(storage: Storage, commit: CommitStaged, hooks: UploadHooks = {}) {
    this.#storage = storage;
    this.#commit = commit;
    this.#hooks = hooks;
  }

  #start(): Promise<unknown> {
    return (this.#started ??= this.#hooks.started?.(this.id) ?? Promise.resolve());
  }

  get count(): number {
    return this.#names.length;
  }

  async addFile(name: string, data: Readable | Uint8Array, options: { maxBytes?: number } = {}): Promise<void> {
    this.#assertOpen();
    const index = this.#names.length;
    this.#names.push(displayName(name));
    await this.#start();
    await this.#storage.put(inputKey(this.id, index), data, options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {});
  }

  async setBackground(data: Readable | Uint8Array, options: { maxBytes?: number } = {}): Promise<void> {
    this.#assertOpen();
    this.#hasBackground = true;
    await this.#start();
    await this.#storage.put(backgroundKey(this.id), data, options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {});
  }

  async commit(options: JobOptions): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    if (options.idempotencyKey !== undefined && (options.idempotencyKey.length === 0 || options.idempotencyKey.length > 255)) {
      throw new GreenroomError('INVALID_OPTION', 'idempotencyKey: expected 1 to 255 characters.', { field: 'idempotencyKey' });
    }
    const job = prepareJob(options.kind, options.spec, this.#hasBackground);
    if (this.#names.length === 0) throw new GreenroomError('MISSING_IMAGE', 'A job needs at least one image: send one or more image_file parts.');
    this.#state = 'committed';
    try {
      const res = await this.#commit({
        id: this.id,
        names: [...this.#names],
        hasBackground: this.#hasBackground,
        job,
        ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
        ...(options.callbackUrl !== undefined ? { callbackUrl: options.callbackUrl } : {}),
      });
      if (!res.created) await this.#storage.deletePrefix(jobPrefix(this.id));
      if (this.#started) await this.#hooks.ended?.(this.id);
      return res;
    } catch (err) {
      this.#state = 'open';
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    await this.#storage.deletePrefix(jobPrefix(this.id));
    if (this.#started) await this.#hooks.ended?.(this.id);
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw new Error(`the upload of job ${this.id} is ${this.#state}`);
  }
}

/** A whole SubmitRequest through an upload: spec checked before any input is written; a known idempotency key stores nothing. */
export async function submitFiles(queue: JobQueue, req: SubmitRequest): Promise<{ id: string; created: boolean }> {
  const kind = req.kind ?? 'edit';
  const { spec, background } = extractBackground(kind, req.spec);
  try {
    prepareJob(kind, spec, background !== undefined);
    if (req.idempotencyKey !== undefined && req.idempotencyKey.length > 0 && req.idempotencyKey.length <= 255) {
      const existing = await queue.findByIdempotencyKey(req.idempotencyKey);
      if (existing) return { id: existing, created: false };
    }
    if (req.files.length === 0) throw new GreenroomError('MISSING_IMAGE', 'A job needs at least one image: send one or more image_file parts.');
  } catch (err) {
    if (background && !(background instanceof Uint8Array)) background.destroy();
    throw err;
  }
  const upload = queue.upload();
  try {
    for (const f of req.files) await upload.addFile(f.name, 'bytes' in f ? f.bytes : 'stream' in f ? f.stream : fs.createReadStream(f.path));
    if (background) await upload.setBackground(background);
    return await upload.commit({
      kind,
      spec,
      ...(req.idempotencyKey !== undefined ? { idempotencyKey: req.idempotencyKey } : {}),
      ...(req.callbackUrl !== undefined ? { callbackUrl: req.callbackUrl } : {}),
    });
  } catch (err) {
    await upload.abort();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && 'path' in (err as object)) {
      throw new GreenroomError('INPUT_NOT_FOUND', `Cannot read an input: ${(err as Error).message}.`, {}, { cause: err });
    }
    throw err;
  }
}

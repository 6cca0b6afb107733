/**
 * Storage in an S3-compatible bucket, through the official AWS SDK (`@aws-sdk/client-s3`, and
 * `@aws-sdk/lib-storage` to stream uploads of unknown length part by part): AWS S3, MinIO,
 * Cloudflare R2, Ceph... `s3://bucket/prefix`, with `endpoint` for services other than AWS
 * (path-style addressing then). An object appears whole when its PUT (or its multipart upload)
 * completes, never in part. Outputs are written with `If-None-Match: *` (first writer wins),
 * after a HEAD for services that ignore that header.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { GreenroomError } from '../errors.ts';
import { ByteLimit } from './limit.ts';
import { assertKey, assertPrefix, type PutOptions, type PutResult, type Storage, type StoredObject } from './types.ts';

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing '/' (may be empty). */
  prefix: string;
  /** An S3-compatible service's URL (MinIO, R2...); unset means AWS. */
  endpoint?: string;
  region?: string;
  /** Unset: the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (bucket in the path): the default when an endpoint is set. */
  forcePathStyle?: boolean;
}

/** Parts of a streamed upload: 8 MB each, two in flight (memory per upload about 16 MB at most). */
const PART_BYTES = 8 * 1024 * 1024;

export class S3Storage implements Storage {
  readonly url: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3StorageOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.url = `s3://${options.bucket}${this.#prefix ? `/${this.#prefix}` : ''}`;
    const config: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.#client = new S3Client(config);
  }

  #key(key: string): string {
    assertKey(key);
    return this.#prefix ? `${this.#prefix}/${key}` : key;
  }

  #unkey(full: string): string {
    return this.#prefix ? full.slice(this.#prefix.length + 1) : full;
  }

  async put(key: string, body: Uint8Array | Readable, options: PutOptions = {}): Promise<PutResult> {
    const Key = this.#key(key);
    if (body instanceof Uint8Array) {
      if (options.ifAbsent) {
        const existing = await this.stat(key);
        if (existing) return { bytes: existing.bytes, written: false };
      }
      try {
        await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key, Body: body, ContentLength: body.byteLength, ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}) }));
      } catch (err) {
        if (options.ifAbsent && statusOf(err) === 412) {
          const existing = await this.stat(key);
          return { bytes: existing?.bytes ?? body.byteLength, written: false };
        }
        throw err;
      }
      return { bytes: body.byteLength, written: true };
    }
    const limit = new ByteLimit(options.maxBytes);
    const upload = new Upload({ client: this.#client, params: { Bucket: this.#bucket, Key, Body: limit }, partSize: PART_BYTES, queueSize: 2, leavePartsOnError: false });
    let failure: unknown;
    const onError = (err: unknown) => {
      failure ??= err;
      void upload.abort().catch(() => undefined);
    };
    body.once('error', onError);
    limit.once('error', onError);
    body.pipe(limit);
    try {
      await upload.done();
    } catch (err) {
      throw failure ?? err;
    } finally {
      body.off('error', onError);
    }
    if (failure) throw failure;
    return { bytes: limit.bytes, written: true };
  }

  async get(key: string): Promise<Uint8Array> {
    const stream = await this.read(key);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async read(key: string): Promise<Readable> {
    try {
      const res = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      if (!(res.Body instanceof Readable)) throw new Error('the S3 client returned no stream');
      return res.Body;
    } catch (err) {
      throw notFound(key, err);
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const res = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      return { key, bytes: res.ContentLength ?? 0, modifiedMs: res.LastModified?.getTime() ?? 0 };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertPrefix(prefix);
    let ContinuationToken: string | undefined;
    do {
      const res = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#key(prefix.slice(0, -1)) + '/', ...(ContinuationToken ? { ContinuationToken } : {}) }));
      for (const o of res.Contents ?? []) {
        if (o.Key) yield { key: this.#unkey(o.Key), bytes: o.Size ?? 0, modifiedMs: o.LastModified?.getTime() ?? 0 };
      }
      ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async children(prefix: string): Promise<string[]> {
    assertPrefix(prefix);
    const base = this.#key(prefix.slice(0, -1)) + '/';
    const names: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const res = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: base, Delimiter: '/', ...(ContinuationToken ? { ContinuationToken } : {}) }));
      for (const p of res.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice(base.length, -1));
      ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return names;
  }

  async deletePrefix(prefix: string): Promise<void> {
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await this.#client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      batch = [];
    };
    for await (const o of this.list(prefix)) {
      batch.push(this.#key(o.key));
      if (batch.length === 1000) await flush();
    }
    await flush();
  }

  async removePartial(prefix: string): Promise<void> {
    assertPrefix(prefix);
    let res;
    try {
      res = await this.#client.send(new ListMultipartUploadsCommand({ Bucket: this.#bucket, Prefix: this.#key(prefix.slice(0, -1)) + '/' }));
    } catch (err) {
      // Some S3-compatible servers do not list multipart uploads; their bucket lifecycle rules clean them.
      if (statusOf(err) === 501 || statusOf(err) === 405) return;
      throw err;
    }
    for (const u of res.Uploads ?? []) {
      if (u.Key && u.UploadId) await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: u.Key, UploadId: u.UploadId }));
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function notFound(key: string, err: unknown): unknown {
  const name = (err as { name?: string } | undefined)?.name;
  if (statusOf(err) !== 404 && name !== 'NoSuchKey') return err;
  return new GreenroomError('INPUT_NOT_FOUND', `No stored object ${key}: it was deleted (retention) or never written.`, { key }, { cause: err });
}

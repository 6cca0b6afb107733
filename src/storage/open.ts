/**
 * The storage named by the config: `GREENROOM_STORAGE_URL` as `file:///path` or
 * `s3://bucket/prefix`; unset, the local data folder (`file://<dataDir>`).
 */
import type { Config } from '../config.ts';
import { FileStorage } from './file.ts';
import { S3Storage } from './s3.ts';
import type { Storage } from './types.ts';

export function openStorage(config: Pick<Config, 'dataDir' | 'storage'>): Storage {
  const s = config.storage;
  if (s.kind === 'file') return new FileStorage(s.path ?? config.dataDir);
  return new S3Storage({
    bucket: s.bucket,
    prefix: s.prefix,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.region ? { region: s.region } : {}),
    ...(s.credentials ? { credentials: s.credentials } : {}),
    ...(s.forcePathStyle !== undefined ? { forcePathStyle: s.forcePathStyle } : {}),
  });
}

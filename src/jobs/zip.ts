/**
 * A zip of a job's outputs streamed out of storage: each output is opened only when the zip
 * reaches it (one read at a time, whatever the job's size), stored (images are already
 * compressed), under safe unique names.
 */
import yazl from 'yazl';
import type { Storage } from '../storage/types.ts';

export function zipFromStorage(storage: Storage, entries: readonly { key: string; name: string; bytes?: number }[]): NodeJS.ReadableStream {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    zip.addReadStreamLazy(e.name, { compress: false, ...(e.bytes !== undefined ? { size: e.bytes } : {}) }, (cb) => {
      storage.read(e.key).then(
        (stream) => cb(null, stream),
        (err: unknown) => cb(err as Error, undefined as never),
      );
    });
  }
  zip.end();
  return zip.outputStream;
}

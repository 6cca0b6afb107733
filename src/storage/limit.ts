/** A pass-through stream that counts bytes and fails with UPLOAD_TOO_LARGE past a limit. */
import { Transform, type TransformCallback } from 'node:stream';
import { GreenroomError } from '../errors.ts';

export class ByteLimit extends Transform {
  bytes = 0;
  readonly #max: number;

  constructor(maxBytes = Number.POSITIVE_INFINITY) {
    super();
    this.#max = maxBytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#max) {
      done(new GreenroomError('UPLOAD_TOO_LARGE', `A file is larger than ${this.#max} bytes; send smaller files.`, { limitBytes: this.#max }));
      return;
    }
    done(null, chunk);
  }
}

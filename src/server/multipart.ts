/**
 * Multipart bodies for the image routes: text fields become strings and file parts become
 * `Upload`s (the bytes, buffered, and a client file name used only for the download's name),
 * placed on `request.body` before schema validation, so one JSON schema validates both and
 * documents the route. Limits come from the config: over-long files and fields are 413.
 *
 * @fastify/multipart is registered without attachFieldsToBody, so routes that stream their
 * parts (batch jobs) can still call request.parts() themselves.
 */
import type { FastifyRequest } from 'fastify';
import { GreenroomError } from '../errors.ts';
import { formatBytes } from './errors.ts';

/** A file part of a multipart request. */
export class Upload {
  constructor(
    readonly data: Buffer,
    /** The name the client gave, untrusted: never used as a path. */
    readonly filename: string | undefined,
  ) {}

  get size(): number {
    return this.data.length;
  }
}

export interface MultipartLimits {
  /** Largest file part, bytes. */
  fileBytes: number;
  /** Largest text field, bytes (base64 images travel as fields). */
  fieldBytes: number;
  /** Most file parts. */
  files: number;
}

/** A preValidation hook reading a multipart request into `request.body`; other content types are left alone. */
export function readMultipartBody(limits: MultipartLimits) {
  return async function multipartBody(request: FastifyRequest): Promise<void> {
    if (!request.isMultipart()) return;
    const body: Record<string, string | Upload> = Object.create(null);
    try {
      const parts = request.parts({ limits: { fileSize: limits.fileBytes, fieldSize: limits.fieldBytes, files: limits.files, fields: 64, parts: 64 + limits.files } });
      for await (const part of parts) {
        if (Object.hasOwn(body, part.fieldname)) {
          throw new GreenroomError('INVALID_OPTION', `${part.fieldname}: sent more than once; send each field once.`, { field: part.fieldname, expected: 'one value' });
        }
        if (part.type === 'file') {
          body[part.fieldname] = new Upload(await part.toBuffer(), part.filename || undefined);
        } else {
          if (part.valueTruncated || part.fieldnameTruncated) {
            throw new GreenroomError('UPLOAD_TOO_LARGE', `${part.fieldname}: the field is longer than ${formatBytes(limits.fieldBytes)}.`, { field: part.fieldname, limitBytes: limits.fieldBytes });
          }
          body[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
        }
      }
    } catch (err) {
      if (err instanceof GreenroomError) throw err;
      const e = err as { statusCode?: number; code?: string; message?: string };
      if (e.statusCode === 413 || /LIMIT|TOO_LARGE/.test(e.code ?? '')) throw err; // shaped as UPLOAD_TOO_LARGE by the error handler
      throw new GreenroomError('INVALID_OPTION', `The multipart body could not be read (${e.message ?? 'malformed'}). Send multipart/form-data, as curl -F does.`, { field: 'body' }, { cause: err });
    }
    request.body = body;
  };
}

/** An ajv keyword, `isFile: true`, that accepts an Upload; OpenAPI shows it as a binary string. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ajv's own type is not a dependency of ours
export function fileKeyword(ajv: any): any {
  return ajv.addKeyword({
    keyword: 'isFile',
    schemaType: 'boolean',
    validate: (schema: boolean, data: unknown) => !schema || data instanceof Upload,
    errors: false,
  });
}

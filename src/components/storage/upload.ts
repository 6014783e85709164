import busboy from 'busboy';
import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import * as path from 'path';
import { Transform, type Writable } from 'stream';
import { pipeline } from 'stream/promises';
import { LooplineError } from '../../errors';
import { checkName } from './names';
import type { StorageProvider } from './providers/provider';

/** LB3's default: 10 MB per file. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** LB3's (formidable's) default for all plain fields together: 2 MB. */
const DEFAULT_MAX_FIELDS_SIZE = 2 * 1024 * 1024;
const DEFAULT_MAX_FILES = 100;
const DEFAULT_MAX_FIELDS = 1000;

/** A file of an upload, as LB3 answered it. */
export interface UploadedFile {
  container: string;
  name: string;
  /** The name the client sent, when `getFilename` or `nameConflict: "makeUnique"` chose another. */
  originalFilename?: string;
  type: string;
  field: string;
  acl?: string;
  size?: number;
}

type PerFile<T> = T | ((file: UploadedFile, req: IncomingMessage, res: ServerResponse) => T);

export interface UploadOptions {
  [key: string]: unknown;
  container?: string;
  /** Names the stored file (LB3: `getFilename(file, req, res)`). The name is checked like any other. */
  getFilename?: (file: UploadedFile, req: IncomingMessage, res: ServerResponse) => string;
  /** `"makeUnique"`: each file is stored under a random UUID with the extension it came with. */
  nameConflict?: string;
  maxFileSize?: PerFile<number>;
  allowedContentTypes?: PerFile<string[]>;
  acl?: PerFile<string>;
  /** All plain fields together, in bytes. */
  maxFieldsSize?: number;
  maxFiles?: number;
  maxFields?: number;
  /** Provider-specific upload parameters. */
  extra?: Record<string, unknown>;
}

export interface UploadResult {
  files: Record<string, UploadedFile[]>;
  fields: Record<string, string[]>;
}

/**
 * Streams a multipart request into the provider, file by file, with backpressure from the store
 * to the socket (nothing is held whole in memory). The request succeeds whole or changes nothing:
 * on any refusal (a bad name, a refused type, a file over the limit, a broken body, a client that
 * goes away) every file of this request is removed — those being written are aborted, those
 * already stored are deleted — and the error is the answer.
 */
export async function handleUpload(
  provider: StorageProvider,
  container: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: UploadOptions,
): Promise<UploadResult> {
  // Before any byte of the body is read: a missing container is a plain 404.
  await provider.getContainer(container);
  const contentType = req?.headers?.['content-type'];
  if (typeof contentType !== 'string' || !/^multipart\/form-data\b/i.test(contentType)) {
    throw new LooplineError(
      'NO_FILE_UPLOADED',
      `No file content uploaded: send a multipart/form-data body (this one is ${contentType ?? 'without a content type'})`,
    );
  }
  const maxFieldsSize = positive(options.maxFieldsSize, DEFAULT_MAX_FIELDS_SIZE);
  const maxFiles = positive(options.maxFiles, DEFAULT_MAX_FILES);
  const maxFields = positive(options.maxFields, DEFAULT_MAX_FIELDS);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      limits: {
        fieldSize: maxFieldsSize,
        fields: maxFields,
        files: maxFiles,
        parts: maxFields + maxFiles,
        fieldNameSize: 200,
      },
    });
  } catch (err) {
    throw new LooplineError(
      'MALFORMED_UPLOAD',
      `The multipart body cannot be read: ${(err as Error).message}`,
    );
  }

  return new Promise<UploadResult>((resolve, reject) => {
    const result: UploadResult = { files: {}, fields: {} };
    const writing = new Set<Writable>();
    const pending: Array<Promise<void>> = [];
    const stored: string[] = [];
    let fieldsBytes = 0;
    let failure: unknown;

    const removeStored = async (): Promise<void> => {
      for (const name of stored.splice(0)) await provider.removeFile(container, name).catch(() => undefined);
    };
    const fail = (err: unknown): void => {
      if (failure) return;
      failure = err;
      req.unpipe(parser);
      // The rest of the body is read and dropped, so the client gets the answer.
      req.resume();
      for (const w of writing) w.destroy(err as Error);
      Promise.allSettled(pending)
        .then(removeStored)
        .then(() => reject(err));
    };
    const limit = (what: string) =>
      fail(
        new LooplineError(
          'UPLOAD_LIMIT_EXCEEDED',
          `The upload has too many ${what} (at most ${what === 'files' ? maxFiles : maxFields})`,
        ),
      );

    parser.on('file', (field, stream, info) => {
      if (failure || !info.filename) {
        // LB3 took a part without a file name for a plain field; with no value to keep, it is dropped.
        stream.resume();
        return;
      }
      const file: UploadedFile = { container, name: info.filename, type: info.mimeType, field };
      let maxFileSize: number;
      try {
        if (typeof options.getFilename === 'function') {
          file.originalFilename = file.name;
          file.name = options.getFilename(file, req, res);
        } else if (options.nameConflict === 'makeUnique') {
          file.originalFilename = file.name;
          file.name = randomUUID() + path.extname(file.name);
        }
        checkName(file.name, 'file');
        const allowed = perFile(options.allowedContentTypes, file, req, res);
        if (Array.isArray(allowed) && allowed.length > 0 && !allowed.includes(file.type)) {
          throw new LooplineError(
            'CONTENT_TYPE_NOT_ALLOWED',
            `contentType "${file.type}" is not allowed (Must be in [${allowed.join(', ')}])`,
            { type: file.type, allowed },
          );
        }
        maxFileSize = positive(perFile(options.maxFileSize, file, req, res), DEFAULT_MAX_FILE_SIZE);
        const acl = perFile(options.acl, file, req, res);
        if (typeof acl === 'string') file.acl = acl;
      } catch (err) {
        stream.resume();
        fail(err);
        return;
      }
      const writer = provider.createWriteStream(container, file.name, {
        contentType: file.type,
        acl: file.acl,
        extra: options.extra,
      });
      writing.add(writer);
      // Listed in the order of the request's parts, whichever is stored first.
      (result.files[field] ??= []).push(file);
      // Settled only once the writer has closed: a refused write has removed its traces by then.
      const closed = new Promise<void>((done) => writer.once('close', () => done()));
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxFileSize)
            done(
              new LooplineError(
                'FILE_TOO_LARGE',
                `maxFileSize exceeded: ${file.originalFilename ?? file.name} is over ${maxFileSize} bytes`,
                { file: file.name, maxFileSize },
              ),
            );
          else done(null, chunk);
        },
      });
      pending.push(
        pipeline(stream, counter, writer)
          .then(
            () => {
              writing.delete(writer);
              stored.push(file.name);
              file.size = size;
              // Stored after the request failed: removed with the others.
              if (failure) return removeStored();
            },
            (err: unknown) => {
              writing.delete(writer);
              fail(err);
            },
          )
          .then(() => closed),
      );
    });
    parser.on('field', (name, value, info) => {
      fieldsBytes += Buffer.byteLength(value) + Buffer.byteLength(name);
      if (info.valueTruncated || fieldsBytes > maxFieldsSize) {
        fail(
          new LooplineError(
            'UPLOAD_LIMIT_EXCEEDED',
            `maxFieldsSize exceeded: the plain fields hold over ${maxFieldsSize} bytes`,
          ),
        );
        return;
      }
      (result.fields[name] ??= []).push(value);
    });
    parser.on('filesLimit', () => limit('files'));
    parser.on('fieldsLimit', () => limit('fields'));
    parser.on('partsLimit', () => limit('parts'));
    parser.on('error', (err: Error) =>
      fail(new LooplineError('MALFORMED_UPLOAD', `The multipart body cannot be read: ${err.message}`)),
    );
    parser.on('close', () => {
      Promise.all(pending).then(() => {
        if (failure) return;
        if (stored.length === 0) fail(new LooplineError('NO_FILE_UPLOADED', 'No file content uploaded'));
        else resolve(result);
      });
    });
    // A client that goes away mid-body: whatever was written is removed.
    const gone = () =>
      fail(new LooplineError('MALFORMED_UPLOAD', 'The request ended before the upload was complete'));
    req.on('error', gone);
    req.on('close', () => {
      if (!req.complete) gone();
    });
    req.pipe(parser);
  });
}

function perFile<T>(
  value: PerFile<T> | undefined,
  file: UploadedFile,
  req: IncomingMessage,
  res: ServerResponse,
): T | undefined {
  return typeof value === 'function'
    ? (value as (f: UploadedFile, q: IncomingMessage, s: ServerResponse) => T)(file, req, res)
    : value;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

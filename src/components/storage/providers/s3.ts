import { PassThrough, Readable, Writable } from 'stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { LooplineError } from '../../../errors';
import { containerExists, containerNotFound, fileNotFound } from '../names';
import type { ByteRange, ContainerInfo, FileInfo, StorageProvider, WriteOptions } from './provider';

/** Parts of a streamed upload: 8 MiB each, two in flight, so an upload holds ~16 MiB at most. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/**
 * Containers are buckets, files are objects, on AWS S3 or any S3-compatible service (MinIO,
 * Ceph, R2 ...) through the AWS SDK v3. Settings: `region`, `endpoint` (then path-style
 * addressing unless `forcePathStyle: false`), credentials as `accessKeyId` / `secretAccessKey`
 * (LB3's `keyId` / `key` too) or the SDK's usual chain, and `s3` for any other client option.
 * Uploads stream as multipart uploads; an upload that fails or is abandoned is aborted, so no
 * object (and no stray part) is left.
 */
export class S3Provider implements StorageProvider {
  readonly name = 's3';
  readonly client: S3Client;

  constructor(settings: Record<string, unknown>) {
    const str = (k: string): string | undefined =>
      typeof settings[k] === 'string' && settings[k] !== '' ? (settings[k] as string) : undefined;
    const accessKeyId = str('accessKeyId') ?? str('keyId');
    const secretAccessKey = str('secretAccessKey') ?? str('key');
    const endpoint = str('endpoint');
    const config: S3ClientConfig = {
      region: str('region') ?? 'us-east-1',
      ...(endpoint ? { endpoint, forcePathStyle: settings.forcePathStyle !== false } : {}),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
      // Checksums only where S3 requires them: several S3-compatible services refuse the newer
      // default trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...((settings.s3 as S3ClientConfig | undefined) ?? {}),
    };
    this.client = new S3Client(config);
  }

  async listContainers(): Promise<ContainerInfo[]> {
    const out = await this.client.send(new ListBucketsCommand({}));
    return (out.Buckets ?? []).map((b) => ({
      name: b.Name ?? '',
      ctime: b.CreationDate,
      mtime: b.CreationDate,
    }));
  }

  async getContainer(container: string): Promise<ContainerInfo> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: container }));
    } catch (err) {
      throw mapError(err, container);
    }
    return { name: container };
  }

  async createContainer(container: string): Promise<ContainerInfo> {
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: container }));
    } catch (err) {
      const code = errorName(err);
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists')
        throw containerExists(container);
      throw mapError(err, container);
    }
    return { name: container };
  }

  async destroyContainer(container: string): Promise<void> {
    await this.getContainer(container);
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: container, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => typeof k === 'string');
      if (keys.length === 0) break;
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: container,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
    try {
      await this.client.send(new DeleteBucketCommand({ Bucket: container }));
    } catch (err) {
      throw mapError(err, container);
    }
  }

  async listFiles(container: string): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: container, ContinuationToken: token }),
        );
      } catch (err) {
        throw mapError(err, container);
      }
      for (const o of page.Contents ?? []) {
        if (o.Key)
          out.push({
            container,
            name: o.Key,
            size: o.Size ?? 0,
            mtime: o.LastModified ?? new Date(0),
            etag: o.ETag,
          });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async getFile(container: string, file: string): Promise<FileInfo> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: container, Key: file }));
      return {
        container,
        name: file,
        size: head.ContentLength ?? 0,
        mtime: head.LastModified ?? new Date(0),
        etag: head.ETag,
        type: head.ContentType,
      };
    } catch (err) {
      // A HEAD answer has no body to tell a missing bucket from a missing key.
      if (status(err) === 404) await this.getContainer(container);
      throw mapError(err, container, file);
    }
  }

  async removeFile(container: string, file: string): Promise<void> {
    await this.getFile(container, file);
    await this.client.send(new DeleteObjectCommand({ Bucket: container, Key: file }));
  }

  createWriteStream(container: string, file: string, options: WriteOptions): Writable {
    return new S3UploadStream(this.client, {
      ...(options.extra ?? {}),
      Bucket: container,
      Key: file,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...(options.acl ? { ACL: options.acl } : {}),
    });
  }

  async createReadStream(container: string, file: string, range?: ByteRange): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: container,
          Key: file,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return out.Body as Readable;
    } catch (err) {
      throw mapError(err, container, file);
    }
  }
}

/**
 * A multipart upload fed by a stream: bytes go through a PassThrough into lib-storage's Upload;
 * 'finish' comes once S3 has the whole object. Destroyed early, the upload is aborted.
 */
class S3UploadStream extends Writable {
  private readonly body = new PassThrough({ highWaterMark: 1024 * 1024 });
  private readonly upload: Upload;
  private readonly done: Promise<unknown>;
  private stored = false;
  private readonly bucket: string;
  private readonly key: string;

  constructor(client: S3Client, params: Record<string, unknown>) {
    super();
    const { Bucket, Key } = params as { Bucket: string; Key: string };
    this.bucket = Bucket;
    this.key = Key;
    this.upload = new Upload({
      client,
      params: { ...(params as { Bucket: string; Key: string }), Body: this.body },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    this.done = this.upload.done().then(() => {
      this.stored = true;
    });
    // A failure while bytes are still coming (a missing bucket) ends the stream at once.
    this.done.catch((err: unknown) => this.destroy(mapError(err, Bucket, Key) as Error));
    this.on('finish', () => this.emit('success', { container: Bucket, name: Key }));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.body.write(chunk)) callback();
    else this.body.once('drain', () => callback());
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.body.end();
    this.done.then(
      () => callback(),
      (err: unknown) => callback(mapError(err, this.bucket, this.key) as Error),
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (this.stored) return callback(err);
    this.body.destroy();
    this.upload
      .abort()
      .catch(() => undefined)
      .then(() => callback(err));
  }
}

function errorName(err: unknown): string | undefined {
  return (err as { name?: string; Code?: string })?.Code ?? (err as { name?: string })?.name;
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** The component's coded errors for S3's answers; anything else passes through. */
function mapError(err: unknown, container: string, file?: string): unknown {
  if (err instanceof LooplineError) return err;
  const name = errorName(err);
  if (name === 'NoSuchBucket') return containerNotFound(container);
  if (name === 'NoSuchKey') return fileNotFound(container, file ?? '');
  if (name === 'InvalidBucketName')
    return new LooplineError(
      'INVALID_STORAGE_NAME',
      `Invalid container name ${JSON.stringify(container)}: S3 bucket names are 3 to 63 lower-case letters, digits, dots and hyphens`,
      { container },
    );
  if (status(err) === 404)
    return file === undefined ? containerNotFound(container) : fileNotFound(container, file);
  return err;
}

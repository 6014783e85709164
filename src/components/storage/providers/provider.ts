import type { Readable, Writable } from 'stream';

/**
 * What a storage provider does: the whole contract between the storage service and a store of
 * files (the local disk, an S3-compatible service). Small on purpose, so that Azure Blob Storage
 * or Google Cloud Storage can be added as one more file.
 *
 * Names reach a provider already checked (names.ts). Every method rejects with the component's
 * coded errors: CONTAINER_NOT_FOUND, FILE_NOT_FOUND, CONTAINER_EXISTS.
 */
export interface StorageProvider {
  readonly name: string;
  listContainers(): Promise<ContainerInfo[]>;
  getContainer(container: string): Promise<ContainerInfo>;
  createContainer(container: string): Promise<ContainerInfo>;
  /** Removes the container with every file in it. */
  destroyContainer(container: string): Promise<void>;
  listFiles(container: string): Promise<FileInfo[]>;
  getFile(container: string, file: string): Promise<FileInfo>;
  removeFile(container: string, file: string): Promise<void>;
  /**
   * A stream the file's bytes are written to. The file appears whole, or not at all: only once
   * the stream has finished (its 'finish' event comes after the file is in place, then a
   * 'success' event with the stored file's metadata, as LB3's streams); destroying the stream
   * before that leaves nothing behind.
   */
  createWriteStream(container: string, file: string, options: WriteOptions): Writable;
  /** The file's bytes, or those of `range` (inclusive offsets). Rejects when the file is missing. */
  createReadStream(container: string, file: string, range?: ByteRange): Promise<Readable>;
}

export interface WriteOptions {
  contentType?: string;
  /** The provider's access-control value (an S3 canned ACL such as `public-read`). */
  acl?: string;
  /** Provider-specific upload parameters (S3: StorageClass, CacheControl, ServerSideEncryption ...). */
  extra?: Record<string, unknown>;
}

export interface ByteRange {
  start: number;
  end: number;
}

/** A container's metadata as LB3's providers reported it (the filesystem: name, size and times). */
export interface ContainerInfo {
  name: string;
  [key: string]: unknown;
}

/** A file's metadata; `size` and `mtime` always, `etag` and `type` where the store keeps them. */
export interface FileInfo {
  container: string;
  name: string;
  size: number;
  mtime: Date;
  etag?: string;
  type?: string;
  [key: string]: unknown;
}

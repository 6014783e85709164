/**
 * The storage component (LB3's loopback-component-storage): files in containers, on the local
 * disk or an S3-compatible service. A data source with `"connector": "storage"` (or
 * `"loopback-component-storage"`) holds a StorageService; a model attached to it (LB3's
 * `container`) serves `/containers/...` and gets the Node API as statics.
 */
export { StorageService } from './storage-service';
export type { UploadOptions, UploadResult, UploadedFile } from './upload';
export type { StorageProvider, ContainerInfo, FileInfo, ByteRange, WriteOptions } from './providers/provider';

import { StorageService } from './storage-service';

/** The connector factory the registry names under `storage` and `loopback-component-storage`. */
export function createStorageConnector(settings: Record<string, unknown>): StorageService {
  return new StorageService(settings);
}

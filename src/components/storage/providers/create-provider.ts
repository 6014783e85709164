import { ConfigurationError } from '../../../errors';
import { FileSystemProvider } from './filesystem';
import type { StorageProvider } from './provider';

/**
 * The provider a storage data source's `provider` setting names: `filesystem` (the default) or
 * `s3` (LB3's `amazon` and `aws` too) for any S3-compatible service. The S3 provider, and the
 * AWS SDK with it, is loaded only by a data source that asks for it.
 */
export function createProvider(settings: Record<string, unknown>): StorageProvider {
  const name = settings.provider ?? 'filesystem';
  switch (name) {
    case 'filesystem':
      return new FileSystemProvider(settings);
    case 's3':
    case 'amazon':
    case 'aws': {
      const { S3Provider } = require('./s3') as typeof import('./s3');
      return new S3Provider(settings);
    }
    default:
      throw new ConfigurationError(
        `Unknown storage provider ${JSON.stringify(name)}; available: filesystem, s3 (also named amazon)`,
        'STORAGE_PROVIDER_UNSUPPORTED',
      );
  }
}

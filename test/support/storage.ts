import fs from 'fs';
import os from 'os';
import path from 'path';
import loopback from '../../src';

/** An S3-compatible server (s3rver) on 127.0.0.1, on a port the system picks, over a temporary folder. */
export class TestS3Server {
  port = 0;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-s3-'));
  private server: { run(): Promise<{ port: number }>; close(): Promise<void> } | undefined;

  async start(): Promise<void> {
    const S3rver = require('s3rver');
    this.server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: this.dir });
    this.port = (await this.server!.run()).port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** What the server holds for a bucket: object keys (s3rver keeps each object's bytes in `<key>._S3rver_object`). */
  objectsIn(bucket: string): string[] {
    const dir = path.join(this.dir, bucket);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('._S3rver_object'))
      .map((f) => f.slice(0, -'._S3rver_object'.length));
  }

  settings(): Record<string, unknown> {
    return {
      provider: 's3',
      endpoint: `http://127.0.0.1:${this.port}`,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    };
  }
}

/** An app with a `container` model (LB3's convention) on a storage data source, REST at /api. */
export function storageApp(settings: Record<string, unknown>, modelName = 'container'): any {
  const app = loopback();
  app.dataSource('storage', { connector: 'storage', ...settings });
  const Container = app.registry.createModel({ name: modelName, base: 'Model' });
  app.model(Container, { dataSource: 'storage', public: true });
  app.use('/api', loopback.rest());
  return app;
}

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-storage-'));
}

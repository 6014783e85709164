import fs from 'fs';
import os from 'os';
import path from 'path';
import loopback from '../../src';
import { boot } from '../../src/boot';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * Boots the example app (server/ and common/ at the repo's top level) in-process, with its
 * memory store kept in memory instead of the data file and its file storage in a fresh
 * temporary folder, so each test starts from empty.
 */
export async function bootExampleApp(): Promise<any> {
  const app = loopback();
  await boot(app, {
    appRootDir: path.join(REPO_ROOT, 'server'),
    dataSources: {
      db: { name: 'db', connector: 'memory' },
      storage: {
        name: 'storage',
        connector: 'storage',
        root: fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-example-storage-')),
      },
    },
  });
  return app;
}

/** Replaces ISO date strings (createdAt, placedAt ...) so bodies compare exactly. */
export function withoutDates(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_k, v) =>
    typeof v === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v) ? '<date>' : v,
  );
}

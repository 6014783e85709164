import fs from 'fs';
import os from 'os';
import path from 'path';
import { Writable } from 'stream';
import loopback, { createLogger } from '../../src';
import { boot, BootOptions } from '../../src/boot';

/** Writes an app folder (relative path → JSON value or file text) into a fresh temp dir. */
export function writeAppFolder(files: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-boot-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

export const MINIMAL_APP = {
  'server/config.json': { restApiRoot: '/api', port: 3000 },
  'server/datasources.json': { db: { name: 'db', connector: 'memory' } },
  'server/model-config.json': {
    _meta: { sources: ['../common/models'] },
    Note: { dataSource: 'db', public: true },
  },
  'server/middleware.json': {
    routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
    final: { 'loopback#urlNotFound': {} },
  },
  'common/models/note.json': {
    name: 'Note',
    base: 'PersistedModel',
    properties: { title: { type: 'string', required: true } },
  },
};

export interface BootedFixture {
  app: any;
  /** The warn-level lines boot logged, parsed. */
  warnings: Array<{ msg: string; code: string; file: string; path: string }>;
  root: string;
}

/**
 * Boots an app folder (MINIMAL_APP overlaid with `files`) in this process, from the folder's root
 * as cwd would be for `node server`, with the app's log lines kept in memory.
 */
export async function bootFixture(
  files: Record<string, unknown>,
  options: Omit<BootOptions, 'appRootDir'> = {},
): Promise<BootedFixture> {
  const root = writeAppFolder({ ...MINIMAL_APP, ...files });
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const app: any = loopback();
  app.logger = createLogger({ level: 'warn', pretty: false }, stream);
  const cwd = process.cwd();
  process.chdir(root);
  try {
    await boot(app, { appRootDir: path.join(root, 'server'), ...options });
  } finally {
    process.chdir(cwd);
  }
  const warnings = chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.level === 40);
  return { app, warnings, root };
}

/** The error boot stopped with (fails the test when boot succeeds). */
export async function bootFixtureError(
  files: Record<string, unknown>,
  options: Omit<BootOptions, 'appRootDir'> = {},
): Promise<Error & { code?: string }> {
  try {
    await bootFixture(files, options);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('boot succeeded but should have failed');
}

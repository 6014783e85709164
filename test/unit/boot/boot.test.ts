import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback from '../../../src';
import { boot } from '../../../src/boot';

/** Writes an app folder (relative path → JSON value or file text) into a fresh temp dir. */
function writeApp(files: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-boot-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const BASE_APP = {
  'server/config.json': { restApiRoot: '/api', port: 3000, greeting: 'hello', remoting: {} },
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

async function bootApp(files: Record<string, unknown>, env?: string): Promise<any> {
  const root = writeApp({ ...BASE_APP, ...files });
  const app = loopback();
  await boot(app, { appRootDir: path.join(root, 'server'), env });
  return app;
}

async function bootError(files: Record<string, unknown>): Promise<Error & { code?: string }> {
  try {
    await bootApp(files);
  } catch (err) {
    return err as Error;
  }
  throw new Error('boot succeeded but should have failed');
}

describe('boot: configuration layering', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('overlays config.local.json, then config.<env>.json', async () => {
    const app = await bootApp(
      {
        'server/config.local.json': { greeting: 'local', port: 4000 },
        'server/config.staging.json': { greeting: 'staging' },
      },
      'staging',
    );
    expect([app.get('greeting'), app.get('port'), app.get('restApiRoot')]).toEqual(['staging', 4000, '/api']);
  });

  it('substitutes ${VAR} from the environment and lets PORT and HOST override config.json', async () => {
    process.env.NOTE_GREETING = 'from-env';
    process.env.PORT = '5123';
    process.env.HOST = '127.0.0.9';
    const app = await bootApp({ 'server/config.local.json': { greeting: '${NOTE_GREETING}' } });
    expect([app.get('greeting'), String(app.get('port')), app.get('host')]).toEqual([
      'from-env',
      '5123',
      '127.0.0.9',
    ]);
  });

  it('overlays datasources.<env>.json and model-config.<env>.json', async () => {
    const app = await bootApp(
      {
        'server/datasources.test.json': { other: { name: 'other', connector: 'memory' } },
        'server/model-config.test.json': { Note: { dataSource: 'other' } },
      },
      'test',
    );
    expect(app.models.Note.dataSource).toBe(app.dataSources.other);
  });

  it('overlays middleware.<env>.json: the REST root moves', async () => {
    const app = await bootApp(
      { 'server/middleware.prod.json': { routes: { 'loopback#rest': { paths: ['/v2'] } } } },
      'prod',
    );
    expect((await request(app).post('/v2/Notes').send({ title: 'a' })).status).toBe(200);
  });
});

describe('boot: configuration errors name the file, the place and the fault', () => {
  it('malformed JSON: file, line and column', async () => {
    const err = await bootError({ 'server/model-config.json': '{\n  "Note": { "dataSource": "db", }\n}' });
    expect(err.code).toBe('MALFORMED_CONFIG');
    expect(err.message).toMatch(/server\/model-config\.json: malformed JSON at line 2, column \d+: /);
  });

  it('a model definition that breaks the schema: file and JSON path', async () => {
    const err = await bootError({
      'common/models/note.json': {
        name: 'Note',
        base: 'PersistedModel',
        properties: { title: { type: 'string', required: 'yes' } },
      },
    });
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toContain('common/models/note.json');
    expect(err.message).toContain('properties.title.required');
    expect(err.message).toContain('boolean');
  });

  it('a model-config entry naming an unknown data source', async () => {
    const err = await bootError({
      'server/model-config.json': { _meta: { sources: ['../common/models'] }, Note: { dataSource: 'nope' } },
    });
    expect(err.message).toMatch(
      /server\/model-config\.json: \/Note\/dataSource names an unknown data source "nope"$/,
    );
  });

  it('a model-config entry naming a model nobody defines', async () => {
    const err = await bootError({
      'server/model-config.json': { _meta: { sources: ['../common/models'] }, Ghost: { dataSource: 'db' } },
    });
    expect(err.message).toMatch(/server\/model-config\.json: Cannot configure unknown model Ghost$/);
  });

  it('a boot script that fails stops boot with its error', async () => {
    const err = await bootError({
      'server/boot/fail.js': "module.exports = function (app, cb) { cb(new Error('no database')); };",
    });
    expect(err.message).toBe('no database');
  });
});

import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback from '../../src';
import { boot } from '../../src/boot';
import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';

/**
 * An app folder on SQLite, as `loopline new` writes one: `"connector": "sqlite"` with a file
 * relative to the project, REST CRUD over it, and the rows still there after a restart.
 */

function writeApp(root: string, files: Record<string, unknown>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

const APP = {
  'server/config.json': { restApiRoot: '/api', port: 3000, remoting: {} },
  'server/datasources.json': { db: { name: 'db', connector: 'sqlite', file: 'data/db.sqlite' } },
  'server/model-config.json': {
    _meta: { sources: ['../common/models'] },
    Note: { dataSource: 'db', public: true },
  },
  'server/middleware.json': {
    routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
    final: { 'loopback#urlNotFound': {} },
  },
  'server/boot/migrate.js':
    'module.exports = function (app, done) { app.dataSources.db.autoupdate().then(() => done(), done); };\n',
  'common/models/note.json': {
    name: 'Note',
    base: 'PersistedModel',
    properties: { title: { type: 'string', required: true }, done: 'boolean', at: 'date', tags: ['string'] },
  },
};

async function start(root: string): Promise<any> {
  const app = loopback();
  await boot(app, { appRootDir: path.join(root, 'server') });
  return app;
}

describe('an app folder on SQLite', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-sqlite-app-'));
    writeApp(root, APP);
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves REST CRUD from data/db.sqlite under the project, and keeps the rows across a restart', async () => {
    const first = await start(root);
    try {
      const made = await request(first)
        .post('/api/Notes')
        .send({ title: "it's kept", done: true, at: '2024-01-02T03:04:05.678Z', tags: ['a', 'b'] });
      expect(made.status).toBe(200);
      await request(first).post('/api/Notes').send({ title: 'second', done: false }).expect(200);
      await request(first).patch(`/api/Notes/${made.body.id}`).send({ title: 'patched' }).expect(200);
      await request(first).delete('/api/Notes/2').expect(200);
      const missing = await request(first).post('/api/Notes').send({ done: true });
      expect([missing.status, missing.body.error.code]).toEqual([422, 'VALIDATION_FAILED']);
    } finally {
      await first.dataSources.db.disconnect();
    }
    expect(fs.existsSync(path.join(root, 'data', 'db.sqlite'))).toBe(true);

    const second = await start(root);
    try {
      const list = await request(second).get('/api/Notes').expect(200);
      expect(list.body).toEqual([
        { id: 1, title: 'patched', done: true, at: '2024-01-02T03:04:05.678Z', tags: ['a', 'b'] },
      ]);
      const found = await request(second)
        .get('/api/Notes')
        .query({ filter: JSON.stringify({ where: { title: { ilike: 'PATCH%' } } }) })
        .expect(200);
      expect(found.body.map((n: any) => n.id)).toEqual([1]);
      // A generated id is never handed out again, not even the deleted last one's (AUTOINCREMENT).
      expect((await request(second).post('/api/Notes').send({ title: 'third' }).expect(200)).body.id).toBe(3);
    } finally {
      await second.dataSources.db.disconnect();
    }
  }, 60000);

  it("opens the file in WAL mode, and reads LB3's connector name and `database` setting", async () => {
    const file = path.join(root, 'lb3', 'legacy.sqlite');
    const ds = new DataSource(
      'legacy',
      { connector: 'loopback-connector-sqlite3', database: file },
      createModelBuilder(),
    );
    try {
      const Thing: any = ds.createModel('LegacyThing', { name: 'string' });
      await ds.automigrate('LegacyThing');
      await Thing.create({ name: 'x' });
      expect(await (ds.connector as any).execute('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      await ds.disconnect();
    }
  });

  it('keeps a :memory: database for as long as its data source, its transactions atomic', async () => {
    const ds = new DataSource('mem', { connector: 'sqlite3', file: ':memory:' }, createModelBuilder());
    try {
      const Thing: any = ds.createModel('MemThing', { name: 'string' });
      await ds.automigrate('MemThing');
      await Thing.create({ name: 'kept' });
      const tx = await Thing.beginTransaction({});
      await Thing.create({ name: 'rolled back' }, { transaction: tx });
      await tx.rollback();
      expect((await Thing.find()).map((t: any) => t.name)).toEqual(['kept']);
    } finally {
      await ds.disconnect();
    }
  });
});

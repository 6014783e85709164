import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback from '../../src';
import { boot } from '../../src/boot';
import { mountExplorer } from '../../src/explorer';

/**
 * `remoting.sharedMethods` (config.json, model-config.json `options`, the model JSON): an endpoint
 * the app disabled is not served — the request is a 404 and the store is left as it was.
 */

function writeApp(files: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-shared-methods-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(content, null, 2));
  }
  return root;
}

interface AppShape {
  config?: Record<string, unknown>;
  thing?: Record<string, unknown>;
  thingConfig?: Record<string, unknown>;
}

async function bootApp(shape: AppShape = {}): Promise<any> {
  const root = writeApp({
    'server/config.json': { restApiRoot: '/api', port: 3000, remoting: {}, ...(shape.config ?? {}) },
    'server/datasources.json': { db: { name: 'db', connector: 'memory' } },
    'server/model-config.json': {
      _meta: { sources: ['../common/models'] },
      Thing: { dataSource: 'db', public: true, ...(shape.thingConfig ?? {}) },
      Part: { dataSource: 'db', public: true },
    },
    'server/middleware.json': {
      routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
      final: { 'loopback#urlNotFound': {} },
    },
    'common/models/thing.json': {
      name: 'Thing',
      base: 'PersistedModel',
      properties: { name: { type: 'string' } },
      relations: { parts: { type: 'hasMany', model: 'Part', foreignKey: 'thingId' } },
      ...(shape.thing ?? {}),
    },
    'common/models/part.json': {
      name: 'Part',
      base: 'PersistedModel',
      properties: { label: { type: 'string' } },
    },
  });
  const app = loopback();
  await boot(app, { appRootDir: path.join(root, 'server') });
  await app.models.Thing.create([{ name: 'a' }, { name: 'b' }]);
  return app;
}

async function names(app: any): Promise<string[]> {
  return (await app.models.Thing.find({ order: 'id ASC' })).map((t: any) => t.name);
}

// The first boot loads the whole framework; on a busy machine that alone can take seconds.
jest.setTimeout(30000);

describe('remoting.sharedMethods', () => {
  it('model-config.json `"*": false` disables every endpoint; DELETE /Things/1 deletes nothing', async () => {
    const app = await bootApp({ thingConfig: { options: { remoting: { sharedMethods: { '*': false } } } } });
    const del = await request(app).delete('/api/Things/1');
    expect(del.status).toBe(404);
    expect(del.body.error.code).toBe('URL_NOT_FOUND');
    expect((await request(app).get('/api/Things')).status).toBe(404);
    expect((await request(app).post('/api/Things').send({ name: 'c' })).status).toBe(404);
    expect((await request(app).patch('/api/Things/1').send({ name: 'z' })).status).toBe(404);
    expect((await request(app).get('/api/Things/1/parts')).status).toBe(404);
    expect(await names(app)).toEqual(['a', 'b']);
  });

  it('a named `true` re-enables one method after `"*": false`', async () => {
    const app = await bootApp({
      thingConfig: {
        options: {
          remoting: { sharedMethods: { '*': false, find: true, 'prototype.patchAttributes': true } },
        },
      },
    });
    const list = await request(app).get('/api/Things');
    expect(list.status).toBe(200);
    expect(list.body.map((t: any) => t.name)).toEqual(['a', 'b']);
    const patch = await request(app).patch('/api/Things/1').send({ name: 'z' });
    expect(patch.status).toBe(200);
    expect(patch.body).toEqual({ id: 1, name: 'z' });
    expect((await request(app).delete('/api/Things/2')).status).toBe(404);
    expect((await request(app).get('/api/Things/2')).status).toBe(404);
    expect(await names(app)).toEqual(['z', 'b']);
    // The explorer describes only what is served.
    mountExplorer(app);
    const doc = await request(app).get('/explorer/openapi.json');
    expect(doc.status).toBe(200);
    expect(
      Object.keys(doc.body.paths)
        .filter((p) => p.startsWith('/api/Things'))
        .sort(),
    ).toEqual(['/api/Things', '/api/Things/{id}']);
    expect(Object.keys(doc.body.paths['/api/Things']).sort()).toEqual(['get']);
    expect(Object.keys(doc.body.paths['/api/Things/{id}']).sort()).toEqual(['patch']);
  });

  it('config.json remoting.sharedMethods applies to every model', async () => {
    const app = await bootApp({ config: { remoting: { sharedMethods: { deleteById: false } } } });
    expect((await request(app).delete('/api/Things/1')).status).toBe(404);
    expect((await request(app).get('/api/Things/1')).body).toEqual({ id: 1, name: 'a' });
    expect(await names(app)).toEqual(['a', 'b']);
    const part = await app.models.Part.create({ label: 'p' });
    expect((await request(app).delete(`/api/Parts/${part.id}`)).status).toBe(404);
    expect(await app.models.Part.count()).toBe(1);
  });

  it("the model JSON's own settings apply; an alias names its method; `prototype.x` names an instance method", async () => {
    const app = await bootApp({
      thing: {
        remoting: {
          sharedMethods: { upsert: false, 'prototype.updateAttributes': false, destroyById: false },
        },
      },
    });
    expect((await request(app).patch('/api/Things').send({ id: 1, name: 'x' })).status).toBe(404);
    expect((await request(app).patch('/api/Things/1').send({ name: 'x' })).status).toBe(404);
    expect((await request(app).delete('/api/Things/1')).status).toBe(404);
    expect(await names(app)).toEqual(['a', 'b']);
    // replaceOrCreate is its own method and stays served
    const put = await request(app).put('/api/Things').send({ id: 2, name: 'B' });
    expect(put.status).toBe(200);
    expect(await names(app)).toEqual(['a', 'B']);
  });

  it('model-config.json overrides the model JSON, which overrides config.json', async () => {
    const app = await bootApp({
      config: { remoting: { sharedMethods: { find: false, count: false } } },
      thing: { remoting: { sharedMethods: { find: true, findById: false } } },
      thingConfig: { options: { remoting: { sharedMethods: { findById: true } } } },
    });
    expect((await request(app).get('/api/Things')).status).toBe(200);
    expect((await request(app).get('/api/Things/1')).status).toBe(200);
    expect((await request(app).get('/api/Things/count')).status).toBe(404);
    expect((await request(app).get('/api/Parts')).status).toBe(404);
  });

  it('a glob disables relation methods, including those defined after the setting', async () => {
    const app = await bootApp({
      thingConfig: { options: { remoting: { sharedMethods: { '*__parts': false } } } },
    });
    await app.models.Part.create({ label: 'p', thingId: 1 });
    expect((await request(app).get('/api/Things/1/parts')).status).toBe(404);
    expect((await request(app).post('/api/Things/1/parts').send({ label: 'q' })).status).toBe(404);
    expect((await request(app).delete('/api/Things/1/parts')).status).toBe(404);
    expect(await app.models.Part.count()).toBe(1);
    expect((await request(app).get('/api/Things/1')).status).toBe(200);
    // A method declared after the model was registered obeys the same settings.
    app.models.Thing.remoteMethod('extraStuff', {
      http: { verb: 'get', path: '/extra' },
      returns: { arg: 'n', type: 'number' },
    });
    app.models.Thing.extraStuff = async () => 1;
    app.models.Thing.remoteMethod('prototype.__get__extra__parts', {
      http: { verb: 'get', path: '/extra-parts' },
      returns: { arg: 'n', type: 'number' },
    });
    expect((await request(app).get('/api/Things/extra')).body).toEqual({ n: 1 });
    expect((await request(app).get('/api/Things/1/extra-parts')).status).toBe(404);
  });

  it('a glob `true` does not undo a glob `false` (as LB3)', async () => {
    const app = await bootApp({
      thingConfig: {
        options: { remoting: { sharedMethods: { '*': false, 'prototype.*': true, create: true } } },
      },
    });
    expect((await request(app).patch('/api/Things/1').send({ name: 'x' })).status).toBe(404);
    const created = await request(app).post('/api/Things').send({ name: 'c' });
    expect(created.status).toBe(200);
    expect(await names(app)).toEqual(['a', 'b', 'c']);
  });

  it('destroyAll (DELETE /Things) is served only when shared: `"*": true` or by name, as in LB3', async () => {
    const plain = await bootApp();
    expect((await request(plain).delete('/api/Things')).status).toBe(404);
    expect(await names(plain)).toEqual(['a', 'b']);
    const everything = await bootApp({
      thingConfig: { options: { remoting: { sharedMethods: { '*': true } } } },
    });
    const del = await request(everything)
      .delete('/api/Things')
      .query({ where: JSON.stringify({ name: 'a' }) });
    expect([del.status, del.body]).toEqual([200, { count: 1 }]);
    expect(await names(everything)).toEqual(['b']);
    const byAlias = await bootApp({
      thingConfig: { options: { remoting: { sharedMethods: { deleteAll: true } } } },
    });
    expect((await request(byAlias).delete('/api/Things')).body).toEqual({ count: 2 });
    expect(await names(byAlias)).toEqual([]);
  });

  it('a value that is not true/false stops boot with a message naming it', async () => {
    await expect(
      bootApp({ thingConfig: { options: { remoting: { sharedMethods: { find: 'no' } } } } }),
    ).rejects.toThrow(/sharedMethods\.find must be true or false/);
  });
});

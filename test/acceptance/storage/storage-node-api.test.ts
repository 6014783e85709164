import fs from 'fs';
import path from 'path';
import { pipeline } from 'stream/promises';
import { Readable } from 'stream';
import request from 'supertest';
import loopback from '../../../src';
import { mountExplorer } from '../../../src/explorer';
import { bootExampleApp } from '../../support/example-app';
import { storageApp, tempRoot, TestS3Server } from '../../support/storage';

/**
 * The storage component as LB3 code drives it: the Node API on the model and on
 * `dataSource.connector` (callbacks and promises, upload/download streams, `upload(req, res,
 * options, cb)` from an app's own route), the upload options LB3 users rely on, the name
 * `loopback-component-storage`, ACLs and remote hooks on the storage model, the explorer's
 * multipart description, and the example app's container model.
 */
const s3 = new TestS3Server();
beforeAll(() => s3.start());
afterAll(() => s3.stop());

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe.each([
  ['filesystem', () => ({ root: tempRoot() })],
  ['s3', () => s3.settings()],
] as Array<[string, () => Record<string, unknown>]>)('the storage Node API (%s)', (_provider, settings) => {
  it('answers through callbacks and promises on the model and on the connector', async () => {
    const app = storageApp(settings());
    const Container = app.models.container;
    const connector = app.dataSources.storage.connector;
    expect(await Container.getContainers()).toEqual([]);
    const created = await new Promise<any>((resolve, reject) =>
      Container.createContainer({ name: 'node-api' }, (err: Error | null, c: unknown) =>
        err ? reject(err) : resolve(c),
      ),
    );
    expect(created.name).toBe('node-api');
    expect(created.getMetadata().name).toBe('node-api');
    expect((await connector.getContainer('node-api')).name).toBe('node-api');

    const writer = Container.uploadStream('node-api', 'hello.txt', { contentType: 'text/plain' });
    const success = new Promise((resolve) => writer.on('success', resolve));
    await pipeline(Readable.from([Buffer.from('hello '), Buffer.from('stream')]), writer);
    await success;
    expect(await readAll(connector.downloadStream('node-api', 'hello.txt'))).toBe('hello stream');
    expect(await readAll(Container.downloadStream('node-api', 'hello.txt', { start: 6, end: 8 }))).toBe(
      'str',
    );

    const files = await Container.getFiles('node-api');
    expect(files.map((f: { name: string; size: number }) => [f.name, f.size])).toEqual([['hello.txt', 12]]);
    expect((await Container.getFile('node-api', 'hello.txt')).size).toBe(12);
    await expect(Container.getFile('node-api', 'nope.txt')).rejects.toMatchObject({
      statusCode: 404,
      code: 'FILE_NOT_FOUND',
    });
    await expect(Container.getContainer('..')).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_STORAGE_NAME',
    });

    const bad = Container.uploadStream('node-api', '../evil.txt');
    await expect(new Promise((_resolve, reject) => bad.on('error', reject))).rejects.toMatchObject({
      code: 'INVALID_STORAGE_NAME',
    });
    const missing = Container.downloadStream('node-api', 'nope.txt');
    await expect(readAll(missing)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });

    // A stream destroyed before it finishes stores nothing.
    const abandoned = Container.uploadStream('node-api', 'abandoned.txt');
    abandoned.write(Buffer.from('part'));
    abandoned.destroy();
    await new Promise((r) => abandoned.on('close', r));
    expect((await Container.getFiles('node-api')).map((f: { name: string }) => f.name)).toEqual([
      'hello.txt',
    ]);

    await new Promise<void>((resolve, reject) =>
      Container.removeFile('node-api', 'hello.txt', (err: Error | null) => (err ? reject(err) : resolve())),
    );
    await Container.destroyContainer('node-api');
    await expect(Container.getContainer('node-api')).rejects.toMatchObject({
      statusCode: 404,
      code: 'CONTAINER_NOT_FOUND',
    });
  });

  it('keeps nothing of a large upload abandoned after several parts were sent (S3: the multipart upload is aborted)', async () => {
    const app = storageApp(settings());
    const Container = app.models.container;
    await Container.createContainer({ name: 'abandon' });
    const writer = Container.uploadStream('abandon', 'big.bin');
    const block = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < 20; i++) {
      if (!writer.write(block)) await new Promise((r) => writer.once('drain', r));
    }
    writer.destroy();
    await new Promise((r) => writer.on('close', r));
    expect(await Container.getFiles('abandon')).toEqual([]);
    await Container.destroyContainer('abandon');
  });

  it("applies getFilename, nameConflict: 'makeUnique' and acl as LB3", async () => {
    const s = settings();
    const renaming = storageApp(
      {
        ...s,
        getFilename: (file: { name: string; field: string }) => `${file.field}_${file.name}`,
        acl: 'public-read',
      },
      'imageContainer',
    );
    await request(renaming).post('/api/imageContainers').send({ name: 'renamed' }).expect(200);
    const res = await request(renaming)
      .post('/api/imageContainers/renamed/upload')
      .attach('image', Buffer.from('img'), { filename: 'test.jpg', contentType: 'image/jpeg' })
      .expect(200);
    expect(res.body).toEqual({
      result: {
        files: {
          image: [
            {
              container: 'renamed',
              name: 'image_test.jpg',
              originalFilename: 'test.jpg',
              type: 'image/jpeg',
              field: 'image',
              acl: 'public-read',
              size: 3,
            },
          ],
        },
        fields: {},
      },
    });
    const unique = storageApp({ ...s, nameConflict: 'makeUnique' });
    const first = await request(unique)
      .post('/api/containers/renamed/upload')
      .attach('f', Buffer.from('1'), { filename: 'same.png', contentType: 'image/png' })
      .expect(200);
    const second = await request(unique)
      .post('/api/containers/renamed/upload')
      .attach('f', Buffer.from('2'), { filename: 'same.png', contentType: 'image/png' })
      .expect(200);
    const [a, b] = [first.body.result.files.f[0], second.body.result.files.f[0]];
    expect(a.name).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect(a.name).not.toBe(b.name);
    expect([a.originalFilename, b.originalFilename]).toEqual(['same.png', 'same.png']);
    // A getFilename that answers a hostile name is refused like a client's.
    const hostile = storageApp({ ...s, getFilename: () => '../outside.txt' });
    const refused = await request(hostile)
      .post('/api/containers/renamed/upload')
      .attach('f', Buffer.from('x'), 'x.txt')
      .expect(400);
    expect(refused.body.error.code).toBe('INVALID_STORAGE_NAME');
  });
});

describe('the storage component in an LB3 app', () => {
  it("resolves the connector name 'loopback-component-storage' and uploads from an app's own route (connector.upload(req, res, options, cb))", async () => {
    const root = tempRoot();
    fs.mkdirSync(path.join(root, 'album1'));
    const app = loopback();
    const ds: any = app.dataSource('storage', {
      connector: 'loopback-component-storage',
      provider: 'filesystem',
      root,
    });
    app.post('/custom/upload', (req: any, res: any) => {
      const options = {
        container: 'album1',
        getFilename: (file: { field: string; name: string }) => `${file.field}_${file.name}`,
      };
      ds.connector.upload(req, res, options, (err: any, result: unknown) =>
        err ? res.status(err.statusCode || 500).send({ error: err.code }) : res.status(200).send({ result }),
      );
    });
    const res = await request(app)
      .post('/custom/upload')
      .attach('customimagefield', Buffer.from('jpeg bytes'), {
        filename: 'test.jpg',
        contentType: 'image/jpeg',
      })
      .expect(200);
    expect(res.body).toEqual({
      result: {
        files: {
          customimagefield: [
            {
              container: 'album1',
              name: 'customimagefield_test.jpg',
              originalFilename: 'test.jpg',
              type: 'image/jpeg',
              field: 'customimagefield',
              size: 10,
            },
          ],
        },
        fields: {},
      },
    });
    expect(fs.readFileSync(path.join(root, 'album1', 'customimagefield_test.jpg'), 'utf8')).toBe(
      'jpeg bytes',
    );
  });

  it('makes ds.createModel(name) a plain Model on a storage data source, as LB3 (its routes are the storage ones)', async () => {
    const app = loopback();
    app.use(loopback.rest());
    const ds: any = loopback.createDataSource({
      connector: 'loopback-component-storage',
      provider: 'filesystem',
      root: tempRoot(),
      getFilename: (f: { name: string }) => `image-${f.name}`,
      allowedContentTypes: ['image/jpeg'],
    });
    const ImageContainer = ds.createModel('imageContainer');
    app.model(ImageContainer);
    await ImageContainer.createContainer({ name: 'album1' });
    expect(
      (await request(app).get('/imageContainers').expect(200)).body.map((c: { name: string }) => c.name),
    ).toEqual(['album1']);
    expect((await request(app).get('/imageContainers/album1').expect(200)).body.name).toBe('album1');
    const up = await request(app)
      .post('/imageContainers/album1/upload')
      .attach('image', Buffer.from('jpg'), { filename: 'test.jpg', contentType: 'image/jpeg' })
      .expect(200);
    expect(up.body.result.files.image[0]).toMatchObject({
      name: 'image-test.jpg',
      originalFilename: 'test.jpg',
    });
    expect(
      (await request(app).get('/imageContainers/album1/files/image-test.jpg').expect(200)).body.size,
    ).toBe(3);
  });

  it('runs remote hooks around upload and download, afterRemoteError on a failed download', async () => {
    const app = storageApp({ root: tempRoot() });
    const Container = app.models.container;
    await Container.createContainer({ name: 'hooks' });
    const seen: string[] = [];
    Container.beforeRemote('upload', (ctx: any, _u: unknown, next: () => void) => {
      seen.push(`before upload ${ctx.req.params.container}`);
      next();
    });
    Container.afterRemote('upload', (ctx: any, _u: unknown, next: () => void) => {
      seen.push(`after upload ${Object.keys(ctx.result.result.files).join()}`);
      next();
    });
    Container.beforeRemote('download', (_ctx: unknown, _u: unknown, next: () => void) => {
      seen.push('before download');
      next();
    });
    Container.afterRemote('download', (_ctx: unknown, _u: unknown, next: () => void) => {
      seen.push('after download');
      next();
    });
    Container.afterRemoteError('download', (ctx: any, next: () => void) => {
      seen.push(`download failed ${ctx.error.code}`);
      next();
    });
    await request(app)
      .post('/api/containers/hooks/upload')
      .attach('doc', Buffer.from('x'), 'a.txt')
      .expect(200);
    await request(app).get('/api/containers/hooks/download/a.txt').expect(200);
    await request(app).get('/api/containers/hooks/download/none.txt').expect(404);
    expect(seen).toEqual([
      'before upload hooks',
      'after upload doc',
      'before download',
      'after download',
      'before download',
      'download failed FILE_NOT_FOUND',
    ]);
  });

  it('applies ACLs to the storage model as to any model', async () => {
    const root = tempRoot();
    const app: any = (loopback as any)({ localRegistry: true, loadBuiltinModels: true });
    app.dataSource('db', { connector: 'memory' });
    app.dataSource('storage', { connector: 'storage', root });
    app.enableAuth({ dataSource: 'db' });
    const Container = app.registry.createModel({
      name: 'container',
      base: 'Model',
      acls: [
        { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY', property: '*' },
        {
          principalType: 'ROLE',
          principalId: '$everyone',
          permission: 'ALLOW',
          property: ['getContainers', 'download'],
        },
      ],
    });
    app.model(Container, { dataSource: 'storage', public: true });
    app.use('/api', loopback.rest());
    await Container.createContainer({ name: 'private' });
    await new Promise((resolve, reject) => {
      const w = Container.uploadStream('private', 'public.txt');
      w.on('finish', resolve).on('error', reject);
      w.end('readable by anyone');
    });
    expect(
      (await request(app).get('/api/containers').expect(200)).body.map((c: { name: string }) => c.name),
    ).toEqual(['private']);
    expect((await request(app).get('/api/containers/private/download/public.txt').expect(200)).text).toBe(
      'readable by anyone',
    );
    const denied = await request(app)
      .post('/api/containers/private/upload')
      .attach('f', Buffer.from('x'), 'intruder.txt')
      .expect(401);
    expect(denied.body.error.code).toBe('AUTHORIZATION_REQUIRED');
    await request(app).delete('/api/containers/private').expect(401);
    expect(fs.readdirSync(path.join(root, 'private'))).toEqual(['public.txt']);
  });

  it('describes the upload as a multipart form with a file in the OpenAPI and Swagger 2.0 documents', async () => {
    const app = storageApp({ root: tempRoot() });
    mountExplorer(app, { mountPath: '/explorer' });
    const doc = (await request(app).get('/explorer/openapi.json').expect(200)).body;
    const upload = doc.paths['/api/containers/{container}/upload'].post;
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({
      type: 'string',
      format: 'binary',
    });
    expect(upload.parameters).toEqual([
      expect.objectContaining({ name: 'container', in: 'path', required: true }),
    ]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/containers',
      '/api/containers/{container}',
      '/api/containers/{container}/download/{file}',
      '/api/containers/{container}/files',
      '/api/containers/{container}/files/{file}',
      '/api/containers/{container}/upload',
    ]);
    const swagger = (await request(app).get('/explorer/swagger.json').expect(200)).body;
    const op = swagger.paths['/containers/{container}/upload'].post;
    expect(op.consumes).toEqual(['multipart/form-data']);
    expect(op.parameters).toContainEqual({ name: 'file', in: 'formData', required: false, type: 'file' });
  });

  it('gives the example app a container model: a file goes up and comes back through /api/containers', async () => {
    const app = await bootExampleApp();
    await request(app).post('/api/containers').send({ name: 'uploads' }).expect(200);
    await request(app)
      .post('/api/containers/uploads/upload')
      .attach('file', Buffer.from('example'), { filename: 'notes.txt', contentType: 'text/plain' })
      .expect(200);
    const res = await request(app)
      .get('/api/containers/uploads/download/notes.txt')
      .set('Accept-Encoding', 'gzip')
      .expect(200);
    expect(res.text).toBe('example');
    // The app's compression middleware leaves downloads as stored (their length and ranges hold).
    expect([
      res.headers['content-length'],
      res.headers['content-encoding'],
      res.headers['cache-control'],
    ]).toEqual(['7', undefined, 'no-transform']);
  });
});

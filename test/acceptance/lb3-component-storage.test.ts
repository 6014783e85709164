import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { REPO_ROOT } from '../support/example-app';

/**
 * loopback-component-storage, the real npm package (filesystem provider), named by its module
 * object in the app's datasources.local.js: the LB3 connector bridge initializes it, and the
 * `container` model takes its data-access methods (connector.DataAccessObject) and their remote
 * declarations, served over REST as in LB3: containers, multipart upload, download, delete.
 */
// Boot, bcrypt and the packages' file I/O take seconds on a loaded machine (CI runs suites in parallel).
jest.setTimeout(30000);

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/lb3-components-app');

let root: string;
let app: any;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-lb3-storage-'));
  process.env.COMPONENTS_APP_STORAGE_ROOT = root;
  jest.isolateModules(() => {
    app = require(path.join(FIXTURE, 'server/server.js'));
  });
  if (app.booting) await new Promise((resolve) => app.once('booted', resolve));
});

afterAll(() => {
  delete process.env.COMPONENTS_APP_STORAGE_ROOT;
  fs.rmSync(root, { recursive: true, force: true });
});

describe('loopback-component-storage (the LB3 package) through the connector bridge', () => {
  it("is the package's own StorageService behind the data source, its methods on the model", () => {
    // (The app was loaded in its own module registry: compared by name, not by identity.)
    const storage = app.dataSources.storage;
    expect(storage.connector.lb3.constructor.name).toBe('StorageService');
    expect(storage.connector.lb3.client.constructor.name).toBe('FileSystemProvider');
    expect(storage.connector.lb3.client.root).toBe(root);
    expect(app.models.container.getContainers.shared).toBe(true);
    expect(app.models.container.upload.http).toEqual({ verb: 'post', path: '/:container/upload' });
  });

  it("offers the package's own members on dataSource.connector, as LB3 code calls them there", async () => {
    const connector = app.dataSources.storage.connector;
    expect(connector.client.root).toBe(root);
    expect(typeof connector.upload).toBe('function');
    await new Promise<void>((resolve, reject) =>
      connector.createContainer({ name: 'direct' }, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    const names = await new Promise<string[]>((resolve, reject) =>
      connector.getContainers((err: Error | null, list: Array<{ name: string }>) =>
        err ? reject(err) : resolve(list.map((c) => c.name)),
      ),
    );
    expect(names).toContain('direct');
    expect(fs.statSync(path.join(root, 'direct')).isDirectory()).toBe(true);
    await new Promise<void>((resolve, reject) =>
      connector.destroyContainer('direct', (err: Error | null) => (err ? reject(err) : resolve())),
    );
    expect(fs.existsSync(path.join(root, 'direct'))).toBe(false);
  });

  it('creates, lists, reads and deletes containers: folders under the provider root', async () => {
    const created = await request(app).post('/api/containers').send({ name: 'album' }).expect(200);
    expect(created.body).toMatchObject({ name: 'album' });
    expect(fs.statSync(path.join(root, 'album')).isDirectory()).toBe(true);
    await request(app).post('/api/containers').send({ name: 'spare' }).expect(200);

    const list = await request(app).get('/api/containers').expect(200);
    expect(list.body.map((c: { name: string }) => c.name).sort()).toEqual(['album', 'spare']);
    const one = await request(app).get('/api/containers/spare').expect(200);
    expect(one.body).toMatchObject({ name: 'spare' });

    await request(app).delete('/api/containers/spare').expect(200);
    expect(fs.existsSync(path.join(root, 'spare'))).toBe(false);
    const after = await request(app).get('/api/containers').expect(200);
    expect(after.body.map((c: { name: string }) => c.name)).toEqual(['album']);
  });

  it('uploads files (multipart), lists them, downloads and deletes one', async () => {
    const upload = await request(app)
      .post('/api/containers/album/upload')
      .field('caption', 'holidays')
      .attach('doc', Buffer.from('hello, storage\n'), { filename: 'hello.txt', contentType: 'text/plain' })
      .expect(200);
    expect(upload.body.result.fields).toEqual({ caption: ['holidays'] });
    expect(upload.body.result.files.doc).toEqual([
      expect.objectContaining({
        container: 'album',
        name: 'hello.txt',
        type: 'text/plain',
        size: 15,
        field: 'doc',
      }),
    ]);
    expect(fs.readFileSync(path.join(root, 'album', 'hello.txt'), 'utf8')).toBe('hello, storage\n');

    const files = await request(app).get('/api/containers/album/files').expect(200);
    expect(files.body).toEqual([
      expect.objectContaining({ container: 'album', name: 'hello.txt', size: 15 }),
    ]);
    const info = await request(app).get('/api/containers/album/files/hello.txt').expect(200);
    expect(info.body).toMatchObject({ container: 'album', name: 'hello.txt', size: 15 });

    const download = await request(app)
      .get('/api/containers/album/download/hello.txt')
      .buffer(true)
      .expect(200);
    expect(download.headers['content-type']).toMatch(/^text\/plain/);
    expect(download.text).toBe('hello, storage\n');

    await request(app).delete('/api/containers/album/files/hello.txt').expect(200);
    expect(fs.existsSync(path.join(root, 'album', 'hello.txt'))).toBe(false);
    expect((await request(app).get('/api/containers/album/files').expect(200)).body).toEqual([]);
  });

  it('answers 404 for a file that is not there, and leaves the folders alone', async () => {
    const res = await request(app).get('/api/containers/album/download/missing.txt').expect(404);
    expect(JSON.stringify(res.body)).not.toContain(root);
    expect(fs.readdirSync(root)).toEqual(['album']);
  });

  it('refuses names that climb out of the provider root, and reads or writes nothing there', async () => {
    // The package's own errors pass through unchanged: its filesystem provider refuses such a name
    // with a plain Error, a 500 as in LB3 (loopline's own storage answers 400 INVALID_STORAGE_NAME).
    const outside = path.join(root, '..');
    const before = fs.readdirSync(outside).sort();
    const create = await request(app).post('/api/containers').send({ name: '../escape' }).expect(500);
    expect(create.body.error.message).toBe('Internal Server Error');
    expect(fs.readdirSync(outside).sort()).toEqual(before);
    await request(app).get('/api/containers/album/download/..%2F..%2Fetc%2Fpasswd').expect(500);
    const files = await request(app).get('/api/containers/..%2F..%2Fetc/files').expect(500);
    expect(files.text).not.toContain('root:');
  });

  it("refuses an upload over the data source's maxFileSize as the package does (500, the part written stays)", async () => {
    await request(app).post('/api/containers').send({ name: 'big' }).expect(200);
    await request(app)
      .post('/api/containers/big/upload')
      .attach('f', Buffer.alloc(2 * 1024 * 1024), 'big.bin')
      .expect(500);
    expect(fs.readdirSync(path.join(root, 'big'))).toEqual(['big.bin']);
    expect(fs.statSync(path.join(root, 'big', 'big.bin')).size).toBeLessThan(2 * 1024 * 1024);
    await request(app).delete('/api/containers/big').expect(200);
  });

  it('describes the storage methods in the explorer document, from their LB3 declarations', async () => {
    const doc = (await request(app).get('/explorer/swagger.json').expect(200)).body;
    expect(doc.paths['/containers/{container}/upload'].post.operationId).toBe('container.upload');
    expect(doc.paths['/containers/{container}/download/{file}'].get.operationId).toBe('container.download');
    expect(doc.paths['/containers'].get.operationId).toBe('container.getContainers');
  });
});

import request from 'supertest';
import { storageApp, tempRoot, TestS3Server } from '../../support/storage';

/**
 * Every endpoint of a storage model (LB3's `container` convention) over HTTP, on both providers:
 * the local disk and an S3-compatible server (s3rver on 127.0.0.1). Answers are LB3's shapes
 * (observed on loopback-component-storage 3.7 with LB3 3.28); refusals carry a stable code.
 */
const s3 = new TestS3Server();
beforeAll(() => s3.start());
afterAll(() => s3.stop());

const PROVIDERS: Array<[string, () => Record<string, unknown>]> = [
  ['filesystem', () => ({ provider: 'filesystem', root: tempRoot() })],
  ['s3', () => s3.settings()],
];

describe.each(PROVIDERS)('storage over REST (%s)', (provider, settings) => {
  let app: any;
  beforeAll(() => {
    app = storageApp(settings());
  });

  it('creates, lists, gets and refuses a second container of the same name', async () => {
    const created = await request(app).post('/api/containers').send({ name: 'album1' }).expect(200);
    expect(created.body.name).toBe('album1');
    await request(app).post('/api/containers').send({ name: 'album2' }).expect(200);
    const again = await request(app).post('/api/containers').send({ name: 'album1' }).expect(409);
    expect(again.body.error.code).toBe('CONTAINER_EXISTS');
    const list = await request(app).get('/api/containers').expect(200);
    expect(list.body.map((c: { name: string }) => c.name).sort()).toEqual(['album1', 'album2']);
    const one = await request(app).get('/api/containers/album1').expect(200);
    expect(one.body.name).toBe('album1');
    if (provider === 'filesystem') {
      // LB3's filesystem metadata: size and the three times, nothing else (no uid/gid).
      expect(Object.keys(one.body).sort()).toEqual(['atime', 'ctime', 'mtime', 'name', 'size']);
    }
  });

  it('answers 404 CONTAINER_NOT_FOUND for a missing container on every container route', async () => {
    for (const [verb, url] of [
      ['get', '/api/containers/nothere'],
      ['get', '/api/containers/nothere/files'],
      ['get', '/api/containers/nothere/files/a.txt'],
      ['get', '/api/containers/nothere/download/a.txt'],
      ['delete', '/api/containers/nothere'],
      ['delete', '/api/containers/nothere/files/a.txt'],
    ] as const) {
      const res = await request(app)[verb](url).expect(404);
      expect(res.body.error.code).toBe('CONTAINER_NOT_FOUND');
    }
    const upload = await request(app)
      .post('/api/containers/nothere/upload')
      .attach('f', Buffer.from('x'), 'a.txt')
      .expect(404);
    expect(upload.body.error.code).toBe('CONTAINER_NOT_FOUND');
  });

  it('uploads several files and fields in one multipart request, in LB3 shape', async () => {
    const res = await request(app)
      .post('/api/containers/album1/upload')
      .attach('image', Buffer.from('hello world'), { filename: 'a.txt', contentType: 'text/plain' })
      .attach('image', Buffer.from([1, 2, 3, 4]), {
        filename: 'b.bin',
        contentType: 'application/octet-stream',
      })
      .attach('doc', Buffer.from('{"x":1}'), { filename: 'c.json', contentType: 'application/json' })
      .field('caption', 'holiday')
      .field('caption', 'beach')
      .expect(200);
    expect(res.body).toEqual({
      result: {
        files: {
          image: [
            { container: 'album1', name: 'a.txt', type: 'text/plain', field: 'image', size: 11 },
            { container: 'album1', name: 'b.bin', type: 'application/octet-stream', field: 'image', size: 4 },
          ],
          doc: [{ container: 'album1', name: 'c.json', type: 'application/json', field: 'doc', size: 7 }],
        },
        fields: { caption: ['holiday', 'beach'] },
      },
    });
  });

  it('lists the files of a container and gets one', async () => {
    const list = await request(app).get('/api/containers/album1/files').expect(200);
    expect(list.body.map((f: { name: string; size: number }) => [f.name, f.size]).sort()).toEqual([
      ['a.txt', 11],
      ['b.bin', 4],
      ['c.json', 7],
    ]);
    const file = await request(app).get('/api/containers/album1/files/a.txt').expect(200);
    expect(file.body).toMatchObject({ container: 'album1', name: 'a.txt', size: 11 });
    expect(typeof file.body.mtime).toBe('string');
    const empty = await request(app).get('/api/containers/album2/files').expect(200);
    expect(empty.body).toEqual([]);
    const missing = await request(app).get('/api/containers/album1/files/zz.txt').expect(404);
    expect(missing.body.error.code).toBe('FILE_NOT_FOUND');
  });

  it('downloads a file with its type, length, validators and name', async () => {
    const res = await request(app).get('/api/containers/album1/download/a.txt').expect(200);
    expect(res.text).toBe('hello world');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['content-length']).toBe('11');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers.etag).toMatch(/^(W\/)?".+"$/);
    expect(new Date(res.headers['last-modified']).getTime()).not.toBeNaN();
    expect(res.headers['content-disposition']).toBe(`attachment; filename="a.txt"; filename*=UTF-8''a.txt`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const bin = await request(app)
      .get('/api/containers/album1/download/b.bin')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect([...(bin.body as Buffer)]).toEqual([1, 2, 3, 4]);
    // A matching validator: 304, no body.
    await request(app)
      .get('/api/containers/album1/download/a.txt')
      .set('If-None-Match', res.headers.etag)
      .expect(304);
  });

  it('answers Range requests with 206 and the bytes asked for; 416 past the end', async () => {
    const part = await request(app)
      .get('/api/containers/album1/download/a.txt')
      .set('Range', 'bytes=6-')
      .expect(206);
    expect(part.text).toBe('world');
    expect(part.headers['content-range']).toBe('bytes 6-10/11');
    expect(part.headers['content-length']).toBe('5');
    const middle = await request(app)
      .get('/api/containers/album1/download/a.txt')
      .set('Range', 'bytes=1-3')
      .expect(206);
    expect(middle.text).toBe('ell');
    const suffix = await request(app)
      .get('/api/containers/album1/download/a.txt')
      .set('Range', 'bytes=-2')
      .expect(206);
    expect(suffix.text).toBe('ld');
    expect(suffix.headers['content-range']).toBe('bytes 9-10/11');
    const past = await request(app)
      .get('/api/containers/album1/download/a.txt')
      .set('Range', 'bytes=20-30')
      .expect(416);
    expect(past.body.error.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(past.headers['content-range']).toBe('bytes */11');
    // Several ranges: the whole file.
    const several = await request(app)
      .get('/api/containers/album1/download/a.txt')
      .set('Range', 'bytes=0-1,3-4')
      .expect(200);
    expect(several.text).toBe('hello world');
  });

  it('answers 404 FILE_NOT_FOUND for a missing file to download', async () => {
    const res = await request(app).get('/api/containers/album1/download/zz.txt').expect(404);
    expect(res.body.error.code).toBe('FILE_NOT_FOUND');
  });

  it('replaces a file uploaded again under the same name', async () => {
    await request(app)
      .post('/api/containers/album1/upload')
      .attach('f', Buffer.from('second version'), { filename: 'a.txt', contentType: 'text/plain' })
      .expect(200);
    const res = await request(app).get('/api/containers/album1/download/a.txt').expect(200);
    expect(res.text).toBe('second version');
  });

  it('removes a file (200 {} as LB3), then answers 404 for it', async () => {
    const res = await request(app).delete('/api/containers/album1/files/b.bin').expect(200);
    expect(res.body).toEqual({});
    const again = await request(app).delete('/api/containers/album1/files/b.bin').expect(404);
    expect(again.body.error.code).toBe('FILE_NOT_FOUND');
    const list = await request(app).get('/api/containers/album1/files').expect(200);
    expect(list.body.map((f: { name: string }) => f.name).sort()).toEqual(['a.txt', 'c.json']);
  });

  it('destroys a container with its files (200 {}), then answers 404 for it', async () => {
    const res = await request(app).delete('/api/containers/album1').expect(200);
    expect(res.body).toEqual({});
    await request(app).get('/api/containers/album1').expect(404);
    const list = await request(app).get('/api/containers').expect(200);
    expect(list.body.map((c: { name: string }) => c.name)).toEqual(['album2']);
  });
});

import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import request from 'supertest';
import { storageApp, tempRoot, TestS3Server } from '../../support/storage';

/**
 * Bad input to a storage model, on both providers: hostile names are 400 and touch nothing,
 * refused uploads (too large, wrong type, no file, broken body, a client that goes away) are 4xx
 * or dropped and leave no file, not even a part of one, nor any other file of the same request.
 */
const s3 = new TestS3Server();
beforeAll(() => s3.start());
afterAll(() => s3.stop());

const LIMITS = { maxFileSize: 1000, allowedContentTypes: ['image/png', 'text/plain'] };

interface Setup {
  app: any;
  /** Another app on the same store, with more settings. */
  appWith(extra: Record<string, unknown>): any;
  /** Every entry the store holds for a container (the filesystem: hidden temporary files too). */
  entries(container: string): Promise<string[]>;
}

const PROVIDERS: Array<[string, () => Setup]> = [
  [
    'filesystem',
    () => {
      const root = tempRoot();
      return {
        app: storageApp({ root, ...LIMITS }),
        appWith: (extra) => storageApp({ root, ...LIMITS, ...extra }),
        entries: async (c) => fs.readdirSync(path.join(root, c)).sort(),
      };
    },
  ],
  [
    's3',
    () => {
      const app = storageApp({ ...s3.settings(), ...LIMITS });
      return {
        app,
        appWith: (extra) => storageApp({ ...s3.settings(), ...LIMITS, ...extra }),
        entries: async (c) => s3.objectsIn(c).sort(),
      };
    },
  ],
];

/** Polls until `check` holds (cleanup after a client goes away happens after the request). */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(PROVIDERS)('storage limits and hostile input (%s)', (provider, setup) => {
  let s: Setup;
  beforeAll(async () => {
    s = setup();
    await request(s.app).post('/api/containers').send({ name: 'safe-box' }).expect(200);
    await request(s.app)
      .post('/api/containers/safe-box/upload')
      .attach('f', Buffer.from('keep me'), { filename: 'keep.txt', contentType: 'text/plain' })
      .expect(200);
  });

  it.each([
    ['..', 'dot-dot'],
    ['.hidden', 'a leading dot'],
    ['a..b', 'dot-dot inside'],
    ['a%2Fb', 'a slash'],
    ['a%5Cb', 'a backslash'],
    ['a%00b', 'NUL'],
    ['%2e%2e', 'encoded dot-dot'],
  ])('refuses the container name %s (%s) with 400 INVALID_STORAGE_NAME', async (name) => {
    for (const [verb, url] of [
      ['get', `/api/containers/${name}`],
      ['get', `/api/containers/${name}/files`],
      ['delete', `/api/containers/${name}`],
      ['get', `/api/containers/${name}/download/keep.txt`],
    ] as const) {
      const res = await request(s.app)[verb](url);
      // `..` and `.` segments are resolved by the client or the router before they reach us.
      if (res.status === 404 && res.body?.error?.code !== 'CONTAINER_NOT_FOUND') continue;
      expect([res.status, res.body.error?.code]).toEqual([400, 'INVALID_STORAGE_NAME']);
    }
    const created = await request(s.app)
      .post('/api/containers')
      .send({ name: decodeURIComponent(name) })
      .expect(400);
    expect(created.body.error.code).toBe('INVALID_STORAGE_NAME');
  });

  it.each([
    ['..', 'dot-dot'],
    ['.hidden', 'a leading dot'],
    ['..%2F..%2Fetc%2Fpasswd', 'a path out of the root'],
    ['a%5Cb', 'a backslash'],
    ['a%00b', 'NUL'],
  ])('refuses the file name %s (%s) with 400 INVALID_STORAGE_NAME', async (name) => {
    for (const [verb, url] of [
      ['get', `/api/containers/safe-box/files/${name}`],
      ['get', `/api/containers/safe-box/download/${name}`],
      ['delete', `/api/containers/safe-box/files/${name}`],
    ] as const) {
      const res = await request(s.app)[verb](url);
      if (res.status === 404 && res.body?.error?.code !== 'FILE_NOT_FOUND') continue;
      expect([res.status, res.body.error?.code]).toEqual([400, 'INVALID_STORAGE_NAME']);
    }
    expect(await s.entries('safe-box')).toEqual(['keep.txt']);
  });

  it.each([
    ['../../escape.txt', 'INVALID_STORAGE_NAME'],
    ['..\\escape.txt', 'INVALID_STORAGE_NAME'],
    ['.htaccess', 'INVALID_STORAGE_NAME'],
    ['dir/inner.txt', 'INVALID_STORAGE_NAME'],
    // A raw NUL in a part's header is no header at all.
    ['a\u0000b.txt', 'MALFORMED_UPLOAD'],
  ])('refuses an uploaded file named %j: 400 %s, nothing stored', async (filename, code) => {
    const boundary = 'XBOUNDARY';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\nbad\r\n--${boundary}--\r\n`;
    const res = await request(s.app)
      .post('/api/containers/safe-box/upload')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect([res.status, res.body.error?.code]).toEqual([400, code]);
    expect(await s.entries('safe-box')).toEqual(['keep.txt']);
  });

  it('refuses a file over maxFileSize with 413 FILE_TOO_LARGE, keeping no file of the request', async () => {
    const res = await request(s.app)
      .post('/api/containers/safe-box/upload')
      .attach('a', Buffer.from('small and fine'), { filename: 'first.txt', contentType: 'text/plain' })
      .attach('b', Buffer.alloc(5000, 120), { filename: 'big.txt', contentType: 'text/plain' });
    expect([res.status, res.body.error.code]).toEqual([413, 'FILE_TOO_LARGE']);
    expect(res.body.error.message).toContain('maxFileSize exceeded');
    expect(await s.entries('safe-box')).toEqual(['keep.txt']);
  });

  it('refuses a content type outside allowedContentTypes with 415 CONTENT_TYPE_NOT_ALLOWED', async () => {
    const res = await request(s.app)
      .post('/api/containers/safe-box/upload')
      .attach('f', Buffer.from('<script>'), { filename: 'x.html', contentType: 'text/html' });
    expect([res.status, res.body.error.code]).toEqual([415, 'CONTENT_TYPE_NOT_ALLOWED']);
    expect(res.body.error.message).toContain('is not allowed');
    expect(await s.entries('safe-box')).toEqual(['keep.txt']);
  });

  it('answers 400 NO_FILE_UPLOADED for a request without a file, or not multipart', async () => {
    const none = await request(s.app).post('/api/containers/safe-box/upload').expect(400);
    expect(none.body.error.code).toBe('NO_FILE_UPLOADED');
    expect(none.body.error.message.toLowerCase()).toContain('no file');
    const json = await request(s.app).post('/api/containers/safe-box/upload').send({ a: 1 }).expect(400);
    expect(json.body.error.code).toBe('NO_FILE_UPLOADED');
    const fieldsOnly = await request(s.app)
      .post('/api/containers/safe-box/upload')
      .field('a', '1')
      .expect(400);
    expect(fieldsOnly.body.error.code).toBe('NO_FILE_UPLOADED');
  });

  it('answers 400 MALFORMED_UPLOAD for a body cut short, keeping nothing', async () => {
    const boundary = 'XBOUNDARY';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="cut.txt"\r\nContent-Type: text/plain\r\n\r\npartial data`;
    const res = await request(s.app)
      .post('/api/containers/safe-box/upload')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect([res.status, res.body.error.code]).toEqual([400, 'MALFORMED_UPLOAD']);
    expect(await s.entries('safe-box')).toEqual(['keep.txt']);
  });

  it('refuses plain fields over maxFieldsSize with 413 UPLOAD_LIMIT_EXCEEDED', async () => {
    const app = s.appWith({ maxFieldsSize: 10 });
    const res = await request(app)
      .post('/api/containers/safe-box/upload')
      .field('note', 'far more than ten bytes')
      .attach('f', Buffer.from('x'), 'x.txt');
    expect([res.status, res.body.error.code]).toEqual([413, 'UPLOAD_LIMIT_EXCEEDED']);
    expect(await s.entries('safe-box')).toEqual(['keep.txt']);
  });

  it('keeps no partial file when the client goes away mid-upload', async () => {
    const server = http.createServer(s.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const boundary = 'XBOUNDARY';
      const req = http.request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/containers/safe-box/upload',
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': '100000' },
      });
      req.on('error', () => undefined);
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="gone.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      );
      req.write(Buffer.alloc(500, 97));
      await new Promise((r) => setTimeout(r, 300));
      req.destroy();
      await eventually(
        async () => JSON.stringify(await s.entries('safe-box')) === JSON.stringify(['keep.txt']),
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import zlib from 'zlib';
import { appFiles } from '../../src/cli/app-template';
import { REPO_ROOT } from '../support/example-app';
import { RunningApp, startApp } from '../support/spawn-app';

/**
 * The app `loopline new` writes, run as `node .` with loopline linked in and nothing else in its
 * node_modules: `helmet`, `compression` and `cors` in its middleware.json resolve to loopline's
 * own dependencies. LB3's template (and loopline's until now) answered a preflight from any
 * origin with 204 and credentials allowed, and set no security headers.
 */
jest.setTimeout(60000);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, options: http.RequestOptions = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a new app: secure middleware defaults', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-new-defaults-'));
  let running: RunningApp;

  beforeAll(async () => {
    for (const [rel, content] of Object.entries(appFiles('demo', 'file:../loopline'))) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(
        path.join(dir, rel),
        typeof content === 'string' ? content : JSON.stringify(content, null, 2),
      );
    }
    fs.writeFileSync(
      path.join(dir, 'common/models/note.json'),
      JSON.stringify({
        name: 'Note',
        base: 'PersistedModel',
        properties: { title: { type: 'string', required: true } },
      }),
    );
    const modelConfig = JSON.parse(fs.readFileSync(path.join(dir, 'server/model-config.json'), 'utf8'));
    fs.writeFileSync(
      path.join(dir, 'server/model-config.json'),
      JSON.stringify({ ...modelConfig, Note: { dataSource: 'db', public: true } }),
    );
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
    running = await startApp(dir, { cwd: dir });
  });
  afterAll(async () => {
    await running?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers with helmet's default headers and no X-Powered-By", async () => {
    const res = await request(`${running.url}/api/Notes`);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'x-xss-protection': '0',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('compresses a large JSON response for a client that accepts gzip, and only then', async () => {
    const notes = Array.from({ length: 100 }, (_, i) => ({ title: `note ${i} ${'x'.repeat(80)}` }));
    const created = await request(
      `${running.url}/api/Notes`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      JSON.stringify(notes),
    );
    expect(created.status).toBe(200);
    const gzipped = await request(`${running.url}/api/Notes`, { headers: { 'accept-encoding': 'gzip' } });
    expect([gzipped.status, gzipped.headers['content-encoding']]).toEqual([200, 'gzip']);
    const list = JSON.parse(zlib.gunzipSync(gzipped.body).toString('utf8')) as { title: string }[];
    expect(list.map((n) => n.title)).toEqual(notes.map((n) => n.title));
    expect(gzipped.body.length).toBeLessThan(JSON.stringify(list).length / 5);
    const plain = await request(`${running.url}/api/Notes`, { headers: { 'accept-encoding': 'identity' } });
    expect([plain.status, plain.headers['content-encoding']]).toEqual([200, undefined]);
    expect((JSON.parse(plain.body.toString('utf8')) as unknown[]).length).toBe(100);
  });

  it('refuses a cross-origin preflight (403 CORS_ORIGIN_DENIED, no allow headers) and allows no origin to read', async () => {
    const preflight = await request(`${running.url}/api/Notes`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(403);
    expect((JSON.parse(preflight.body.toString('utf8')) as { error: { code: string } }).error.code).toBe(
      'CORS_ORIGIN_DENIED',
    );
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const read = await request(`${running.url}/api/Notes`, {
      headers: { origin: 'http://evil.example', cookie: 'a=b' },
    });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    expect(read.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

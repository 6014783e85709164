import path from 'path';
import { REPO_ROOT } from '../support/example-app';
import { RunningApp, startApp } from '../support/spawn-app';

/**
 * An app folder written as the LB3 docs write one (server.js requiring `loopback` and
 * `loopback-boot`, JS boot scripts, a middleware.json with cors and strong-error-handler, the
 * getting-started CoffeeShop model) runs unchanged: `node -r loopline/register server/server.js`.
 */
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/lb3-app');
const REGISTER = path.join(REPO_ROOT, 'dist/register.js');

function start(env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp(path.join(FIXTURE, 'server/server.js'), { nodeArgs: ['-r', REGISTER], env, cwd: FIXTURE });
}

describe('an unchanged LB3 app folder (NODE_ENV=production)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await start();
  }, 20000);
  afterAll(() => app?.stop());

  it('ran the JS boot scripts in order (callback form, then async form)', async () => {
    const res = await fetch(`${app.url}/api/CoffeeShops`);
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toEqual([
      { name: 'Bel Cafe', city: 'Vancouver', id: 1 },
      { name: 'Three Bees Coffee House', city: 'San Mateo', id: 2 },
      { name: 'Caffe Artigiano', city: 'Vancouver', id: 3 },
    ]);
    expect((await (await fetch(`${app.url}/sample-count`)).json()) as any).toEqual({ count: 3 });
    expect(app.output()).toContain('Models created: \n 3');
  });

  it('serves the remote methods the model script declares', async () => {
    const status = (await (await fetch(`${app.url}/api/CoffeeShops/status`)).json()) as any;
    expect(Object.keys(status)).toEqual(['status']);
    expect(status.status).toMatch(
      /^(We are open for business\.|Sorry, we are closed\. Open daily from 6am to 8pm\.)$/,
    );
    const name = await fetch(`${app.url}/api/CoffeeShops/getname?id=2`);
    expect((await name.json()) as any).toEqual({ name: 'Name of coffee shop is Three Bees Coffee House' });
  });

  it('runs the beforeRemote hook of the model script', async () => {
    const res = await fetch(`${app.url}/api/CoffeeShops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nowhere' }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toEqual({ name: 'Nowhere', city: 'Unknown', id: 4 });
  });

  it('loads a TypeScript model script beside the JSON', async () => {
    const bad = await fetch(`${app.url}/api/Reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 7 }),
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).error.details.codes).toEqual({ rating: ['inclusion'] });
    const good = await fetch(`${app.url}/api/Reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 5, comments: '  good  ' }),
    });
    expect((await good.json()) as any).toEqual({ rating: 5, comments: 'good', id: 1 });
  });

  it('applies cors from middleware.json to a preflight', async () => {
    const res = await fetch(`${app.url}/api/CoffeeShops`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://shop.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://shop.example');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
  });

  it('mounts a middleware referenced by a relative path', async () => {
    const res = await fetch(`${app.url}/api/CoffeeShops/count`);
    expect((await res.json()) as any).toEqual({ count: expect.any(Number) });
    expect(res.headers.get('x-request-id')).toMatch(/^\d+$/);
  });

  it('answers unknown URLs and errors through strong-error-handler, without a stack', async () => {
    const missing = await fetch(`${app.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect((await missing.json()) as any).toEqual({
      error: { statusCode: 404, name: 'Error', message: 'Cannot GET /nowhere', code: 'URL_NOT_FOUND' },
    });
    const boom = await fetch(`${app.url}/boom`);
    expect(boom.status).toBe(500);
    expect((await boom.json()) as any).toEqual({
      error: { statusCode: 500, message: 'Internal Server Error' },
    });
  });

  it("keeps an access token in the URL out of the error log lines (strong-error-handler's log is on by default)", async () => {
    const token = 'tok' + 'x'.repeat(61);
    const missing = await fetch(`${app.url}/nowhere?access_token=${token}&page=2`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.message).toBe(
      'Cannot GET /nowhere?access_token=[redacted]&page=2',
    );
    expect((await fetch(`${app.url}/api/CoffeeShops/999?access_token=${token}`)).status).toBe(404);
    expect((await fetch(`${app.url}/boom?access_token=${token}`)).status).toBe(500);
    await new Promise((r) => setTimeout(r, 200));
    expect(app.output()).toContain('Request GET /boom?access_token=[redacted] failed');
    expect(app.output()).not.toContain(token);
    // JSON lines through the app's logger: the 4xx ones without a stack, the 5xx one with it.
    const logged = app
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"reqId"'))
      .map((l) => JSON.parse(l));
    const notFound = logged.filter((l) => l.err?.statusCode === 404);
    expect(notFound.length).toBeGreaterThanOrEqual(2);
    for (const l of notFound) {
      expect(l.level).toBe(30);
      expect(l.err.stack).toBeUndefined();
    }
    const failed = logged.filter((l) => l.level === 50 && l.req.url === '/boom?access_token=[redacted]');
    expect(failed).toHaveLength(1);
    expect(failed[0].err.stack).toContain('Error: kaboom');
  });

  it('serves the status route of the root boot script', async () => {
    const body = (await (await fetch(`${app.url}/`)).json()) as any;
    expect(Object.keys(body).sort()).toEqual(['started', 'uptime']);
  });
});

describe('the same folder without NODE_ENV (development, as loopback-boot defaults)', () => {
  it('uses middleware.development.json: errors carry their stack', async () => {
    const app = await start({ NODE_ENV: '' });
    try {
      const res = await fetch(`${app.url}/boom`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as any;
      expect(body.error.message).toBe('kaboom');
      expect(body.error.stack).toContain('Error: kaboom');
    } finally {
      await app.stop();
    }
  }, 20000);
});

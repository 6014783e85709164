import express from 'express';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as v8 from 'v8';
import loopback from '../../src';

/**
 * Requests born as the app's own (src/loopback/app/born-requests.ts): the server `app.listen()`
 * makes constructs them with the app's prototypes, a server made with `http.createServer(app)`
 * adopts them after its first request, and anything else (a parent app, a server of its own
 * classes) is left as it is. Either way the request has Express's API and the REST API answers.
 */

function buildApp(): any {
  const app: any = loopback({ localRegistry: true } as any);
  app.dataSource('db', { connector: 'memory' });
  const Note: any = loopback.createModel({
    name: 'Note',
    base: 'PersistedModel',
    properties: { title: { type: 'string', required: true } },
  } as any);
  app.model(Note, { dataSource: 'db' });
  const seen: unknown[] = [];
  Note.beforeRemote('create', (ctx: any, _u: unknown, next: () => void) => {
    ctx.res.set('X-Seen', ctx.req.get('x-probe') ?? 'none');
    seen.push(ctx.req.body);
    next();
  });
  app.use('/api', loopback.rest());
  app.seen = seen;
  return app;
}

interface Arrival {
  request: boolean;
  response: boolean;
  incoming: boolean;
}

/** Records, before any listener runs, whether each request and response arrived with `app`'s prototypes. */
function watch(server: http.Server, app: any): Arrival[] {
  const arrivals: Arrival[] = [];
  server.prependListener('request', (req, res) =>
    arrivals.push({
      request: Object.getPrototypeOf(req) === app.request,
      response: Object.getPrototypeOf(res) === app.response,
      incoming: req instanceof http.IncomingMessage && res instanceof http.ServerResponse,
    }),
  );
  return arrivals;
}

function listening(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    const done = () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (server.listening) done();
    else server.once('listening', done);
  });
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function postNote(
  base: string,
  title: string,
): Promise<{ status: number; body: any; seen: string | null }> {
  const res = await fetch(`${base}/api/Notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-probe': title },
    body: JSON.stringify({ title }),
  });
  return { status: res.status, body: await res.json(), seen: res.headers.get('x-seen') };
}

describe('requests born as the app’s own', () => {
  it('app.listen() makes every request and response with the app’s prototypes, and the REST API answers', async () => {
    const app = buildApp();
    const server: http.Server = app.listen(0, '127.0.0.1');
    const arrivals = watch(server, app);
    try {
      const base = await listening(server);
      const created = await postNote(base, 'one');
      expect(created).toEqual({ status: 200, body: { title: 'one', id: 1 }, seen: 'one' });
      const list = await fetch(`${base}/api/Notes`);
      expect(await list.json()).toEqual([{ title: 'one', id: 1 }]);
      expect(arrivals).toEqual([
        { request: true, response: true, incoming: true },
        { request: true, response: true, incoming: true },
      ]);
      expect(app.seen).toEqual([{ title: 'one' }]);
    } finally {
      await close(server);
    }
  });

  it('a server made with http.createServer(app) adopts them after its first request', async () => {
    const app = buildApp();
    const server = http.createServer(app).listen(0, '127.0.0.1');
    const arrivals = watch(server, app);
    try {
      const base = await listening(server);
      for (const title of ['a', 'b', 'c']) expect((await postNote(base, title)).status).toBe(200);
      expect(arrivals.map((a) => [a.request, a.response])).toEqual([
        [false, false],
        [true, true],
        [true, true],
      ]);
      expect(arrivals.every((a) => a.incoming)).toBe(true);
      const count = await fetch(`${base}/api/Notes/count`);
      expect(await count.json()).toEqual({ count: 3 });
    } finally {
      await close(server);
    }
  });

  it('a server whose listener is a parent app the loopline app is mounted in is left to Express', async () => {
    const app = buildApp();
    const parent = express();
    parent.use('/v1', app);
    const server = http.createServer(parent).listen(0, '127.0.0.1');
    const arrivals = watch(server, app);
    try {
      const base = await listening(server);
      for (const title of ['x', 'y']) {
        const res = await fetch(`${base}/v1/api/Notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title }),
        });
        expect(res.status).toBe(200);
      }
      expect(arrivals.map((a) => a.request)).toEqual([false, false]);
    } finally {
      await close(server);
    }
  });

  it('a server with request classes of its own keeps them', async () => {
    const app = buildApp();
    class Traced extends http.IncomingMessage {
      traced = true;
    }
    const server = http.createServer({ IncomingMessage: Traced }, app).listen(0, '127.0.0.1');
    const kinds: boolean[] = [];
    server.prependListener('request', (req) => kinds.push(req instanceof Traced));
    try {
      const base = await listening(server);
      for (const title of ['p', 'q']) expect((await postNote(base, title)).status).toBe(200);
      expect(kinds).toEqual([true, true]);
    } finally {
      await close(server);
    }
  });

  it('requests and responses keep fast properties to the end of the answer', async () => {
    // V8's own test of an object's representation; a dictionary-mode request or response makes
    // every property read on it a hash lookup (born-requests.ts sizes the objects against it).
    v8.setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    expect(hasFastProperties({ a: 1 })).toBe(true);
    const app = buildApp();
    const server: http.Server = app.listen(0, '127.0.0.1');
    const seen: Array<[string, boolean, boolean]> = [];
    server.prependListener('request', (req, res) =>
      res.on('finish', () => seen.push([req.method ?? '', hasFastProperties(req), hasFastProperties(res)])),
    );
    try {
      const base = await listening(server);
      expect((await postNote(base, 'fast')).status).toBe(200);
      const patched = await fetch(`${base}/api/Notes/1`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'faster' }),
      });
      expect(await patched.json()).toEqual({ title: 'faster', id: 1 });
      expect(await (await fetch(`${base}/api/Notes/1`)).json()).toEqual({ title: 'faster', id: 1 });
      expect(seen).toEqual([
        ['POST', true, true],
        ['PATCH', true, true],
        ['GET', true, true],
      ]);
    } finally {
      await close(server);
    }
  });
});

import request from 'supertest';
import loopback from '../../../src';
import * as handlerModule from '../../../src/remoting/rest/handler';
import * as routeTableModule from '../../../src/remoting/rest/route-table';
import { SharedClass } from '../../../src/remoting/shared-class';
import { RemoteObjects } from '../../../src/remoting/remote-objects';

/**
 * A route's handler is compiled at the route's first request (rest-adapter.ts), not when the
 * route table is built: these hold that the routes answer exactly as when every handler was
 * compiled up front — routes never requested before, methods disabled or added after other
 * routes were served, hooks added later, 404s of unknown paths.
 */
function makeApp() {
  const app: any = loopback({ localRegistry: true });
  app.dataSource('db', { connector: 'memory' });
  const models: any[] = [];
  for (const name of ['Note', 'Book', 'Card']) {
    const Model = app.registry.createModel(
      name,
      { title: { type: 'string', required: true }, rank: 'number' },
      { scopes: { top: { order: 'rank DESC', limit: 1 } } },
    );
    app.model(Model, { dataSource: 'db' });
    models.push(Model);
  }
  app.use(loopback.rest());
  return { app, models };
}

describe('REST route handlers compiled on first request', () => {
  afterEach(() => jest.restoreAllMocks());

  it('compiles only the handlers of the routes requested', async () => {
    const { app } = makeApp();
    const compile = jest.spyOn(handlerModule, 'createInvokeHandler');
    expect((await request(app).get('/Notes')).status).toBe(200);
    expect(compile).toHaveBeenCalledTimes(1);
    expect(compile.mock.calls[0][1].method.stringName).toBe('Note.find');
    expect((await request(app).get('/Notes')).status).toBe(200);
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('answers a route of a model never requested before, after other models were', async () => {
    const { app, models } = makeApp();
    const [Note, , Card] = models;
    await Note.create({ title: 'a', rank: 1 });
    await Card.create([
      { title: 'g1', rank: 1 },
      { title: 'g2', rank: 2 },
    ]);
    expect((await request(app).get('/Notes')).body.map((r: any) => r.title)).toEqual(['a']);
    expect((await request(app).get('/Books/count')).body).toEqual({ count: 0 });
    const top = await request(app).get('/Cards/top');
    expect(top.status).toBe(200);
    expect(top.body.map((r: any) => r.title)).toEqual(['g2']);
    const created = await request(app).post('/Cards').send({ title: 'g3', rank: 0 });
    expect(created.status).toBe(200);
    expect((await request(app).get(`/Cards/${created.body.id}`)).body.title).toBe('g3');
    // The argument checks of a route compiled late work as before.
    const invalid = await request(app).post('/Books').send({ rank: 1 });
    expect(invalid.status).toBe(422);
    expect((await request(app).get('/Cards?filter=notjson')).status).toBe(400);
  });

  it('answers 404 for unknown paths and for a method disabled after other routes were served', async () => {
    const { app, models } = makeApp();
    const [Note, Book] = models;
    expect((await request(app).get('/Notes')).status).toBe(200);
    expect((await request(app).get('/Nothing')).status).toBe(404);
    const unknown = await request(app).get('/Notes/1/nothing/here');
    expect(unknown.status).toBe(404);
    Book.disableRemoteMethodByName('count');
    Note.disableRemoteMethodByName('find');
    expect((await request(app).get('/Books/count')).status).toBe(404);
    expect((await request(app).get('/Notes')).status).toBe(404);
    expect((await request(app).get('/Books')).status).toBe(200);
  });

  it('serves a remote method and hooks added after other routes were served', async () => {
    const { app, models } = makeApp();
    const [, Book] = models;
    expect((await request(app).get('/Notes')).status).toBe(200);
    Book.greet = async (name: string) => `hi ${name}`;
    Book.remoteMethod('greet', {
      accepts: { arg: 'name', type: 'string', required: true },
      returns: { arg: 'greeting', type: 'string' },
      http: { verb: 'get' },
    });
    const seen: string[] = [];
    Book.beforeRemote('greet', (ctx: any, _unused: unknown, next: () => void) => {
      seen.push(ctx.args.name);
      next();
    });
    const res = await request(app).get('/Books/greet?name=ann');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ greeting: 'hi ann' });
    expect(seen).toEqual(['ann']);
    expect((await request(app).get('/Books/greet')).status).toBe(400);
  });

  it('lists every route in the table whatever was requested', async () => {
    const { app } = makeApp();
    expect((await request(app).get('/Notes')).status).toBe(200);
    const routes = app.handler('rest').routes();
    for (const name of ['Notes', 'Books', 'Cards']) {
      expect(routes.some((r: any) => r.verb === 'get' && r.path === `/${name}/top`)).toBe(true);
      expect(routes.some((r: any) => r.verb === 'get' && r.path === `/${name}/:id`)).toBe(true);
    }
  });
});

describe('REST routes listed per first path segment on first request', () => {
  afterEach(() => jest.restoreAllMocks());

  it('lists only the classes under the requested segment', async () => {
    const { app } = makeApp();
    const list = jest.spyOn(routeTableModule, 'buildRouteTable');
    expect((await request(app).get('/Cards')).status).toBe(200);
    const listed = list.mock.calls.map((call) => call[0].map((c) => c.name));
    // (The classes listed at once are listed inside route-table.ts, not through this spy.)
    expect(listed).toEqual([['Card']]);
    expect((await request(app).get('/Cards/count')).status).toBe(200);
    expect((await request(app).get('/Notes')).status).toBe(200);
    expect(list.mock.calls.map((call) => call[0].map((c) => c.name))).toEqual([['Card'], ['Note']]);
  });

  it('leaves the method declarations of classes not requested pending (made on their first request)', async () => {
    const { app, models } = makeApp();
    const [Note, Book] = models;
    const define = jest.spyOn(SharedClass.prototype, 'defineMethod');
    expect((await request(app).get('/Notes')).status).toBe(200);
    const definedOn = () => new Set(define.mock.contexts);
    expect(definedOn().has(Note.sharedClass)).toBe(true);
    expect(definedOn().has(Book.sharedClass)).toBe(false);
    expect((await request(app).get('/Books/count')).body).toEqual({ count: 0 });
    expect(definedOn().has(Book.sharedClass)).toBe(true);
  });

  /** A bare remoting app: classes with the paths given, each with `ping` at `/ping` and `hello` at `/:id/hello`. */
  function remotingApp(classes: Array<[string, string]>, rest: Record<string, unknown> = {}) {
    const remotes = new RemoteObjects({ rest });
    for (const [name, path] of classes) {
      const ctor: any = {
        ping: async () => `${name}.ping`,
        hello: async (id: string) => `${name}.hello ${id}`,
      };
      const sharedClass = new SharedClass(name, ctor, { http: { path } });
      sharedClass.defineMethod('ping', {
        returns: { arg: 'r', type: 'string', root: true },
        http: { verb: 'get', path: '/ping' },
      });
      sharedClass.defineMethod('hello', {
        accepts: { arg: 'id', type: 'string', http: { source: 'path' } },
        returns: { arg: 'r', type: 'string', root: true },
        http: { verb: 'get', path: '/:id/hello' },
      });
      remotes.addClass(sharedClass);
    }
    const express = require('express');
    const app = express();
    app.use(remotes.handler('rest'));
    return app;
  }

  it('matches as the whole table did when a class at the root shares a segment with another class', async () => {
    // Root's `/:id/hello` and `/ping` routes start with whatever segment is requested.
    const app = remotingApp([
      ['Root', '/'],
      ['Ping', '/ping'],
      ['Deep', '/a/b'],
    ]);
    expect((await request(app).get('/ping')).body).toBe('Root.ping');
    expect((await request(app).get('/ping/ping')).body).toBe('Ping.ping');
    expect((await request(app).get('/PING/x/hello')).body).toBe('Ping.hello x');
    expect((await request(app).get('/other/hello')).body).toBe('Root.hello other');
    expect((await request(app).get('/a/b/ping')).body).toBe('Deep.ping');
    expect((await request(app).get('/a/ping')).status).toBe(404);
  });

  it('finds the routes of classes whose paths are normalized, have several segments or a parameter', async () => {
    const app = remotingApp(
      [
        ['UserAccount', '/UserAccounts'],
        ['Tenant', '/:tenant/items'],
        ['Spaced', 'domain%20one/Things'],
      ],
      { normalizeHttpPath: true },
    );
    expect((await request(app).get('/user-accounts/ping')).body).toBe('UserAccount.ping');
    expect((await request(app).get('/UserAccounts/ping')).status).toBe(404);
    expect((await request(app).get('/t1/items/ping')).body).toBe('Tenant.ping');
    expect((await request(app).get('/domain-20-one/things/ping')).body).toBe('Spaced.ping');
  });
});

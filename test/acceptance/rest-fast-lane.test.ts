import express from 'express';
import request from 'supertest';
import strongErrorHandler from 'strong-error-handler';
import loopback from '../../src';
import { workOutLane } from '../../src/loopback/app/rest-lane';

/**
 * The REST fast lane (src/loopback/app/rest-lane.ts): an app whose layers before `loopback#rest`
 * cannot apply to a REST request serves its REST API without Express's router walking them, and
 * answers exactly as the same app does when a middleware before REST makes Express serve it.
 */

interface Built {
  app: any;
  seen: Record<string, unknown>[];
}

function buildApp(options: { forceExpress?: boolean } = {}): Built {
  const app: any = loopback({ localRegistry: true } as any);
  app.dataSource('db', { connector: 'memory' });
  const Todo: any = loopback.createModel({
    name: 'Todo',
    base: 'PersistedModel',
    properties: { title: { type: 'string', required: true }, secret: 'string', priority: 'number' },
    hidden: ['secret'],
  } as any);
  app.model(Todo, { dataSource: 'db' });
  Todo.fail = async () => {
    throw new Error('the method failed');
  };
  Todo.remoteMethod('fail', { http: { verb: 'get', path: '/fail' }, returns: { arg: 'x', type: 'string' } });
  const seen: Record<string, unknown>[] = [];
  Todo.beforeRemote('**', (ctx: any, _u: unknown, next: () => void) => {
    seen.push({
      method: ctx.methodString,
      baseUrl: ctx.req.baseUrl,
      url: ctx.req.url,
      originalUrl: ctx.req.originalUrl,
      host: ctx.req.get('host'),
      query: ctx.req.query,
      appIsApp: ctx.req.app === app,
      resReq: ctx.res.req === ctx.req && ctx.req.res === ctx.res,
      locals: typeof ctx.res.locals,
    });
    ctx.res.set('X-Hook', 'seen');
    next();
  });
  if (options.forceExpress)
    app.middleware('initial', (_req: unknown, _res: unknown, next: () => void) => next());
  app.middleware('routes', ['/api'], loopback.rest());
  app.middleware('final', loopback.urlNotFound());
  app.middleware('final:after', strongErrorHandler({ debug: false, log: false }));
  return { app, seen };
}

/** What a client sees of an answer, without the headers that change from one answer to the next. */
function answer(res: request.Response): Record<string, unknown> {
  const headers = { ...res.headers };
  delete headers.date;
  delete headers.connection;
  delete headers['keep-alive'];
  return { status: res.status, headers, text: res.text };
}

type Call = (agent: request.Agent | any) => request.Test;

const CALLS: Array<[string, Call]> = [
  ['list', (r) => r.get('/api/Todos')],
  [
    'list with a filter',
    (r) => r.get('/api/Todos?filter=' + encodeURIComponent('{"where":{"priority":{"gt":1}}}')),
  ],
  ['list, bracket filter', (r) => r.get('/api/Todos?filter[where][priority]=2')],
  ['by id', (r) => r.get('/api/Todos/1')],
  ['by id, other case and trailing slash', (r) => r.get('/API/todos/1/')],
  ['unknown id (404)', (r) => r.get('/api/Todos/999')],
  ['unknown model (404, LB3 message)', (r) => r.get('/api/Nope')],
  ['the REST root itself', (r) => r.get('/api')],
  ['the REST root with a slash and query', (r) => r.get('/api/?x=1')],
  ['double slash', (r) => r.get('/api//Todos')],
  ['outside the REST root (urlNotFound)', (r) => r.get('/elsewhere')],
  ['a prefix that is not the root', (r) => r.get('/apix/Todos')],
  ['count', (r) => r.get('/api/Todos/count')],
  ['create', (r) => r.post('/api/Todos').send({ title: 'new', secret: 's', priority: 3 })],
  ['validation (422)', (r) => r.post('/api/Todos').send({ priority: 3 })],
  ['malformed JSON (400)', (r) => r.post('/api/Todos').set('Content-Type', 'application/json').send('{"a":')],
  ['patch', (r) => r.patch('/api/Todos/2').send({ priority: 9 })],
  ['head', (r) => r.head('/api/Todos/1')],
  ['options', (r) => r.options('/api/Todos')],
  ['a method that throws (strong-error-handler)', (r) => r.get('/api/Todos/fail')],
  ['a bad path escape', (r) => r.get('/api/Todos/%E0%A4%A')],
  ['not acceptable (406)', (r) => r.get('/api/Todos').set('Accept', 'text/html')],
];

async function seed(app: any): Promise<void> {
  await app.models.Todo.create([
    { title: 'a', secret: 'x', priority: 1 },
    { title: 'b', secret: 'y', priority: 2 },
  ]);
}

describe('the REST fast lane', () => {
  it('is taken when only non-matching layers come before REST, and not when a middleware does', () => {
    const lane = buildApp();
    const forced = buildApp({ forceExpress: true });
    expect(workOutLane(lane.app.router)).not.toBeNull();
    expect(workOutLane(forced.app.router)).toBeNull();
  });

  it('answers every kind of request exactly as the Express path does', async () => {
    const lane = buildApp();
    const forced = buildApp({ forceExpress: true });
    await seed(lane.app);
    await seed(forced.app);
    const routerHandle = jest.spyOn(lane.app.router, 'handle');
    for (const [name, call] of CALLS) {
      routerHandle.mockClear();
      const viaLane = answer(await call(request(lane.app)).set('Host', 'api.test'));
      const viaExpress = answer(await call(request(forced.app)).set('Host', 'api.test'));
      expect({ name, ...viaLane }).toEqual({ name, ...viaExpress });
      // Only requests outside the REST root meet Express's router from the start.
      expect({ name, routed: routerHandle.mock.calls.length }).toEqual({
        name,
        routed: /outside|not the root/.test(name) ? 1 : 0,
      });
    }
    expect(lane.seen).toEqual(forced.seen);
  });

  it('gives remote hooks the request Express would: baseUrl, url, host, query, res.set()', async () => {
    const { app, seen } = buildApp();
    await seed(app);
    const res = await request(app).get('/api/Todos/1?filter=%7B%7D').set('Host', 'example.test').expect(200);
    expect(res.headers['x-hook']).toBe('seen');
    expect(res.body).toEqual({ id: 1, title: 'a', priority: 1 });
    expect(seen).toEqual([
      {
        method: 'Todo.findById',
        baseUrl: '/api/Todos',
        url: '/Todos/1?filter=%7B%7D',
        originalUrl: '/api/Todos/1?filter=%7B%7D',
        host: 'example.test',
        query: { filter: '{}' },
        appIsApp: true,
        resReq: true,
        locals: 'object',
      },
    ]);
  });

  it('passes errors on to the error handler an app configured after REST', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/api/Todos/fail').expect(500);
    expect(res.body).toEqual({ error: { statusCode: 500, message: 'Internal Server Error' } });
    const notFound = await request(app).get('/api/Todos/12345').expect(404);
    expect(notFound.body.error).toMatchObject({ statusCode: 404, code: 'MODEL_NOT_FOUND' });
  });

  it('runs a middleware added with app.use after the first request (the lane is worked out again)', async () => {
    const { app } = buildApp();
    await request(app).get('/api/Todos').expect(200);
    expect(workOutLane(app.router)).not.toBeNull();
    app.use((_req: unknown, res: any, next: () => void) => {
      res.set('X-Late', 'yes');
      next();
    });
    const res = await request(app).get('/api/Todos').expect(200);
    expect(res.headers['x-late']).toBe('yes');
    expect(workOutLane(app.router)).toBeNull();
  });

  it('still runs a middleware.json middleware in initial that sets a header', async () => {
    const { app } = buildApp();
    app.middlewareFromConfig(
      (name: string) => (_req: unknown, res: any, next: () => void) => {
        res.setHeader('X-Initial', name);
        next();
      },
      { phase: 'initial', params: 'ran' },
    );
    const res = await request(app).get('/api/Todos').expect(200);
    expect(res.headers['x-initial']).toBe('ran');
  });

  it('leaves to Express the paths under the root that an earlier layer answers', async () => {
    const { app } = buildApp();
    app.get('/api/Todos/special', (_req: unknown, res: any) => res.json({ special: true }));
    app.use('/elsewhere', (_req: unknown, res: any) => res.json({ elsewhere: true }));
    app.middleware('initial:before', loopback.favicon());
    expect(workOutLane(app.router)).not.toBeNull();
    await seed(app);
    await request(app).get('/api/Todos/special').expect(200, { special: true });
    await request(app).get('/API/todos/special/').expect(200, { special: true });
    await request(app).get('/elsewhere').expect(200, { elsewhere: true });
    await request(app).get('/favicon.ico').expect(200).expect('Content-Type', 'image/x-icon');
    const routerHandle = jest.spyOn(app.router, 'handle');
    await request(app).get('/api/Todos/1').expect(200, { id: 1, title: 'a', priority: 1 });
    expect(routerHandle).not.toHaveBeenCalled();
  });

  it('serves no lane when a layer before REST could apply to its requests', () => {
    const cases: Array<(app: any) => void> = [
      (app) => app.use('/api', (_q: unknown, _s: unknown, n: () => void) => n()),
      (app) => app.use((_q: unknown, _s: unknown, n: () => void) => n()),
      (app) => app.use(/^\/x/, (_q: unknown, _s: unknown, n: () => void) => n()),
    ];
    for (const add of cases) {
      const { app } = buildApp();
      add(app);
      expect(workOutLane(app.router)).toBeNull();
    }
  });

  it('serves an app mounted in another Express app, with the outer mount path in baseUrl', async () => {
    const { app, seen } = buildApp();
    await seed(app);
    const outer = express();
    outer.use('/v1', app);
    outer.use((_req, res) => res.status(299).json({ outer: true }));
    await request(outer).get('/v1/api/Todos/2').expect(200, { id: 2, title: 'b', priority: 2 });
    expect(seen[0]).toMatchObject({
      baseUrl: '/v1/api/Todos',
      url: '/Todos/2',
      originalUrl: '/v1/api/Todos/2',
    });
    // What the loopline app leaves unanswered goes back to the outer app.
    const other = express();
    const bare: any = loopback({ localRegistry: true } as any);
    bare.middleware('routes', ['/api'], loopback.rest());
    other.use('/v1', bare);
    other.use((_req, res) => res.status(299).json({ outer: true }));
    await request(other).get('/v1/api/Nothing').expect(404);
    await request(other).get('/v1/elsewhere').expect(299, { outer: true });
  });
});

import express from 'express';
import request from 'supertest';
import loopback from '../../src';

/**
 * LB3's middleware phases over HTTP: one router whose stack is kept in phase order, `app.use`
 * at the start of `routes`, mounted Express apps, errors crossing phases, and the Express 4
 * request API LB3 middleware relies on.
 */
function trace(name: string, steps: string[]) {
  return (_req: unknown, _res: unknown, next: () => void) => {
    steps.push(name);
    next();
  };
}

function finish(app: any, steps: string[]): void {
  app.middleware('final', (_req: any, res: any) => res.json(steps));
}

describe('middleware phases', () => {
  it('runs the phases in order, with app.use first in routes', async () => {
    const app: any = loopback({ localRegistry: true });
    const steps: string[] = [];
    for (const p of ['routes', 'files', 'parse', 'auth', 'session', 'initial'])
      app.middleware(p, trace(p, steps));
    app.middleware('routes:before', trace('routes:before', steps));
    app.use(trace('use', steps));
    finish(app, steps);
    const res = await request(app).get('/x').expect(200);
    expect(res.body).toEqual([
      'initial',
      'session',
      'auth',
      'parse',
      'routes:before',
      'use',
      'routes',
      'files',
    ]);
  });

  it('passes an error from an early phase to an error handler added with app.use', async () => {
    const app: any = loopback({ localRegistry: true });
    app.middleware('initial', (_req: any, _res: any, next: any) => next(new Error('boom')));
    app.use((err: Error, _req: any, res: any, _next: any) => res.status(418).json({ seen: err.message }));
    await request(app).get('/').expect(418, { seen: 'boom' });
  });

  it('gives error handlers body-parser failures with their code', async () => {
    const app: any = loopback({ localRegistry: true });
    app.middleware('parse', express.json());
    app.use((err: any, _req: any, res: any, _next: any) =>
      res.status(err.statusCode).json({ code: err.code }),
    );
    await request(app)
      .post('/')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400, { code: 'MALFORMED_JSON' });
  });

  it('mounts an Express app in a phase: mount event, mountpath, parent, and req/res restored after it', async () => {
    const app: any = loopback({ localRegistry: true });
    const sub = express();
    let mounted: unknown;
    sub.on('mount', (parent: unknown) => (mounted = parent));
    sub.use((req: any, _res, next) => {
      req.seenInSub = { mountpath: req.app.mountpath, parentIsApp: req.app.parent === app, url: req.url };
      next();
    });
    app.middleware('routes', '/sub', sub);
    app.middleware('final', (req: any, res: any) =>
      res.json({ ...req.seenInSub, appRestored: req.app === app }),
    );
    expect(mounted).toBe(app);
    const res = await request(app).get('/sub/thing').expect(200);
    expect(res.body).toEqual({ mountpath: '/sub', parentIsApp: true, url: '/thing', appRestored: true });
  });

  it('finds the layer of a handler, also through an APM wrapper, with its phase', () => {
    const app: any = loopback({ localRegistry: true });
    const plain = (_req: unknown, _res: unknown, next: () => void) => next();
    app.middleware('auth:after', plain);
    expect(app._findLayerByHandler(plain)).toMatchObject({ handle: plain, phase: 'auth:after' });
    const original = (_req: unknown, _res: unknown, next: () => void) => next();
    const wrapper: any = (req: unknown, res: unknown, next: () => void) => original(req, res, next);
    wrapper.__NR_original = original;
    app.middleware('files', wrapper);
    expect(app._findLayerByHandler(original)).toMatchObject({ handle: wrapper, phase: 'files' });
    expect(app._findLayerByHandler(() => undefined)).toBeNull();
  });

  it('offers Express 4 req.param(): route parameter, then body, then query, then the default', async () => {
    const app: any = loopback({ localRegistry: true });
    app.middleware('parse', express.json());
    app.post('/items/:id', (req: any, res: any) =>
      res.json({
        id: req.param('id'),
        name: req.param('name'),
        q: req.param('q'),
        none: req.param('none', 'dflt'),
      }),
    );
    const res = await request(app)
      .post('/items/7?q=query&id=fromQuery&name=fromQuery')
      .send({ name: 'fromBody' })
      .expect(200);
    expect(res.body).toEqual({ id: '7', name: 'fromBody', q: 'query', none: 'dflt' });
  });

  it('middlewareFromConfig runs a handler only for the configured verbs', async () => {
    const app: any = loopback({ localRegistry: true });
    const steps: string[] = [];
    const factory = (name: string) => trace(name, steps);
    app.middlewareFromConfig(factory, { phase: 'initial', params: 'get-only', methods: ['get'] });
    app.middlewareFromConfig(factory, { phase: 'initial', params: 'any', methods: ['all'] });
    app.middleware('final', (_req: any, res: any) => res.json(steps.splice(0)));
    expect((await request(app).get('/').expect(200)).body).toEqual(['get-only', 'any']);
    expect((await request(app).post('/').expect(200)).body).toEqual(['any']);
  });

  it('merges phase lists: new phases go after the known phase before them, conflicts are refused', async () => {
    const app: any = loopback({ localRegistry: true });
    app.defineMiddlewarePhases(['first', 'routes', 'subapps']);
    app.defineMiddlewarePhases('custom');
    const steps: string[] = [];
    for (const p of ['subapps', 'routes', 'custom', 'initial', 'first']) app.middleware(p, trace(p, steps));
    finish(app, steps);
    expect((await request(app).get('/').expect(200)).body).toEqual([
      'first',
      'initial',
      'custom',
      'routes',
      'subapps',
    ]);
    expect(() => app.defineMiddlewarePhases(['subapps', 'first'])).toThrow(
      expect.objectContaining({
        code: 'PHASE_ORDER_CONFLICT',
        message: expect.stringMatching(/Ordering conflict.*first.*subapps/),
      }),
    );
    expect(() => app.middleware('nosuch', trace('x', steps))).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PHASE' }),
    );
  });
});

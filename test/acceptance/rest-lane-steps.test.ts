import express from 'express';
import request from 'supertest';
import strongErrorHandler from 'strong-error-handler';
import loopback from '../../src';
import { workOutLane } from '../../src/loopback/app/rest-lane';

/**
 * The REST fast lane with what an LB3 app usually has before REST (src/loopback/app/rest-lane.ts):
 * `loopback#token` at `/`, which the lane runs itself, and a `loopback.Router()` of literal routes
 * (LB3's `server/boot/root.js`), whose paths are left to Express. Every answer must be the one
 * the same app gives when a plain middleware before REST makes Express serve it all.
 */

async function buildApp(options: { forceExpress?: boolean } = {}) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.dataSource('db', { connector: 'memory' });
  const reg = app.registry;
  const Member = reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4 } as any);
  const Note = reg.createModel({
    name: 'Note',
    properties: { title: 'string' },
    acls: [
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
    ],
  } as any);
  app.model(app.registry.getModel('AccessToken'), { dataSource: 'db', public: false });
  app.model(Member, { dataSource: 'db' });
  app.model(Note, { dataSource: 'db' });
  app.enableAuth();
  const seen: unknown[] = [];
  Note.beforeRemote('**', (ctx: any, _u: unknown, next: () => void) => {
    seen.push({
      userId: ctx.req.accessToken?.userId ?? null,
      baseUrl: ctx.req.baseUrl,
      url: ctx.req.url.replace(/access_token=[^&]+/, 'access_token=T'),
    });
    next();
  });
  if (options.forceExpress)
    app.middleware('initial', (_req: unknown, _res: unknown, next: () => void) => next());
  app.middleware('auth', loopback.token({ currentUserLiteral: 'me' } as any));
  const root = loopback.Router();
  root.get('/', loopback.status());
  app.use(root);
  app.middleware('routes', ['/api'], loopback.rest());
  app.middleware('final', loopback.urlNotFound());
  app.middleware('final:after', strongErrorHandler({ debug: false, log: false }));
  await Note.create([{ title: 'one' }, { title: 'two' }]);
  const member = await Member.create({ email: 'ann@example.test', password: 'secret-pass' });
  const token = await member.createAccessToken(3600);
  return { app, seen, root, token: token.id as string, memberId: member.id };
}

function answer(res: request.Response): Record<string, unknown> {
  const headers = { ...res.headers };
  for (const h of ['date', 'connection', 'keep-alive', 'etag']) delete headers[h];
  const body = res.body && typeof res.body === 'object' ? { ...res.body } : res.body;
  // `/` answers the server's uptime, which differs from one app to the other.
  if (body && 'uptime' in body) body.uptime = 'n';
  if (body && 'started' in body) body.started = 's';
  return { status: res.status, headers: { ...headers, 'content-length': undefined }, body };
}

describe('the REST fast lane with loopback#token and a router of routes before REST', () => {
  it('is taken: the token middleware runs in the lane, the router’s routes are exclusions', async () => {
    const { app } = await buildApp();
    const forced = await buildApp({ forceExpress: true });
    const lane = workOutLane(app.router);
    expect(lane).not.toBeNull();
    expect(lane!.steps).toHaveLength(1);
    expect(workOutLane(forced.app.router)).toBeNull();
  });

  it('answers with and without a token exactly as Express does, and meets no router on the way', async () => {
    const lane = await buildApp();
    const forced = await buildApp({ forceExpress: true });
    type Call = (agent: any, b: Awaited<ReturnType<typeof buildApp>>) => request.Test;
    const calls: Array<[string, Call, boolean]> = [
      ['no token (401)', (r) => r.get('/api/Notes'), false],
      ['a token in the header', (r, b) => r.get('/api/Notes').set('Authorization', b.token), false],
      ['a token in the query', (r, b) => r.get(`/api/Notes/1?access_token=${b.token}`), false],
      ['an unknown token (401)', (r) => r.get('/api/Notes').set('Authorization', 'nope'), false],
      ['count', (r, b) => r.get('/api/Notes/count').set('Authorization', b.token), false],
      [
        'me, with a token (rewritten: Express serves the rest)',
        (r, b) => r.get('/api/Members/me').set('Authorization', b.token),
        true,
      ],
      ['me, without a token (401 from the token middleware)', (r) => r.get('/api/Members/me'), true],
      ['the root router’s route', (r) => r.get('/'), true],
      [
        'login',
        (r) => r.post('/api/Members/login').send({ email: 'ann@example.test', password: 'wrong' }),
        false,
      ],
    ];
    const routerHandle = jest.spyOn(lane.app.router, 'handle');
    for (const [name, call, viaExpress] of calls) {
      routerHandle.mockClear();
      const a = answer(await call(request(lane.app), lane));
      const b = answer(await call(request(forced.app), forced));
      expect({ name, ...a }).toEqual({ name, ...b });
      expect({ name, routed: routerHandle.mock.calls.length > 0 }).toEqual({
        name,
        routed: viaExpress && name.includes('root'),
      });
    }
    expect(lane.seen).toEqual(forced.seen);
    expect(lane.seen).toContainEqual({ userId: lane.memberId, baseUrl: '/api/Notes', url: '/Notes' });
  });

  it('answers /me as the member the token names', async () => {
    const { app, token, memberId } = await buildApp();
    const res = await request(app).get('/api/Members/me').set('Authorization', token).expect(200);
    expect(res.body).toMatchObject({ id: memberId, email: 'ann@example.test' });
    expect(res.body.password).toBeUndefined();
  });

  it('works the lane out again when a route or a middleware is added to the router', async () => {
    const { app, root, token } = await buildApp();
    await request(app).get('/api/Notes').set('Authorization', token).expect(200);
    root.get('/api/Notes/special', (_req: unknown, res: any) => res.json({ special: true }));
    await request(app).get('/api/Notes/special').expect(200, { special: true });
    expect(workOutLane(app.router)).not.toBeNull();
    root.use((_req: unknown, res: any, next: () => void) => {
      res.set('X-Router', 'ran');
      next();
    });
    const res = await request(app).get('/api/Notes').set('Authorization', token).expect(200);
    expect(res.headers['x-router']).toBe('ran');
    expect(workOutLane(app.router)).toBeNull();
  });

  it('hands an error from a step to the error handlers after it', async () => {
    const { app } = await buildApp();
    const failing = Object.assign(
      (_req: unknown, _res: unknown, next: (err?: unknown) => void) =>
        next(Object.assign(new Error('refused'), { statusCode: 418 })),
      { [Symbol.for('loopline.runsInLane')]: true },
    );
    app.middleware('auth:after', failing);
    expect(workOutLane(app.router)!.steps).toHaveLength(2);
    const res = await request(app).get('/api/Notes').expect(418);
    expect(res.body.error).toMatchObject({ statusCode: 418, message: 'refused' });
  });

  it('leaves a token middleware mounted at a path, or with verbs, to Express', () => {
    const cases: Array<(app: any) => void> = [
      (app) => app.middleware('initial', ['/api'], loopback.token()),
      (app) => app.middlewareFromConfig(() => loopback.token(), { phase: 'initial', methods: ['get'] }),
      (app) => {
        const r = express.Router();
        r.use((_q: unknown, _s: unknown, n: () => void) => n());
        app.use(r);
      },
    ];
    for (const add of cases) {
      const app: any = loopback({ localRegistry: true } as any);
      add(app);
      app.middleware('routes', ['/api'], loopback.rest());
      expect(workOutLane(app.router)).toBeNull();
    }
  });
});

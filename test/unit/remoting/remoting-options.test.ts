import request from 'supertest';
import loopback from '../../../src';
import { authApp } from '../../support/auth-app';

/**
 * The `options` a REST call hands to the DAO and its operation hooks, as observed on LB3 for the
 * same apps: LB3's protective defaults, the access token, the roles that granted the call, and the
 * remoting context kept out of enumeration (JSON.stringify(ctx.options) works).
 */
describe('options of a REST call', () => {
  it('carries LB3 defaults (from the model settings first) and serialises without the remoting context', async () => {
    const app: any = loopback({ localRegistry: true });
    app.dataSource('db', { connector: 'memory' });
    const Gauge = app.registry.createModel(
      'Gauge',
      { n: 'number' },
      { base: 'PersistedModel', maxDepthOfQuery: 5 },
    );
    app.model(Gauge, { dataSource: 'db' });
    app.use(loopback.rest());
    const seen: Array<[string, string, boolean]> = [];
    for (const hook of ['access', 'before save']) {
      Gauge.observe(hook, async (ctx: any) => {
        seen.push([hook, JSON.stringify(ctx.options), ctx.options.remotingContext?.method?.name]);
      });
    }
    expect((await request(app).get('/Gauges')).status).toBe(200);
    expect((await request(app).post('/Gauges').send({ n: 1 })).status).toBe(200);
    const defaults = '{"prohibitHiddenPropertiesInQuery":true,"maxDepthOfQuery":5,"maxDepthOfData":32}';
    expect(seen).toEqual([
      ['access', defaults, 'find'],
      ['before save', defaults, 'create'],
    ]);
  });

  it('reads the defaults from Model.definition.settings, which LB3 code may replace', async () => {
    const app: any = loopback({ localRegistry: true });
    app.dataSource('db', { connector: 'memory' });
    const Meter = app.registry.createModel('Meter', { n: 'number' }, { base: 'PersistedModel' });
    app.model(Meter, { dataSource: 'db' });
    app.use(loopback.rest());
    let seen = '';
    Meter.observe('access', async (ctx: any) => {
      seen = JSON.stringify(ctx.options);
    });
    Meter.definition.settings = { prohibitHiddenPropertiesInQuery: false, maxDepthOfData: 64 };
    expect((await request(app).get('/Meters')).status).toBe(200);
    expect(seen).toBe('{"prohibitHiddenPropertiesInQuery":false,"maxDepthOfQuery":12,"maxDepthOfData":64}');
  });

  it.each(['stored', 'jwt'])(
    'names the roles that granted the call (only those allowing it and held by the caller; %s tokens)',
    async (format) => {
      const { app, models } = authApp((registry) => {
        const User = registry.getModel('User');
        const Dial = registry.createModel({
          name: 'Dial',
          base: 'PersistedModel',
          properties: { n: 'number' },
          acls: [
            { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', accessType: 'READ' },
            { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
            { principalType: 'ROLE', principalId: '$unauthenticated', permission: 'DENY', property: 'count' },
            { principalType: 'ROLE', principalId: '$owner', permission: 'DENY', accessType: 'READ' },
            {
              principalType: 'ROLE',
              principalId: '$authenticated',
              permission: 'ALLOW',
              accessType: 'WRITE',
            },
          ],
        });
        return [User, Dial];
      });
      if (format === 'jwt') app.set('accessTokenFormat', 'jwt');
      const [User, Dial] = models;
      const seen: string[] = [];
      Dial.observe('access', async (ctx: any) => {
        seen.push(JSON.stringify(ctx.options));
      });
      await User.create({ email: 'a@example.com', password: 'pass-word-1' });
      const token = (await User.login({ email: 'a@example.com', password: 'pass-word-1' })).id;
      expect(token.split('.')).toHaveLength(format === 'jwt' ? 3 : 1);

      expect((await request(app).get('/api/Dials')).status).toBe(200);
      expect((await request(app).get('/api/Dials').set('Authorization', token)).status).toBe(200);
      expect((await request(app).get('/api/Dials/count')).status).toBe(401);
      expect(seen).toEqual([
        '{"prohibitHiddenPropertiesInQuery":true,"maxDepthOfQuery":12,"maxDepthOfData":32,"accessToken":null,"authorizedRoles":{"$everyone":true}}',
        expect.stringMatching(/"authorizedRoles":\{"\$everyone":true,"\$authenticated":true\}\}$/),
      ]);
    },
  );

  it("keeps the remoting context when an app's createOptionsFromRemotingContext leaves it out", async () => {
    const app: any = loopback({ localRegistry: true });
    app.dataSource('db', { connector: 'memory' });
    const Gauge = app.registry.createModel('Gauge', { n: 'number' }, { base: 'PersistedModel' });
    Gauge.createOptionsFromRemotingContext = (ctx: any) => ({ ip: ctx.req.ip ? 'known' : 'unknown' });
    app.model(Gauge, { dataSource: 'db' });
    app.use(loopback.rest());
    let options: any;
    Gauge.observe('before save', async (ctx: any) => {
      options = ctx.options;
    });
    expect((await request(app).post('/Gauges').send({ n: 1 })).status).toBe(200);
    expect(JSON.parse(JSON.stringify(options))).toEqual({
      prohibitHiddenPropertiesInQuery: true,
      maxDepthOfQuery: 12,
      maxDepthOfData: 32,
      ip: 'known',
    });
    expect(options.remotingContext.method.name).toBe('create');
  });
});

describe('remoting.errorHandler: how the REST API answers its errors', () => {
  function appWith(remoting: Record<string, unknown> | undefined) {
    const app: any = loopback({ localRegistry: true });
    if (remoting) app.set('remoting', remoting);
    app.dataSource('db', { connector: 'memory' });
    const Gadget: any = app.registry.createModel('Gadget', { name: 'string' });
    app.model(Gadget, { dataSource: 'db' });
    Gadget.explode = async () => {
      throw Object.assign(new Error('Kaboom'), { secret: 's3' });
    };
    Gadget.remoteMethod('explode', { http: { verb: 'get' } });
    app.use('/api', loopback.rest());
    return app;
  }

  it('with {debug: true}: the body carries the message, stack and every property of the error, 4xx and 5xx', async () => {
    const app = appWith({ errorHandler: { debug: true, log: false } });
    const boom = await request(app).get('/api/Gadgets/explode').expect(500);
    expect(boom.body.error).toMatchObject({
      statusCode: 500,
      name: 'Error',
      message: 'Kaboom',
      secret: 's3',
    });
    expect(boom.body.error.stack).toContain('Kaboom');
    const missing = await request(app).get('/api/Gadgets/7').expect(404);
    expect(missing.body.error).toMatchObject({
      statusCode: 404,
      status: 404,
      code: 'MODEL_NOT_FOUND',
      message: 'Unknown "Gadget" id "7".',
    });
  });

  it('by default, and with {debug: false}: a 5xx body has no message, stack or extra property', async () => {
    for (const app of [appWith(undefined), appWith({ errorHandler: { debug: false, log: false } })]) {
      const boom = await request(app).get('/api/Gadgets/explode').expect(500);
      expect(boom.body.error).toEqual({ statusCode: 500, message: 'Internal Server Error' });
      const missing = await request(app).get('/api/Gadgets/7').expect(404);
      expect(missing.body.error).toMatchObject({ statusCode: 404, code: 'MODEL_NOT_FOUND' });
      expect(missing.body.error.stack).toBeUndefined();
    }
  });

  it('lets a handler answer an error itself or pass it on, and leaves errors to the app with rest.handleErrors: false', async () => {
    const app = appWith({
      errorHandler: {
        log: false,
        handler(err: any, _req: unknown, res: any, defaultHandler: () => void) {
          if (err.statusCode === 404) return res.status(404).json({ gone: true });
          defaultHandler();
        },
      },
    });
    await request(app).get('/api/Gadgets/7').expect(404, { gone: true });
    await request(app).get('/api/Gadgets/explode').expect(500);

    const own = appWith({ errorHandler: { debug: true }, rest: { handleErrors: false } });
    own.use((err: any, _req: unknown, res: any, _next: unknown) =>
      res.status(599).json({ mine: err.message }),
    );
    await request(own).get('/api/Gadgets/explode').expect(599, { mine: 'Kaboom' });
  });
});

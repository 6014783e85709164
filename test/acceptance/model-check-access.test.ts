import request from 'supertest';
import loopback from '../../src';

/**
 * The REST authorizer asks `Model.checkAccess(token, modelId, sharedMethod, ctx, cb)`, so an LB3
 * app that overrides it (to log, to add a rule of its own, to wrap the built-in one) decides its
 * model's calls, before any before-remote hook runs.
 */

const DENY_EVERYONE = { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' };

function makeApp() {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  const ds = app.dataSource('db', { connector: 'memory' });
  const reg = app.registry;
  const Widget = reg.createModel({ name: 'Widget', properties: { name: 'string' }, acls: [DENY_EVERYONE] });
  const Part = reg.createModel({
    name: 'Part',
    properties: { name: 'string', widgetId: 'number' },
    acls: [DENY_EVERYONE],
  });
  Widget.hasMany(Part, { as: 'parts', foreignKey: 'widgetId' });
  for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping'])
    app.model(reg.getModel(name), { dataSource: ds, public: false });
  app.model(Widget, { dataSource: ds });
  app.model(Part, { dataSource: ds });
  app.enableAuth();
  app.middleware('auth', loopback.token());
  app.use('/api', loopback.rest());
  app.use((err: any, _req: any, res: any, _next: any) =>
    res.status(err.statusCode || 500).json({ error: { statusCode: err.statusCode, code: err.code } }),
  );
  return app;
}

describe('an app that overrides Model.checkAccess', () => {
  it('decides the call (callback style), is asked with the token, id and shared method, and runs before the before-remote hooks', async () => {
    const app = makeApp();
    const { Widget } = app.models;
    await Widget.create({ name: 'w1' });
    const order: string[] = [];
    const asked: unknown[][] = [];
    let allow = true;
    Widget.checkAccess = function (
      token: unknown,
      modelId: unknown,
      method: any,
      ctx: any,
      cb: (err: Error | null, ok?: boolean) => void,
    ) {
      order.push('checkAccess');
      asked.push([token, modelId, method.name, typeof ctx.req]);
      setImmediate(() => cb(null, allow));
    };
    Widget.beforeRemote('**', (_ctx: unknown, _unused: unknown, next: () => void) => {
      order.push('beforeRemote');
      next();
    });
    const ok = await request(app).get('/api/Widgets/1');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: 1, name: 'w1' });
    expect(order).toEqual(['checkAccess', 'beforeRemote']);
    expect(asked).toEqual([[null, 1, 'findById', 'object']]);
    allow = false;
    const denied = await request(app).get('/api/Widgets/1');
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe('AUTHORIZATION_REQUIRED');
    expect(order).toEqual(['checkAccess', 'beforeRemote', 'checkAccess']);
  });

  it('a promise-returning override decides too; an error it raises is the answer and the method does not run', async () => {
    const app = makeApp();
    const { Widget } = app.models;
    Widget.checkAccess = async () => false;
    expect((await request(app).post('/api/Widgets').send({ name: 'x' })).status).toBe(401);
    Widget.checkAccess = async () => {
      throw Object.assign(new Error('rules store down'), { statusCode: 503, code: 'RULES_DOWN' });
    };
    const failed = await request(app).post('/api/Widgets').send({ name: 'x' });
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('RULES_DOWN');
    expect(await Widget.count()).toBe(0);
  });

  it("an override wrapping the built-in one keeps the model's rules", async () => {
    const app = makeApp();
    const { Widget } = app.models;
    const builtin = Widget.checkAccess;
    const seen: string[] = [];
    Widget.checkAccess = function (
      this: any,
      token: unknown,
      modelId: unknown,
      method: any,
      ctx: unknown,
      cb: (err: Error | null, ok?: boolean) => void,
    ) {
      seen.push(method.name);
      return builtin.call(this, token, modelId, method, ctx, cb);
    };
    expect((await request(app).get('/api/Widgets')).status).toBe(401);
    expect(seen).toEqual(['find']);
  });

  it("what the override allows still passes loopline's checks of relation targets", async () => {
    const app = makeApp();
    const { Widget, Part } = app.models;
    await Widget.create({ name: 'w1' });
    await Part.create({ name: 'p1', widgetId: 1 });
    Widget.checkAccess = async () => true;
    expect((await request(app).get('/api/Widgets/1')).status).toBe(200);
    // Part denies everyone: neither its relation endpoint nor an include of it opens.
    expect((await request(app).get('/api/Widgets/1/parts')).status).toBe(401);
    expect(
      (
        await request(app).get(
          '/api/Widgets?filter=' + encodeURIComponent(JSON.stringify({ include: 'parts' })),
        )
      ).status,
    ).toBe(401);
  });
});

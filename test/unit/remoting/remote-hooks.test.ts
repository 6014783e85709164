import request from 'supertest';
import loopback from '../../../src';

/**
 * Remote hooks, remote method options and class routing, as observed on LB3 for the same app:
 * hook order (exact name, then `*`, then `**`, model and app hooks interleaved by pattern),
 * hook arguments, `http.status`/`errorStatus`, header/req/http-function arguments, named
 * returns, `http.path`, `plural`, `replaceOnPUT: false` and `disableRemoteMethodByName`.
 */
function buildApp() {
  const app = loopback();
  app.dataSource('db', { connector: 'memory' });
  const log: string[] = [];
  const Thing: any = loopback.createModel({
    name: 'Thing',
    base: 'PersistedModel',
    properties: { name: 'string' },
    http: { path: '/stuff' },
    replaceOnPUT: false,
  } as any);
  app.model(Thing, { dataSource: 'db' });
  const Other: any = loopback.createModel({
    name: 'Other',
    base: 'PersistedModel',
    plural: 'others2',
    properties: { name: 'string' },
  } as any);
  app.model(Other, { dataSource: 'db' });

  Thing.beforeRemote('create', (ctx: any, second: unknown, next: () => void) => {
    log.push(
      `model before create second=${JSON.stringify(second)} data=${JSON.stringify(ctx.args.data)} method=${ctx.method.name} instance=${ctx.instance}`,
    );
    next();
  });
  Thing.beforeRemote(
    '*',
    (ctx: any, _u: unknown, next: () => void) => (log.push(`model before * ${ctx.method.name}`), next()),
  );
  Thing.beforeRemote(
    'prototype.*',
    (ctx: any, _u: unknown, next: () => void) => (
      log.push(`model before prototype.* ${ctx.method.name} instance=${ctx.instance?.id}`),
      next()
    ),
  );
  Thing.beforeRemote('**', async (ctx: any) => {
    log.push(`model before ** ${ctx.method.name}`);
  });
  app
    .remotes()
    .before('**', (ctx: any, next: () => void) => (log.push(`app before ** ${ctx.method.name}`), next()));
  app
    .remotes()
    .before(
      'Thing.*',
      (ctx: any, next: () => void) => (log.push(`app before Thing.* ${ctx.method.name}`), next()),
    );
  app
    .remotes()
    .after('**', (ctx: any, next: () => void) => (log.push(`app after ** ${ctx.method.name}`), next()));
  Thing.afterRemote(
    '*',
    (ctx: any, result: unknown, next: () => void) => (
      log.push(`model after * ${ctx.method.name} result=${JSON.stringify(result)}`),
      next()
    ),
  );
  Thing.afterRemote(
    'prototype.patchAttributes',
    (ctx: any, result: unknown, next: () => void) => (
      log.push(`model after patchAttributes same=${result === ctx.result}`),
      next()
    ),
  );
  Thing.afterRemoteError(
    '*',
    (ctx: any, next: () => void) => (
      log.push(`model afterError * ${ctx.method.name} ${ctx.error.message}`),
      next()
    ),
  );
  app
    .remotes()
    .afterError(
      '**',
      (ctx: any, next: () => void) => (log.push(`app afterError ** ${ctx.method.name}`), next()),
    );

  Thing.fail = (cb: (err: Error) => void) => cb(new Error('nope'));
  Thing.remoteMethod('fail', { http: { verb: 'get' } });
  Thing.made = (n: string, req: any, x: number, cb: (err: null, n: string, x: number) => void) =>
    cb(null, n, x + (req.method === 'POST' ? 1 : 0));
  Thing.remoteMethod('made', {
    http: { verb: 'post', status: 201 },
    accepts: [
      { arg: 'n', type: 'string', http: { source: 'header' } },
      { arg: 'req', type: 'object', http: { source: 'req' } },
      { arg: 'x', type: 'number', http: () => 42 },
    ],
    returns: [
      { arg: 'n', type: 'string' },
      { arg: 'x', type: 'number' },
    ],
  });
  Thing.bad = (cb: (err: Error) => void) => cb(new Error('teapot'));
  Thing.remoteMethod('bad', { http: { verb: 'get', errorStatus: 418 } });
  Thing.nothing = (cb: () => void) => cb();
  Thing.remoteMethod('nothing', { http: { verb: 'get' } });
  Thing.disableRemoteMethodByName('deleteById');
  app.use('/api', loopback.rest());
  return { app, log };
}

describe('remote hooks and remote method options', () => {
  const { app, log } = buildApp();
  beforeEach(() => {
    log.length = 0;
  });

  it('runs static hooks from the most specific pattern to `**`, then after hooks likewise', async () => {
    const res = await request(app).post('/api/stuff').send({ name: 'a' });
    expect([res.status, res.body]).toEqual([200, { name: 'a', id: 1 }]);
    expect(log).toEqual([
      'model before create second={} data={"name":"a"} method=create instance=undefined',
      'model before * create',
      'app before Thing.* create',
      'model before ** create',
      'app before ** create',
      'model after * create result={"name":"a","id":1}',
      'app after ** create',
    ]);
  });

  it('runs prototype hooks with ctx.instance loaded; replaceOnPUT:false maps PUT /:id to patchAttributes', async () => {
    for (const verb of ['patch', 'put'] as const) {
      log.length = 0;
      const res = await (request(app) as any)[verb]('/api/stuff/1').send({ name: verb });
      expect([res.status, res.body]).toEqual([200, { name: verb, id: 1 }]);
      expect(log).toEqual([
        'model before prototype.* patchAttributes instance=1',
        'model before ** patchAttributes',
        'app before ** patchAttributes',
        'model after patchAttributes same=true',
        'app after ** patchAttributes',
      ]);
    }
  });

  it('runs error hooks (model and app) when the method fails; an unknown error is a bare 500', async () => {
    const res = await request(app).get('/api/stuff/fail');
    expect([res.status, res.body]).toEqual([
      500,
      { error: { statusCode: 500, message: 'Internal Server Error' } },
    ]);
    expect(log).toEqual([
      'model before * fail',
      'app before Thing.* fail',
      'model before ** fail',
      'app before ** fail',
      'model afterError * fail nope',
      'app afterError ** fail',
    ]);
  });

  it('uses http.errorStatus for an error without a status', async () => {
    const res = await request(app).get('/api/stuff/bad');
    expect([res.status, res.body]).toEqual([
      418,
      { error: { statusCode: 418, name: 'Error', message: 'teapot' } },
    ]);
  });

  it('takes header, req and http-function arguments, answers named returns with http.status', async () => {
    const res = await request(app).post('/api/stuff/made').set('n', 'hdr');
    expect([res.status, res.body]).toEqual([201, { n: 'hdr', x: 43 }]);
    expect(log.at(-2)).toBe('model after * made result={"n":"hdr","x":43}');
  });

  it('answers 204 for a method that returns nothing', async () => {
    const res = await request(app).get('/api/stuff/nothing');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('drops a method disabled by name', async () => {
    const res = await request(app).delete('/api/stuff/1');
    expect([res.status, res.body.error.message]).toEqual([
      404,
      'Shared class "Thing" has no method handling DELETE /1',
    ]);
  });

  it('routes by http.path and plural instead of the model name', async () => {
    expect((await request(app).get('/api/others2')).body).toEqual([]);
    const res = await request(app).get('/api/Things');
    expect([res.status, res.body.error.message]).toEqual([404, 'There is no method to handle GET /Things']);
  });
});

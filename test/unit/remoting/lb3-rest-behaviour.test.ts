import request from 'supertest';
import loopback from '../../../src';

/**
 * Requests whose answers were observed on LB3 3.28 for the same app: route precedence of a
 * `verb: "all"` method, the after-remote hook of findById on a missing id, a body argument with no
 * body, a `file` return with a Content-Type header return, and 406 for an Accept header no
 * supported type satisfies.
 */
function build() {
  const app: any = loopback({ localRegistry: true });
  app.dataSource('db', { connector: 'memory' });
  const Meter = app.registry.createModel('Meter', { n: 'number' }, { base: 'PersistedModel' });
  app.model(Meter, { dataSource: 'db' });
  Meter.catchAll = async (id: unknown) => ({ all: id });
  Meter.remoteMethod('catchAll', {
    accepts: { arg: 'id', type: 'any', http: { source: 'path' } },
    returns: { arg: 'r', type: 'object', root: true },
    http: { verb: 'all', path: '/:id' },
  });
  Meter.echo = async (data: unknown) => ({ data, t: typeof data });
  Meter.remoteMethod('echo', {
    accepts: { arg: 'data', type: 'object', http: { source: 'body' } },
    returns: { arg: 'r', type: 'object', root: true },
    http: { verb: 'post' },
  });
  Meter.file = async () => ['hello file', 'text/plain'];
  Meter.remoteMethod('file', {
    returns: [
      { arg: 'body', type: 'file', root: true },
      { arg: 'Content-Type', type: 'string', http: { target: 'header' } },
    ],
    http: { verb: 'get' },
  });
  Meter.made = async () => [{ a: 1 }, 3, 201];
  Meter.remoteMethod('made', {
    returns: [
      { arg: 'data', type: 'object', root: true },
      { arg: 'X-Count', type: 'number', http: { target: 'header' } },
      { arg: 'code', type: 'number', http: { target: 'status' } },
    ],
    http: { verb: 'get' },
  });
  Meter.named = async () => [5, 'v'];
  Meter.remoteMethod('named', {
    returns: [
      { arg: 'n', type: 'number' },
      { arg: 'x-tag', type: 'string', http: { target: 'header' } },
    ],
    http: { verb: 'get' },
  });
  const log: unknown[] = [];
  Meter.afterRemote('named', (ctx: any, _r: unknown, next: () => void) => {
    log.push(['named result', ctx.result]);
    next();
  });
  Meter.afterRemote('findById', (_ctx: any, res: unknown, next: () => void) => {
    log.push(['after', res === null ? 'null' : typeof res]);
    next();
  });
  Meter.afterRemoteError('findById', (ctx: any, next: () => void) => {
    log.push(['afterError', ctx.error.statusCode]);
    next();
  });
  app.use(loopback.rest());
  return { app, Meter, log };
}

describe('REST behaviour observed on LB3', () => {
  let t: ReturnType<typeof build>;
  beforeAll(async () => {
    t = build();
    await t.Meter.create({ n: 1 });
  });

  it('a verb "all" method comes after the routes of each verb', async () => {
    expect((await request(t.app).get('/Meters/1')).body).toEqual({ n: 1, id: 1 });
    expect((await request(t.app).put('/Meters/1').send({ n: 2 })).body).toEqual({ n: 2, id: 1 });
    const post = await request(t.app).post('/Meters/1');
    expect([post.status, post.body]).toEqual([200, { all: 1 }]);
  });

  it('the after-remote hook of findById runs with a null result, then the answer is 404', async () => {
    t.log.length = 0;
    const res = await request(t.app).get('/Meters/99');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('MODEL_NOT_FOUND');
    expect(t.log).toEqual([['after', 'null']]);
  });

  it('a body argument with no body is an empty object', async () => {
    expect((await request(t.app).post('/Meters/echo')).body).toEqual({ data: {}, t: 'object' });
    expect(
      (await request(t.app).post('/Meters/echo').set('Content-Type', 'application/json').send('')).body,
    ).toEqual({ data: {}, t: 'object' });
  });

  it('a file return is sent as it is, with the Content-Type the method returned', async () => {
    const res = await request(t.app).get('/Meters/file');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('hello file');
  });

  it('returns with http.target set a header or the status instead of a body property', async () => {
    const made = await request(t.app).get('/Meters/made');
    expect([made.status, made.headers['x-count'], made.body]).toEqual([201, '3', { a: 1 }]);
    t.log.length = 0;
    const named = await request(t.app).get('/Meters/named');
    expect([named.status, named.headers['x-tag'], named.body]).toEqual([200, 'v', { n: 5 }]);
    expect(t.log).toEqual([['named result', { n: 5 }]]);
  });

  it('406 for an Accept header no supported type satisfies', async () => {
    for (const accept of ['text/csv', 'text/html', 'text/plain', 'application/xml']) {
      const res = await request(t.app).get('/Meters').set('Accept', accept);
      expect([accept, res.status]).toEqual([accept, 406]);
    }
    // LB3 ran the method, then refused to send its result; here nothing runs.
    const before = await t.Meter.count();
    const create = await request(t.app).post('/Meters').set('Accept', 'text/csv').send({ n: 5 });
    expect([create.status, create.body.error?.code]).toEqual([406, 'NOT_ACCEPTABLE']);
    expect(await t.Meter.count()).toBe(before);
    expect((await request(t.app).get('/Meters?_format=xml')).status).toBe(406);
    expect((await request(t.app).get('/Meters?_format=json')).status).toBe(200);
    for (const accept of ['*/*', 'application/json', 'text/html, application/json;q=0.5']) {
      const res = await request(t.app).get('/Meters').set('Accept', accept);
      expect([accept, res.status, res.headers['content-type']]).toEqual([
        accept,
        200,
        'application/json; charset=utf-8',
      ]);
    }
  });
});

import request from 'supertest';
import loopback from '../../src';

/**
 * LB3's `remoting.errorHandler` (strong-error-handler's options for REST errors), honoured when the
 * app mounts no error handler of its own: LB3 package test suites set `{debug: true, log: false}`
 * to read the messages of 5xx errors.
 */
function givenApp(remoting?: Record<string, unknown>): any {
  const app: any = loopback({ localRegistry: true } as any);
  if (remoting) app.set('remoting', remoting);
  app.dataSource('db', { connector: 'memory' });
  const Widget = app.registry.createModel({
    name: 'Widget',
    base: 'PersistedModel',
    properties: { name: 'string' },
  });
  app.model(Widget, { dataSource: 'db' });
  Widget.explode = async () => {
    throw new Error('the widget exploded at /srv/secret/path');
  };
  Widget.remoteMethod('explode', { http: { verb: 'get' }, returns: { arg: 'x', type: 'string' } });
  app.use('/api', loopback.rest());
  return app;
}

describe('remoting.errorHandler', () => {
  it("hides a 5xx error's message by default", async () => {
    const res = await request(givenApp()).get('/api/Widgets/explode').expect(500);
    expect(res.body.error).toEqual({ statusCode: 500, message: 'Internal Server Error' });
  });

  it('shows its message and stack with debug: true, as LB3', async () => {
    const res = await request(givenApp({ errorHandler: { debug: true, log: false } }))
      .get('/api/Widgets/explode')
      .expect(500);
    expect(res.body.error).toMatchObject({
      statusCode: 500,
      name: 'Error',
      message: 'the widget exploded at /srv/secret/path',
    });
    expect(res.body.error.stack).toContain('the widget exploded');
  });

  it('keeps 4xx bodies as they were, and hides 5xx with debug: false', async () => {
    const app = givenApp({ errorHandler: { debug: false } });
    const missing = await request(app).get('/api/Widgets/42').expect(404);
    expect(missing.body.error).toMatchObject({ statusCode: 404, code: 'MODEL_NOT_FOUND' });
    const res = await request(app).get('/api/Widgets/explode').expect(500);
    expect(res.body.error).toEqual({ statusCode: 500, message: 'Internal Server Error' });
  });

  it('runs a handler function first, which may answer or pass another error on', async () => {
    const seen: string[] = [];
    const app = givenApp({
      errorHandler: {
        handler: (err: any, req: any, res: any, next: (e?: unknown) => void) => {
          seen.push(err.message);
          if (req.query.answer) return res.status(503).json({ custom: true });
          next(Object.assign(new Error('replaced'), { statusCode: 418 }));
        },
      },
    });
    const answered = await request(app).get('/api/Widgets/explode?answer=1').expect(503);
    expect(answered.body).toEqual({ custom: true });
    const replaced = await request(app).get('/api/Widgets/explode').expect(418);
    expect(replaced.body.error).toMatchObject({ statusCode: 418, message: 'replaced' });
    expect(seen).toEqual([
      'the widget exploded at /srv/secret/path',
      'the widget exploded at /srv/secret/path',
    ]);
  });
});

import request from 'supertest';
import loopback from '../../src';
import { boot } from '../../src/boot';
import { StoreUnavailableError } from '../../src/errors';
import { REPO_ROOT } from '../support/example-app';

/**
 * An app whose middleware.json mounts `"strong-error-handler": {}` (as every LB3 app does): in
 * production mode a 503 STORE_UNAVAILABLE keeps its code, so a client can tell "retry later"
 * from a fault; any other 5xx shows status and message only, as before.
 */
async function appWith(handlerParams?: Record<string, unknown>): Promise<any> {
  const app = loopback();
  await boot(app, {
    appRootDir: `${REPO_ROOT}/server`,
    config: { restApiRoot: '/api' },
    dataSources: { db: { name: 'db', connector: 'memory' } },
    models: {},
    middleware: {
      routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
      final: { 'loopback#urlNotFound': {} },
      // log: false only keeps the test output quiet; the rest is the handler's defaults.
      'final:after': { 'strong-error-handler': { params: { log: false, ...handlerParams } } },
    },
    bootScripts: [],
  });
  const Probe = app.registry.createModel({ name: 'Probe', base: 'Model' });
  Object.assign(Probe, {
    down: async () => {
      throw new StoreUnavailableError(
        'The postgresql store cannot be reached (connect ECONNREFUSED 10.0.0.5:5432); retry later',
      );
    },
  });
  Probe.remoteMethod('down', {
    http: { verb: 'get', path: '/down' },
    returns: { arg: 'r', type: 'object', root: true },
  });
  Object.assign(Probe, {
    broken: async () => {
      throw Object.assign(new Error('relation "secret_table" does not exist'), { code: '42P01' });
    },
  });
  Probe.remoteMethod('broken', {
    http: { verb: 'get', path: '/broken' },
    returns: { arg: 'r', type: 'object', root: true },
  });
  app.model(Probe, { dataSource: null });
  return app;
}

describe('5xx bodies from the strong-error-handler of middleware.json', () => {
  it('keeps the code of a 503 STORE_UNAVAILABLE, not its message', async () => {
    const res = await request(await appWith()).get('/api/Probes/down');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: { statusCode: 503, message: 'Service Unavailable', code: 'STORE_UNAVAILABLE' },
    });
  });

  it('shows neither the code nor the message of any other 5xx', async () => {
    const res = await request(await appWith()).get('/api/Probes/broken');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { statusCode: 500, message: 'Internal Server Error' } });
  });

  it('keeps the params given, safeFields included', async () => {
    const app = await appWith({ safeFields: ['code'] });
    expect((await request(app).get('/api/Probes/broken')).body.error).toEqual({
      statusCode: 500,
      message: 'Internal Server Error',
      code: '42P01',
    });
    expect((await request(app).get('/api/Probes/down')).body.error.code).toBe('STORE_UNAVAILABLE');
  });
});

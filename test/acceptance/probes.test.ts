import request from 'supertest';
import loopback from '../../src';
import { describeStore, Relay, STORES } from '../connectors/stores';

/** `GET /health` and `GET /ready`: liveness without a store, readiness as a ping of every data source. */
describe('health and readiness probes', () => {
  it('answers /health with 200 {status: UP} without touching a store', async () => {
    const app = loopback();
    app.dataSource('db', { connector: 'memory' });
    const ping = jest.spyOn(app.dataSources.db, 'ping');
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(ping).not.toHaveBeenCalled();
  });

  it('answers /ready with 200 and each data source once, under its name', async () => {
    const app = loopback();
    app.dataSource('db', { connector: 'memory' });
    app.dataSource('other', { connector: 'memory' });
    const res = await request(app).get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP', dataSources: { db: 'UP', other: 'UP' } });
  });

  it('takes its paths from config.json "probes", and turns them off with false', async () => {
    const app = loopback();
    app.set('probes', { health: '/livez', ready: false });
    app.get('/ready', (_req: any, res: any) => res.send('app route'));
    expect((await request(app).get('/livez')).body).toEqual({ status: 'UP' });
    expect((await request(app).get('/health')).status).toBe(404);
    expect((await request(app).get('/ready')).text).toBe('app route');

    app.set('probes', false);
    expect((await request(app).get('/livez')).status).toBe(404);
  });

  it('leaves other methods and longer paths to the app', async () => {
    const app = loopback();
    expect((await request(app).post('/health')).status).toBe(404);
    expect((await request(app).get('/health/x')).status).toBe(404);
    expect((await request(app).get('/health?verbose=1')).body).toEqual({ status: 'UP' });
  });

  for (const store of STORES.filter((s) => s.name !== 'memory')) {
    describeStore(store, () => {
      const relay = new Relay(String(store.settings.host), Number(store.settings.port));
      let app: any;
      beforeAll(async () => {
        await relay.start();
        app = loopback();
        app.set('probes', { timeout: 1500 });
        app.dataSource('db', { connector: 'memory' });
        app.dataSource('sql', { ...store.settings, port: relay.port, connectionTimeout: 1000, connectTimeout: 1000 });
      });
      afterAll(async () => {
        await app.dataSources.sql.disconnect().catch(() => undefined);
        await relay.stop();
      });

      it('is ready while the store answers, 503 NOT_READY naming it when cut off, ready again after', async () => {
        expect((await request(app).get('/ready')).body).toEqual({ status: 'UP', dataSources: { db: 'UP', sql: 'UP' } });

        await relay.stop();
        const started = Date.now();
        const down = await request(app).get('/ready');
        expect(Date.now() - started).toBeLessThan(2500);
        expect(down.status).toBe(503);
        expect(down.body.status).toBe('DOWN');
        expect(down.body.dataSources).toEqual({ db: 'UP', sql: 'DOWN' });
        expect(down.body.error).toMatchObject({ statusCode: 503, code: 'NOT_READY' });
        expect(down.body.error.message).toContain('"sql"');
        expect(Object.keys(down.body.error.details)).toEqual(['sql']);
        expect((await request(app).get('/health')).status).toBe(200);

        await relay.start();
        expect((await request(app).get('/ready')).status).toBe(200);
      }, 20000);
    });
  }
});

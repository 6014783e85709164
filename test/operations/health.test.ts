import net from 'net';
import request from 'supertest';
import loopback from '../../src';

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function appWith(settings: Record<string, unknown> = {}): any {
  const app = loopback({ localRegistry: true } as any);
  for (const [k, v] of Object.entries(settings)) app.set(k, v);
  app.dataSource('db', { connector: 'memory' });
  const Note = app.registry.createModel('Note', { title: 'string' });
  app.model(Note, { dataSource: 'db' });
  app.use('/api', loopback.rest());
  return app;
}

describe('GET /health and GET /ready', () => {
  it('answers liveness without touching a store', async () => {
    const res = await request(appWith()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('is ready when every data source answers a ping, naming each', async () => {
    const res = await request(appWith()).get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP', dataSources: { db: 'UP' } });
  });

  it('answers 503 NOT_READY naming the data source that did not answer', async () => {
    const app = appWith({ health: { timeout: 3000 } });
    app.dataSource('orders', {
      connector: 'postgresql',
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'postgres',
      database: 'postgres',
      connectionTimeout: 1000,
    });
    const res = await request(app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('NOT_READY');
    expect(res.body.error.message).toBe(
      'Data source orders did not answer a ping; the server is not ready for traffic',
    );
    expect(res.body.error.details.dataSources).toEqual({ db: 'UP', orders: 'DOWN' });
    expect(res.body.error.details.failed).toEqual(['orders']);
    // Where the store lives (host, port) is not the public's business.
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    await app.dataSources.orders.disconnect();
  });

  it('answers 503 NOT_READY when a shutdown begins while the stores are being pinged', async () => {
    const express = (await import('express')).default;
    const { healthEndpoints } = await import('../../src/loopback/app/operations/health');
    let stopping = false;
    const slowStore = { name: 'db', ping: () => new Promise<void>((resolve) => setTimeout(resolve, 150)) };
    const app = express();
    app.use(healthEndpoints({ get: () => undefined, dataSources: { db: slowStore as any } }, () => stopping));
    setTimeout(() => (stopping = true), 30);
    const res = await request(app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'NOT_READY', details: { shuttingDown: true } });
  });

  it('moves to configured paths, and the default ones are free again', async () => {
    const app = appWith({ health: { livenessPath: '/_live', readinessPath: '/_ready' } });
    expect((await request(app).get('/_live')).body).toEqual({ status: 'UP' });
    expect((await request(app).get('/_ready')).status).toBe(200);
    const res = await request(app).get('/health');
    expect(res.status).toBe(404);
  });

  it('can be turned off with `health: false`', async () => {
    const app = appWith({ health: false });
    expect((await request(app).get('/health')).status).toBe(404);
    expect((await request(app).get('/ready')).status).toBe(404);
  });

  it("leaves an app's own /health route in charge", async () => {
    const app = appWith();
    app.get('/health', (_req: any, res: any) => res.json({ mine: true }));
    expect((await request(app).get('/health')).body).toEqual({ mine: true });
  });

  it('answers only GET and HEAD', async () => {
    expect((await request(appWith()).post('/health')).status).toBe(404);
    expect((await request(appWith()).head('/health')).status).toBe(200);
  });
});

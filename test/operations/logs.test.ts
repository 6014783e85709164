import { Writable } from 'stream';
import request from 'supertest';
import loopback, { createLogger } from '../../src';
import { requestLogEnabled } from '../../src/loopback/app/operations/request-log';

/** A pino destination in memory: every line written, parsed. */
function memoryStream(): { stream: Writable; lines: () => any[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

const TOKEN = 'tok' + 'x'.repeat(61);

/**
 * An app whose logs go to memory: a Note model, `GET /boom` throwing a 500, `GET /teapot`
 * answering 418 through next(err), and the error handler of config.json's middleware (or none).
 */
function appWith(
  logging: Record<string, unknown>,
  options: { strongErrorHandler?: Record<string, unknown> } = {},
) {
  const app: any = loopback({ localRegistry: true } as any);
  app.set('logging', logging);
  const memory = memoryStream();
  app.logger = createLogger({ level: 'info', ...logging }, memory.stream);
  app.dataSource('db', { connector: 'memory' });
  const Note = app.registry.createModel('Note', { title: { type: 'string', required: true } });
  app.model(Note, { dataSource: 'db' });
  app.use(loopback.token());
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.use('/api', loopback.rest());
  if (options.strongErrorHandler) {
    app.use(loopback.urlNotFound());
    app.middlewareFromConfig(
      require('../../src/boot/middleware').resolveReference(
        'strong-error-handler',
        __dirname,
        __dirname,
        loopback,
        'middleware.json',
      ),
      {
        phase: 'final:after',
        params: options.strongErrorHandler,
      },
    );
  }
  return { app, ...memory };
}

describe('request lines (logging.requests: true)', () => {
  it('writes one line per request: method, URL without the token, status, responseTime, the X-Request-Id sent back', async () => {
    const { app, lines, text } = appWith({ requests: true });
    const res = await request(app)
      .get(`/api/Notes?access_token=${TOKEN}&page=2`)
      .set('Authorization', TOKEN)
      .set('Cookie', `access_token=${TOKEN}`);
    expect(res.status).toBe(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [line] = lines().filter((l) => l.reqId === id);
    expect(line).toMatchObject({
      level: 30,
      reqId: id,
      req: {
        method: 'GET',
        url: '/api/Notes?access_token=[redacted]&page=2',
        headers: { authorization: '[redacted]', cookie: '[redacted]' },
      },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(line.msg).toMatch(/^GET \/api\/Notes\?access_token=\[redacted\]&page=2 200 \d+ms$/);
    expect(lines().filter((l) => l.reqId === id)).toHaveLength(1);
    expect(text()).not.toContain(TOKEN);
  });

  it('echoes a plain incoming X-Request-Id into the line, and replaces one that is not', async () => {
    const { app, lines } = appWith({ requests: true });
    const echoed = await request(app).get('/api/Notes').set('X-Request-Id', 'edge-42.a');
    expect(echoed.headers['x-request-id']).toBe('edge-42.a');
    expect(lines().find((l) => l.reqId === 'edge-42.a')).toMatchObject({ res: { statusCode: 200 } });
    const replaced = await request(app).get('/health').set('X-Request-Id', 'bad id\u00e9{}');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('offers req.log to app code, its lines carrying the request id', async () => {
    const { app, lines } = appWith({ requests: true });
    app.get('/paid', (req: any, res: any) => {
      req.log.info({ orderId: 7 }, 'order paid');
      res.json({ ok: true });
    });
    const res = await request(app).get('/paid');
    expect(lines().find((l) => l.msg === 'order paid')).toMatchObject({
      orderId: 7,
      reqId: res.headers['x-request-id'],
    });
  });

  it('logs a 4xx in its request line with the code and message, without a stack', async () => {
    const { app, lines } = appWith({ requests: true });
    const missing = await request(app).get('/api/Notes/42');
    expect(missing.status).toBe(404);
    const invalid = await request(app).post('/api/Notes').send({});
    expect(invalid.status).toBe(422);
    const logged = lines();
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 30,
      reqId: missing.headers['x-request-id'],
      res: { statusCode: 404 },
      err: { code: 'MODEL_NOT_FOUND', statusCode: 404 },
    });
    expect(logged[1]).toMatchObject({
      level: 30,
      res: { statusCode: 422 },
      err: { code: 'VALIDATION_FAILED', statusCode: 422 },
    });
    for (const line of logged) expect(line.err.stack).toBeUndefined();
  });

  it('logs a 5xx once, at error level, with its stack and request id', async () => {
    const { app, lines } = appWith({ requests: true });
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 50,
      reqId: res.headers['x-request-id'],
      res: { statusCode: 500 },
      err: { message: 'kaboom', type: 'Error' },
    });
    expect(logged[0].err.stack).toContain('Error: kaboom');
    expect(logged[0].err.stack).toContain('logs.test.ts');
  });

  it('leaves out the stack pino-http would make up for a 5xx no handler reported', async () => {
    const { app, lines } = appWith({ requests: true });
    app.get('/plain-503', (_req: any, res: any) => res.status(503).json({ down: true }));
    const res = await request(app).get('/plain-503');
    expect(res.status).toBe(503);
    const [line] = lines();
    expect(line).toMatchObject({ level: 50, res: { statusCode: 503 } });
    expect(line.err).toBeUndefined();
  });
});

describe('error lines (request lines off, the default)', () => {
  it('sends no X-Request-Id and writes nothing for a request that succeeds', async () => {
    const { app, lines } = appWith({});
    const res = await request(app).get('/api/Notes');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBeUndefined();
    expect(lines()).toEqual([]);
  });

  it('logs a 4xx in one info line without a stack, through the default error handler', async () => {
    const { app, lines } = appWith({});
    const res = await request(app).get(`/api/Notes/42?access_token=${TOKEN}`);
    expect(res.status).toBe(404);
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      reqId: res.headers['x-request-id'],
      req: { method: 'GET', url: '/api/Notes/42?access_token=[redacted]' },
      err: { code: 'MODEL_NOT_FOUND', statusCode: 404 },
    });
    expect(logged[0].err.stack).toBeUndefined();
    expect(JSON.stringify(logged)).not.toContain(TOKEN);
  });

  it('logs a 5xx once with its stack, and sends its request id back as X-Request-Id', async () => {
    const { app, lines } = appWith({});
    const res = await request(app).get('/boom').set('X-Request-Id', 'trace-7');
    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBe('trace-7');
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 50,
      reqId: 'trace-7',
      req: { method: 'GET', url: '/boom' },
      err: { message: 'kaboom' },
    });
    expect(logged[0].err.stack).toContain('Error: kaboom');
    expect(logged[0].msg).toBe('Request GET /boom failed: 500 kaboom');
  });

  it("replaces strong-error-handler's console lines from middleware.json: 4xx without stack, 5xx once with it", async () => {
    const { app, lines } = appWith({}, { strongErrorHandler: {} });
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const denied = await request(app).get('/nowhere');
      expect(denied.status).toBe(404);
      const invalid = await request(app).post('/api/Notes').send({});
      expect(invalid.status).toBe(422);
      const boom = await request(app).get('/boom');
      expect(boom.status).toBe(500);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
    const logged = lines();
    expect(logged.map((l) => [l.level, l.err.statusCode ?? 500])).toEqual([
      [30, 404],
      [30, 422],
      [50, 500],
    ]);
    expect(logged[0].err.stack).toBeUndefined();
    expect(logged[1].err.stack).toBeUndefined();
    expect(logged[2].err.stack).toContain('Error: kaboom');
    expect(logged[2].reqId).toEqual(expect.any(String));
  });

  it('writes nothing for the errors of a strong-error-handler given log: false', async () => {
    const { app, lines } = appWith({}, { strongErrorHandler: { log: false } });
    expect((await request(app).get('/boom')).status).toBe(500);
    expect(lines()).toEqual([]);
  });

  it('writes nothing below the configured level', async () => {
    const { app, lines } = appWith({ level: 'error' });
    expect((await request(app).get('/api/Notes/42')).status).toBe(404);
    expect(lines()).toEqual([]);
    expect((await request(app).get('/boom')).status).toBe(500);
    expect(lines()).toHaveLength(1);
  });
});

describe('app.logger', () => {
  it('is offered to app code and redacts passwords and authorization headers', () => {
    const memory = memoryStream();
    const logger = createLogger({ level: 'info' }, memory.stream);
    logger.info(
      { user: { email: 'a@b.c', password: 'hunter2' }, headers: { authorization: TOKEN } },
      'signed up',
    );
    expect(memory.lines()[0]).toMatchObject({
      msg: 'signed up',
      user: { email: 'a@b.c', password: '[redacted]' },
      headers: { authorization: '[redacted]' },
    });
    expect(memory.text()).not.toContain('hunter2');
  });

  it('is made from config.json `logging`, quiet under NODE_ENV=test by default', () => {
    const app: any = loopback({ localRegistry: true } as any);
    expect(app.logger.level).toBe('silent');
    const configured: any = loopback({ localRegistry: true } as any);
    configured.set('logging', { level: 'debug' });
    expect(configured.logger.level).toBe('debug');
  });

  it('refuses a level pino does not know, when the app starts', () => {
    const app: any = loopback({ localRegistry: true } as any);
    app.set('logging', { level: 'verbose' });
    expect(() => app.listen(0)).toThrow(
      /logging\.level must be one of trace, debug, info, warn, error, fatal, silent, not "verbose"/,
    );
    expect(() => createLogger({ requests: 'yes' } as any)).toThrow(/logging\.requests must be true or false/);
  });
});

describe('requestLogEnabled', () => {
  it('reads logging.requests, the older requestLog, and LOOPLINE_REQUEST_LOG over both', () => {
    expect(requestLogEnabled({ requests: true }, undefined, {})).toBe(true);
    expect(requestLogEnabled({ requests: false }, true, {})).toBe(false);
    expect(requestLogEnabled(undefined, true, {})).toBe(true);
    expect(requestLogEnabled(undefined, undefined, {})).toBe(false);
    expect(requestLogEnabled(undefined, undefined, { LOOPLINE_REQUEST_LOG: '1' })).toBe(true);
    expect(requestLogEnabled({ requests: true }, undefined, { LOOPLINE_REQUEST_LOG: '0' })).toBe(false);
  });
});

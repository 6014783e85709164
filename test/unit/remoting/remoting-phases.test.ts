import request from 'supertest';
import loopback from '../../../src';

/**
 * `app.remotes().phases`, strong-remoting's phase list: handlers an app adds run in phase order
 * around loopline's own steps (ACL check in `auth`; before hooks, the method and after hooks in
 * `invoke`), for every method invoked over REST.
 */
function buildApp(options: { auth?: boolean } = {}) {
  const app = loopback({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', { connector: 'memory' });
  const log: string[] = [];
  const Note: any = app.registry.createModel({
    name: 'Note',
    base: 'PersistedModel',
    properties: { title: 'string' },
  } as any);
  app.model(Note, { dataSource: 'db' });
  Note.beforeRemote(
    '**',
    (ctx: any, _u: unknown, next: () => void) => (log.push(`beforeRemote ${ctx.method.name}`), next()),
  );
  Note.afterRemote(
    '**',
    (ctx: any, _u: unknown, next: () => void) => (log.push(`afterRemote ${ctx.method.name}`), next()),
  );
  Note.afterRemoteError(
    '**',
    (ctx: any, next: () => void) => (log.push(`afterRemoteError ${ctx.error.message}`), next()),
  );
  Note.observe('access', async () => {
    log.push('query');
  });
  if (options.auth) {
    app.enableAuth({ dataSource: 'db' });
    Note.settings.acls = [
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY', property: 'deleteById' },
    ];
  }
  app.use('/api', loopback.rest());
  return { app, log, Note };
}

describe('app.remotes().phases', () => {
  it("starts with LB3's two phases, auth then invoke", () => {
    const { app } = buildApp();
    expect(app.remotes().phases.getPhaseNames()).toEqual(['auth', 'invoke']);
  });

  it('runs a handler of a phase added before invoke after the ACL check and before the beforeRemote hooks', async () => {
    const { app, log } = buildApp();
    app
      .remotes()
      .phases.addBefore('invoke', 'options-from-request')
      .use((ctx, next) => {
        log.push(`custom ${ctx.method.name} options=${typeof ctx.args.options}`);
        next();
      });
    await request(app).get('/api/Notes').expect(200, []);
    expect(log).toEqual(['custom find options=object', 'beforeRemote find', 'query', 'afterRemote find']);
  });

  it('runs before/use/after of a phase in that order, and the stages of invoke around the call', async () => {
    const { app, log } = buildApp();
    const phases = app.remotes().phases;
    const mine = phases.addAfter('auth', 'mine');
    mine.after(async () => void log.push('mine:after'));
    mine.use((_ctx, next) => (log.push('mine:use'), next()));
    mine.before((_ctx, next) => (log.push('mine:before'), next()));
    phases.find('invoke')!.before((_ctx, next) => (log.push('invoke:before'), next()));
    phases.registerHandler(
      'invoke:after',
      (ctx, next) => (log.push(`invoke:after result=${JSON.stringify(ctx.result)}`), next()),
    );
    phases.add('last').use((_ctx, next) => (log.push('last'), next()));
    expect(phases.getPhaseNames()).toEqual(['auth', 'mine', 'invoke', 'last']);

    await request(app).post('/api/Notes').send({ title: 'a' }).expect(200, { title: 'a', id: 1 });
    expect(log).toEqual([
      'mine:before',
      'mine:use',
      'mine:after',
      'beforeRemote create',
      'invoke:before',
      'afterRemote create',
      'invoke:after result={"title":"a","id":1}',
      'last',
    ]);
  });

  it('runs a handler in auth only after access was granted: a denied call never reaches it', async () => {
    const { app, log, Note } = buildApp({ auth: true });
    await Note.create({ title: 'kept' });
    app
      .remotes()
      .phases.find('auth')!
      .after((ctx, next) => (log.push(`auth:after ${ctx.method.name}`), next()));
    const res = await request(app).delete('/api/Notes/1').expect(401);
    expect(res.body.error.code).toBe('AUTHORIZATION_REQUIRED');
    expect(log).toEqual(['afterRemoteError Authorization Required']);
    expect(await Note.count()).toBe(1);
    await request(app).get('/api/Notes/1').expect(200, { title: 'kept', id: 1 });
    expect(log).toContain('auth:after findById');
  });

  it("ends the call with a handler's error: the method does not run and afterRemoteError hooks see it", async () => {
    const { app, log, Note } = buildApp();
    app
      .remotes()
      .phases.addBefore('invoke', 'quota')
      .use(async () => {
        throw Object.assign(new Error('Over quota'), { statusCode: 429, code: 'OVER_QUOTA' });
      });
    const res = await request(app).post('/api/Notes').send({ title: 'a' }).expect(429);
    expect(res.body.error).toMatchObject({ statusCode: 429, code: 'OVER_QUOTA', message: 'Over quota' });
    expect(log).toEqual(['afterRemoteError Over quota']);
    expect(await Note.count()).toBe(0);
  });

  it('limits a handler to the methods a pattern names (registerPhaseHandler)', async () => {
    const { app, log } = buildApp();
    app
      .remotes()
      .registerPhaseHandler(
        'invoke',
        'Note.prototype.*',
        (ctx, next) => (log.push(`only ${ctx.method.name}`), next()),
      );
    await request(app).post('/api/Notes').send({ title: 'a' }).expect(200);
    await request(app).patch('/api/Notes/1').send({ title: 'b' }).expect(200);
    expect(log.filter((l) => l.startsWith('only'))).toEqual(['only patchAttributes']);
  });

  it('refuses an unknown or duplicate phase and a handler that is not a function', () => {
    const { app } = buildApp();
    const phases = app.remotes().phases;
    expect(() => phases.addBefore('nosuch', 'x')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PHASE' }));
    expect(() => phases.registerHandler('nosuch:before', () => undefined)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PHASE' }),
    );
    expect(() => phases.add('auth')).toThrow(expect.objectContaining({ code: 'DUPLICATE_PHASE' }));
    expect(() => phases.find('auth')!.use('x' as any)).toThrow(
      expect.objectContaining({ code: 'INVALID_MIDDLEWARE' }),
    );
    expect(phases.findOrAdd('auth')).toBe(phases.find('auth'));
    expect(phases.getPhaseNames()).toEqual(['auth', 'invoke']);
  });
});

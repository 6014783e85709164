import request from 'supertest';
import loopback from '../../src';

/**
 * Replication over REST: the endpoints a tracked model gets (LB3's paths), what they answer, and
 * the access each needs — reading changes is READ, making a checkpoint REPLICATE, applying updates
 * WRITE — with LB3's replication ACL scenario: everyone denied, authenticated users READ, Alice
 * REPLICATE, Peter WRITE.
 */

const CAR_ACLS = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
  { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
  { principalType: 'USER', principalId: '1', permission: 'ALLOW', accessType: 'REPLICATE' },
  { principalType: 'USER', principalId: '2', permission: 'ALLOW', accessType: 'WRITE' },
];

async function makeApp() {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  const ds = app.dataSource('db', { connector: 'memory' });
  const reg = app.registry;
  for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping'])
    app.model(reg.getModel(name), { dataSource: ds, public: false });
  const Person = reg.getModel('User');
  const Car = reg.createModel({
    name: 'Car',
    properties: {
      id: { type: 'string', id: true, defaultFn: 'guid' },
      model: { type: 'string', required: true },
      maker: 'string',
      secret: 'string',
    },
    hidden: ['secret'],
    trackChanges: true,
    changeCleanupInterval: -1,
    acls: CAR_ACLS,
  });
  app.model(Car, { dataSource: ds });
  app.enableAuth();
  app.middleware('auth', loopback.token());
  app.use('/api', loopback.rest());
  const tokens: Record<string, string> = {};
  for (const id of ['alice', 'peter', 'emery']) {
    // alice is user 1, peter user 2, emery user 3
    await Person.create({ email: `${id}@t.io`, password: 'pass-word-1' });
    tokens[id] = (await Person.login({ email: `${id}@t.io`, password: 'pass-word-1' })).id;
  }
  await Car.create([
    { id: 'ford', maker: 'Ford', model: 'Mustang', secret: 's1' },
    { id: 'audi', maker: 'Audi', model: 'R8' },
  ]);
  return { app, Car, tokens };
}

describe('replication endpoints of a tracked model', () => {
  it('serves changes, checkpoints, diff, create-updates and the last change, hidden properties left out', async () => {
    const { app, Car, tokens } = await makeApp();
    const auth = { Authorization: tokens.alice };
    const changes = await request(app).get('/api/Cars/changes').query({ since: -1 }).set(auth);
    expect(changes.status).toBe(200);
    expect(changes.body.map((c: any) => c.modelId).sort()).toEqual(['audi', 'ford']);
    expect(changes.body[0]).toEqual(
      expect.objectContaining({ modelName: 'Car', checkpoint: 1, rev: expect.any(String) }),
    );

    const current = await request(app).get('/api/Cars/checkpoint').set(auth);
    expect([current.status, current.body]).toEqual([200, 1]);
    const made = await request(app).post('/api/Cars/checkpoint').set(auth);
    expect(made.status).toBe(200);
    expect(made.body.seq).toBe(2);

    const diff = await request(app)
      .post('/api/Cars/diff')
      .query({ since: -1 })
      .set(auth)
      .send([{ modelId: 'new-one', rev: 'r1', modelName: 'Car', checkpoint: 1 }]);
    expect(diff.status).toBe(200);
    expect(diff.body.conflicts).toEqual([]);
    expect(diff.body.deltas).toEqual([
      expect.objectContaining({ modelId: 'new-one', prev: null, rev: 'r1' }),
    ]);

    const updates = await request(app)
      .post('/api/Cars/create-updates')
      .set(auth)
      .send(changes.body.filter((c: any) => c.modelId === 'ford'));
    expect(updates.status).toBe(200);
    expect(updates.body).toEqual([
      expect.objectContaining({ type: 'create', data: { id: 'ford', maker: 'Ford', model: 'Mustang' } }),
    ]);

    const last = await request(app).get('/api/Cars/ford/changes/last').set(auth);
    expect(last.status).toBe(200);
    expect(last.body).toEqual(
      expect.objectContaining({ modelId: 'ford', rev: (await Car.findLastChange('ford')).rev }),
    );
  });

  it('guards each endpoint by its access type', async () => {
    const { app, tokens } = await makeApp();
    const as = (who?: string) => (who ? { Authorization: tokens[who] } : {});
    const status = async (
      who: string | undefined,
      verb: 'get' | 'post' | 'put',
      path: string,
      body?: unknown,
    ) => {
      const call = request(app)[verb](`/api/Cars${path}`);
      return (await call.set(as(who)).send(body as object)).status;
    };
    // anonymous: nothing
    expect(await status(undefined, 'get', '/changes')).toBe(401);
    expect(await status(undefined, 'post', '/checkpoint')).toBe(401);
    // READ only: reads, but no checkpoint and no writes
    expect(await status('emery', 'get', '/changes')).toBe(200);
    expect(await status('emery', 'post', '/checkpoint')).toBe(401);
    expect(await status('emery', 'post', '/bulk-update', { updates: [] })).toBe(401);
    expect(await status('emery', 'put', '/ford/changes/last', { prev: 'x' })).toBe(401);
    // REPLICATE: may pull (checkpoint) but not push
    expect(await status('alice', 'post', '/checkpoint')).toBe(200);
    expect(await status('alice', 'post', '/bulk-update', { updates: [] })).toBe(401);
    // WRITE: everything
    expect(await status('peter', 'post', '/checkpoint')).toBe(200);
    expect(await status('peter', 'post', '/bulk-update', { updates: [] })).toBe(204);
  });

  it('applies a bulk update from a writer, answers 409 on a stale one and 400 on a malformed one', async () => {
    const { app, Car, tokens } = await makeApp();
    const auth = { Authorization: tokens.peter };
    const ford = await Car.findLastChange('ford');
    const ok = await request(app)
      .post('/api/Cars/bulk-update')
      .set(auth)
      .send({
        updates: [
          {
            type: 'update',
            change: { modelId: 'ford', prev: ford.rev, rev: 'next' },
            data: { id: 'ford', maker: 'Ford', model: 'GT' },
          },
          {
            type: 'create',
            change: { modelId: 'vw', rev: 'r1' },
            data: { id: 'vw', maker: 'VW', model: 'Golf' },
          },
        ],
      });
    expect(ok.status).toBe(204);
    expect((await Car.findById('ford')).model).toBe('GT');
    expect((await Car.findById('vw')).model).toBe('Golf');

    const stale = await request(app)
      .post('/api/Cars/bulk-update')
      .set(auth)
      .send({
        updates: [
          {
            type: 'update',
            change: { modelId: 'ford', prev: ford.rev, rev: 'other' },
            data: { id: 'ford', model: 'Focus' },
          },
        ],
      });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('REPLICATION_CONFLICT');
    expect((await Car.findById('ford')).model).toBe('GT');

    const bad = await request(app)
      .post('/api/Cars/bulk-update')
      .set(auth)
      .send({ updates: [{ type: 'explode' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_UPDATE');
  });
});

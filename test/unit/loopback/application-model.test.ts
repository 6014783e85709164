import request from 'supertest';
import loopback from '../../../src';

/**
 * The built-in Application model (LB3's): registration, server-generated keys, key reset and
 * authentication by key, and its defaults — observed through the model API and in the store.
 */
const KEY_NAMES = ['clientKey', 'javaScriptKey', 'restApiKey', 'windowsKey', 'masterKey'];

function appModel(): any {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', { connector: 'memory' });
  const Application = app.registry.getModel('Application');
  app.model(Application, { dataSource: 'db' });
  return { app, Application };
}

/** The row as the store keeps it (not the instance the call answered). */
async function storedRow(Application: any, id: string): Promise<Record<string, unknown>> {
  const row = await Application.findById(id);
  return row.toObject();
}

describe('Application model', () => {
  it('registers an application with five distinct random keys, an id, timestamps and LB3 defaults', async () => {
    const { Application } = appModel();
    const registered = await Application.register('owner-1', 'Shop', { description: 'the shop app' });
    const row = await storedRow(Application, registered.id);
    expect(row).toMatchObject({
      owner: 'owner-1',
      name: 'Shop',
      description: 'the shop app',
      status: 'sandbox',
      anonymousAllowed: true,
      authenticationEnabled: true,
    });
    expect(typeof row.id).toBe('string');
    expect(row.created).toBeInstanceOf(Date);
    expect(row.modified).toBeInstanceOf(Date);
    const keys = KEY_NAMES.map((k) => row[k]);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(new Set(keys).size).toBe(5);
    // masterKey stays on the server: it is hidden from JSON.
    expect(registered.toJSON().masterKey).toBeUndefined();
  });

  it('answers through a callback too, and owner and name given as arguments win over options', (done) => {
    const { Application } = appModel();
    Application.register(
      'owner-2',
      'Real',
      { name: 'Other', owner: 'someone-else' },
      (err: Error | null, created: any) => {
        expect(err).toBeNull();
        expect([created.owner, created.name]).toEqual(['owner-2', 'Real']);
        done();
      },
    );
  });

  it('refuses a registration without owner or name with 400 INVALID_ARGUMENT and stores nothing', async () => {
    const { Application } = appModel();
    await expect(Application.register('', 'NoOwner')).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
    });
    await expect(Application.register('owner', undefined)).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
    });
    expect(await Application.count()).toBe(0);
  });

  it('ignores keys a caller supplies on create, and keeps keys when an application is saved again', async () => {
    const { Application } = appModel();
    const created = await Application.create({
      name: 'Chosen',
      clientKey: 'my-own-key',
      masterKey: 'guessable',
    });
    expect(created.clientKey).not.toBe('my-own-key');
    expect(created.masterKey).not.toBe('guessable');
    const before = await storedRow(Application, created.id);
    created.description = 'edited';
    await created.save();
    const after = await storedRow(Application, created.id);
    expect(after.description).toBe('edited');
    for (const k of KEY_NAMES) expect(after[k]).toBe(before[k]);
  });

  it('resetKeys replaces all five keys in the store, keeps the id and moves `modified`', async () => {
    const { Application } = appModel();
    const created = await Application.register('o', 'Reset');
    const before = await storedRow(Application, created.id);
    await new Promise((r) => setTimeout(r, 5));
    const reset = await Application.resetKeys(created.id);
    expect(reset.id).toBe(created.id);
    const after = await storedRow(Application, created.id);
    for (const k of KEY_NAMES) {
      expect(after[k]).not.toBe(before[k]);
      expect(after[k]).toBe(reset[k]);
    }
    expect((after.modified as Date).getTime()).toBeGreaterThan((before.modified as Date).getTime());
    expect(await Application.count()).toBe(1);
  });

  it('resetKeys of an unknown application fails with 404 MODEL_NOT_FOUND', async () => {
    const { Application } = appModel();
    await expect(Application.resetKeys('no-such-app')).rejects.toMatchObject({
      statusCode: 404,
      code: 'MODEL_NOT_FOUND',
    });
  });

  it('authenticate names the key type that matched, and answers null for a wrong key or application', async () => {
    const { Application } = appModel();
    const created = await Application.register('o', 'Auth');
    for (const k of KEY_NAMES) {
      const result = await Application.authenticate(created.id, created[k]);
      expect(result.keyType).toBe(k);
      expect(result.application.id).toBe(created.id);
    }
    expect(await Application.authenticate(created.id, 'invalid-key')).toBeNull();
    expect(await Application.authenticate(created.id, created.clientKey.slice(0, -1))).toBeNull();
    expect(await Application.authenticate(created.id, undefined)).toBeNull();
    expect(await Application.authenticate('no-such-app', created.clientKey)).toBeNull();
    // An old key stops working once the keys are reset.
    await Application.resetKeys(created.id);
    expect(await Application.authenticate(created.id, created.clientKey)).toBeNull();
  });

  it('keeps push settings as nested objects', async () => {
    const { Application } = appModel();
    const pushSettings = {
      apns: { production: false, certData: 'cert', pushOptions: { gateway: 'gw', port: 2195 } },
      gcm: { serverApiKey: 'k' },
    };
    const created = await Application.create({ name: 'Push', pushSettings });
    const found = await Application.findById(created.id);
    expect(found.pushSettings.toObject()).toEqual(pushSettings);
  });

  it('a subclass registers into its own store with the same behaviour', async () => {
    const { app, Application } = appModel();
    const MyApp = Application.extend('MyApp');
    app.model(MyApp, { dataSource: 'db' });
    const created = await MyApp.register('o', 'Sub');
    expect(created.masterKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(await MyApp.findById(created.id)).toBeTruthy();
    expect(await Application.findById(created.id)).toBeNull();
  });

  it('is closed over REST by default: anonymous callers get 401 and cannot read keys', async () => {
    const { app, Application } = appModel();
    app.enableAuth();
    app.use(loopback.rest());
    await Application.register('o', 'Closed');
    const list = await request(app).get('/Applications');
    expect(list.status).toBe(401);
    const create = await request(app).post('/Applications').send({ name: 'Intruder' });
    expect(create.status).toBe(401);
    expect(await Application.count()).toBe(1);
  });
});

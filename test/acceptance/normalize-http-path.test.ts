import request from 'supertest';
import loopback from '../../src';
import { mountExplorer } from '../../src/explorer';
import { normalizeHttpPath } from '../../src/remoting/rest/route-table';

/** strong-remoting's `normalizeHttpPath`: dashed lower-case paths, per app or per model. */
describe('normalizeHttpPath', () => {
  async function appWith(
    appRest: object | undefined,
    modelRemoting: object | undefined,
    beforeRest?: (app: any) => void,
  ): Promise<any> {
    const app: any = loopback({ localRegistry: true });
    if (appRest) app.set('remoting', { rest: appRest });
    app.dataSource('db', { connector: 'memory' });
    const Account = app.registry.createModel(
      'UserAccount',
      { name: String },
      modelRemoting ? { remoting: modelRemoting } : {},
    );
    const Role = app.registry.createModel('UserRole', { name: String });
    app.model(Account, { dataSource: 'db' });
    app.model(Role, { dataSource: 'db' });
    Account.hasMany(Role);
    const account = await Account.create({ name: 'ann' });
    await account.userRoles.create({ name: 'admin' });
    beforeRest?.(app);
    app.use(loopback.rest());
    return app;
  }

  it('dashes every literal segment and keeps parameters', () => {
    expect(normalizeHttpPath('/UserAccounts/:id/userRoles')).toBe('/user-accounts/:id/user-roles');
    expect(normalizeHttpPath('/HTTPServers/findOne')).toBe('/http-servers/find-one');
    expect(normalizeHttpPath('/Things/change-stream')).toBe('/things/change-stream');
  });

  it('the app-level setting dashes the paths; off, the model names stay', async () => {
    const on = await appWith({ normalizeHttpPath: true }, undefined);
    const res = await request(on).get('/user-accounts/1/user-roles').expect(200);
    expect(res.body.map((r: { name: string }) => r.name)).toEqual(['admin']);
    await request(on).get('/user-accounts/count').expect(200, { count: 1 });
    const off = await appWith({ normalizeHttpPath: false }, undefined);
    await request(off).get('/UserAccounts/1/userRoles').expect(200);
    await request(off).get('/user-accounts').expect(404);
  });

  it('the explorer documents the dashed paths', async () => {
    const app = await appWith({ normalizeHttpPath: true }, undefined, (a) => {
      a.set('restApiRoot', '/');
      mountExplorer(a);
    });
    const doc = (await request(app).get('/explorer/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toContain('/user-accounts/{id}/user-roles');
    expect(Object.keys(doc.paths)).not.toContain('/UserAccounts');
  });

  it("a model's own setting wins over the app's", async () => {
    const app = await appWith({ normalizeHttpPath: false }, { normalizeHttpPath: true });
    await request(app).get('/user-accounts/1/user-roles').expect(200);
    // The other model keeps the app's setting.
    await request(app).get('/UserRoles').expect(200);
  });
});

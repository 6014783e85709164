import request from 'supertest';
import loopback from '../../src';

/**
 * Token scopes (LB3 3.x): a remote method declares `accessScopes`, a token carries `scopes`; a
 * token opens a method when they share one, and a token or method without them is `DEFAULT`.
 * Also LB3's `sharedClass._methods`, which LB3 code filters to drop a method before redefining it.
 */

function makeApp(accessTokenFormat: 'stored' | 'jwt' = 'stored') {
  const app: any = (loopback as any)({ localRegistry: true, loadBuiltinModels: true });
  if (accessTokenFormat === 'jwt') app.set('accessTokenFormat', 'jwt');
  app.dataSource('db', { connector: 'memory' });
  app.enableAuth({ dataSource: 'db' });
  app.use(loopback.rest());
  app.use((err: any, _req: any, res: any, _next: any) =>
    res.status(err.statusCode || 500).json({ error: { statusCode: err.statusCode, code: err.code } }),
  );
  const User = app.models.User;
  User.settings.saltWorkFactor = 4;
  return { app, User };
}

function defineScoped(User: any, accessScopes: string[]) {
  User.sharedClass._methods = User.sharedClass._methods.filter((m: any) => m.name !== 'scoped');
  User.scoped = (cb: (err?: Error | null, v?: unknown) => void) => cb(null, { ok: true });
  User.remoteMethod('scoped', {
    accessScopes,
    http: { verb: 'GET', path: '/scoped' },
    returns: { arg: 'data', type: 'object', root: true },
  });
  User.settings.acls.push({
    principalType: 'ROLE',
    principalId: '$authenticated',
    permission: 'ALLOW',
    property: 'scoped',
    accessType: 'EXECUTE',
  });
}

describe('access scopes of remote methods and tokens', () => {
  // Whatever the token format: stored tokens and JWTs (which carry their scopes as a claim).
  it.each(['stored', 'jwt'] as const)(
    'a scoped method opens only to a token sharing a scope; a scoped token opens no DEFAULT method (%s tokens)',
    async (format) => {
      const { app, User } = makeApp(format);
      defineScoped(User, ['read:custom']);
      const user = await User.create({ email: 'a@example.com', password: 'pass' });
      const regular = await user.createAccessToken(60);
      const scoped = await user.createAccessToken({ ttl: 60, scopes: ['read:custom'] }, {});
      const both = await user.createAccessToken({ ttl: 60, scopes: ['DEFAULT', 'read:custom'] }, {});
      expect(String(scoped.id).split('.')).toHaveLength(format === 'jwt' ? 3 : 1);
      const denied = await request(app).get('/Users/scoped').set('Authorization', regular.id);
      expect(denied.status).toBe(401);
      expect(denied.body.error.code).toBe('AUTHORIZATION_REQUIRED');
      expect((await request(app).get('/Users/scoped').set('Authorization', scoped.id)).body).toEqual({
        ok: true,
      });
      expect((await request(app).get(`/Users/${user.id}`).set('Authorization', regular.id)).status).toBe(200);
      expect((await request(app).get(`/Users/${user.id}`).set('Authorization', scoped.id)).status).toBe(401);
      expect((await request(app).get(`/Users/${user.id}`).set('Authorization', both.id)).status).toBe(200);
      expect((await request(app).get('/Users/scoped').set('Authorization', both.id)).status).toBe(200);
    },
  );

  it('sharedClass._methods lists the declared methods; assigning a filtered copy drops one, and it can be declared again', async () => {
    const { app, User } = makeApp();
    defineScoped(User, ['read', 'write']);
    const names = () => User.sharedClass._methods.map((m: any) => m.name);
    expect(names().filter((n: string) => n === 'scoped')).toHaveLength(1);
    User.sharedClass._methods = User.sharedClass._methods.filter((m: any) => m.name !== 'scoped');
    expect(names()).not.toContain('scoped');
    expect(names()).toContain('login');
    const user = await User.create({ email: 'b@example.com', password: 'pass' });
    const token = await user.accessTokens.create({ ttl: 60, scopes: ['read', 'execute'] });
    expect(User.sharedClass.findMethodByName('scoped')).toBeUndefined();
    // Without the method, /Users/scoped is findById('scoped'), which this scoped token does not open.
    expect((await request(app).get('/Users/scoped').set('Authorization', token.id)).status).toBe(401);
    defineScoped(User, ['read', 'write']);
    expect((await request(app).get('/Users/scoped').set('Authorization', token.id)).status).toBe(200);
  });

  it("a session token patches a password only with rejectPasswordChangesViaPatchOrReplace: false (LB3's default), reset tokens still scoped", async () => {
    const { app, User } = makeApp();
    const user = await User.create({ email: 'c@example.com', password: 'pass' });
    const token = await user.createAccessToken(60);
    const refused = await request(app)
      .patch(`/Users/${user.id}`)
      .set('Authorization', token.id)
      .send({ password: 'new-pass' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('PASSWORD_CHANGE_NOT_ALLOWED');
    User.settings.restrictResetPasswordTokenScope = true;
    User.settings.rejectPasswordChangesViaPatchOrReplace = false;
    expect(
      (
        await request(app)
          .patch(`/Users/${user.id}`)
          .set('Authorization', token.id)
          .send({ password: 'new-pass' })
      ).status,
    ).toBe(200);
    expect((await User.login({ email: 'c@example.com', password: 'new-pass' })).userId).toBe(user.id);
  });
});

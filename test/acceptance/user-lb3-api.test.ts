import request from 'supertest';
import loopback from '../../src';

/**
 * The User API as LB3 apps call it, on a user model set up the way LB3's own tests do it: its id
 * is `pk` (a string), its REST path is `test-users` (no leading slash), and the token relations
 * are re-pointed at it.
 */

async function givenApp(settings: Record<string, unknown> = {}) {
  const app: any = (loopback as any)({ localRegistry: true, loadBuiltinModels: true });
  app.set('remoting', { errorHandler: { debug: true, log: false } });
  app.dataSource('db', { connector: 'memory' });
  app.dataSource('email', { connector: (loopback as any).Mail, transports: [{ type: 'STUB' }] });
  const Email = app.registry.getModel('Email');
  app.model(Email, { dataSource: 'email' });
  const User = app.registry.createModel({
    name: 'TestUser',
    base: 'User',
    properties: { pk: { type: 'String', defaultFn: 'guid', id: true } },
    http: { path: 'test-users' },
    forceId: false,
    saltWorkFactor: 4,
    ...settings,
  });
  app.model(User, { dataSource: 'db' });
  const AccessToken = app.registry.getModel('AccessToken');
  app.model(AccessToken, { dataSource: 'db' });
  User.email = Email;
  AccessToken.belongsTo(User, { as: 'user', foreignKey: 'userId' });
  User.hasMany(AccessToken, { as: 'accessTokens', foreignKey: 'userId' });
  app.enableAuth({ dataSource: 'db' });
  app.use(loopback.token({ model: AccessToken }));
  app.use(loopback.rest());
  const user = await User.create({ email: 'foo@bar.com', password: 'bar' });
  return { app, User, AccessToken, user };
}

describe('User with a custom id and REST path (LB3 tests set it up so)', () => {
  it('`user.id` reads the `pk` id; a login token names the user by it; a string key retypes `userId`', async () => {
    const { app, User, AccessToken, user } = await givenApp();
    expect(user.id).toBe(user.pk);
    expect(AccessToken.definition.properties.userId.type.name).toBe('String');
    const token = await User.login({ email: 'foo@bar.com', password: 'bar' });
    expect(token.userId).toBe(user.pk);
    expect(token.id).toHaveLength(64);
    const res = await request(app)
      .post('/test-users/login?include=USER')
      .send({ email: 'foo@bar.com', password: 'bar' });
    expect([res.status, res.body.userId, res.body.user.email]).toEqual([200, user.pk, 'foo@bar.com']);
    expect(res.body.user.password).toBeUndefined();
  });

  it('options.setPassword lets a write change the password and nothing else (400 SET_PASSWORD_MISUSE)', async () => {
    const { User, user } = await givenApp({
      properties: { pk: { type: 'String', defaultFn: 'guid', id: true }, name: 'string' },
    });
    await expect(
      user.patchAttributes({ password: 'new-pass', name: 'New Name' }, { setPassword: true }),
    ).rejects.toMatchObject({
      code: 'SET_PASSWORD_MISUSE',
      statusCode: 400,
      message: expect.stringMatching(/Invalid use.*options\.setPassword/),
    });
    const stored = await User.findById(user.pk);
    expect(stored.name).toBeUndefined();
    expect(await stored.hasPassword('bar')).toBe(true);
    // setPassword itself (a password alone) still works.
    await user.setPassword('new-pass');
    expect(await (await User.findById(user.pk)).hasPassword('new-pass')).toBe(true);
    // Without the password rule (LB3's default) the option has nothing to guard: the write goes through.
    const open = await givenApp({
      properties: { pk: { type: 'String', defaultFn: 'guid', id: true }, name: 'string' },
      rejectPasswordChangesViaPatchOrReplace: false,
    });
    await open.user.patchAttributes({ password: 'other-pass', name: 'New Name' }, { setPassword: true });
    expect((await open.User.findById(open.user.pk)).name).toBe('New Name');
  });

  it('a login with an operator object as email or username is 400 INVALID_EMAIL / INVALID_USERNAME', async () => {
    const { User } = await givenApp();
    await expect(User.login({ email: { neq: 'x' }, password: 'x' })).rejects.toMatchObject({
      code: 'INVALID_EMAIL',
      statusCode: 400,
    });
    await expect(User.login({ username: { neq: 'x' }, password: 'x' })).rejects.toMatchObject({
      code: 'INVALID_USERNAME',
      statusCode: 400,
    });
  });

  it('an unverified login names the user in details; a copy of the error holds statusCode, code and details only', async () => {
    const { User, user } = await givenApp({ emailVerificationRequired: true });
    const err = await User.login({ email: 'foo@bar.com', password: 'bar' }).catch((e: unknown) => e);
    expect({ ...err }).toEqual({
      statusCode: 401,
      code: 'LOGIN_FAILED_EMAIL_NOT_VERIFIED',
      details: { userId: user.pk },
    });
    expect(err.status).toBe(401);
  });

  it('email: a bare top-level domain is valid, a missing domain is `custom.email`', async () => {
    const { User } = await givenApp();
    await User.create({ email: 'local@com', password: '123' });
    const err = await User.create({ email: 'foo@', password: '123' }).catch((e: any) => e);
    expect([err.statusCode, err.details.codes.email]).toEqual([422, ['custom.email']]);
  });

  it('caseSensitiveEmail: false finds a stored address with a mixed-case query', async () => {
    const { User } = await givenApp();
    User.settings.caseSensitiveEmail = false;
    const found = await User.find({ where: { email: 'Foo@Bar.com' } });
    expect(found.map((u: any) => u.email)).toEqual(['foo@bar.com']);
  });

  it("login calls an app's createAccessToken LB3's way: (ttl, cb), or (ttl, credentials, cb)", async () => {
    const { User, user } = await givenApp();
    User.prototype.createAccessToken = function (this: any, ttl: number, cb: any) {
      this.accessTokens.create({ ttl: ttl / 2 }, cb);
    };
    const half = await User.login({ email: 'foo@bar.com', password: 'bar', ttl: 3600 });
    expect([half.ttl, half.userId]).toEqual([1800, user.pk]);
    User.prototype.createAccessToken = function (this: any, ttl: number, options: any, cb: any) {
      this.accessTokens.create({ ttl: ttl / 2, scopes: [options.scope] }, cb);
    };
    const scoped = await User.login({ email: 'foo@bar.com', password: 'bar', ttl: 3600, scope: 'all' });
    expect([scoped.ttl, scoped.scopes]).toEqual([1800, ['all']]);
  });

  it('createAccessToken(ttl, cb), ({ttl, scopes}, options) and ttl capped at maxTTL', async () => {
    const { user } = await givenApp();
    const viaCallback: any = await new Promise((resolve, reject) =>
      user.createAccessToken(120, (err: any, t: any) => (err ? reject(err) : resolve(t))),
    );
    expect([viaCallback.ttl, viaCallback.userId]).toEqual([120, user.pk]);
    const withData = await user.createAccessToken({ ttl: 60, scopes: ['read'] }, {});
    expect([withData.ttl, withData.scopes]).toEqual([60, ['read']]);
    expect((await user.createAccessToken(10 ** 12)).ttl).toBe(31556926);
  });

  it('changePassword and setPassword of an unknown user are 401 USER_NOT_FOUND (as LB3)', async () => {
    const { User } = await givenApp();
    await expect(User.changePassword('nobody', 'a', 'b')).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
      statusCode: 401,
    });
    await expect(User.setPassword('nobody', 'b')).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
      statusCode: 401,
    });
  });

  it('resetPassword answers first, then emits resetPasswordRequest with the email and options given', async () => {
    const { User } = await givenApp();
    const options = { email: 'foo@bar.com', redirect: 'http://example.com/reset' };
    let answered = false;
    const event: any = await new Promise((resolve) => {
      User.once('resetPasswordRequest', (info: any) => resolve({ ...info, answered }));
      User.resetPassword(options, () => (answered = true));
    });
    expect([event.answered, event.email, event.options]).toEqual([true, 'foo@bar.com', options]);
    expect([event.accessToken.ttl, event.accessToken.scopes]).toEqual([900, ['reset-password']]);
    expect((await event.accessToken.user()).email).toBe('foo@bar.com');
    await expect(
      User.resetPassword({ email: 'foo@bar.com', password: 'x'.repeat(73) }),
    ).rejects.toMatchObject({ code: 'PASSWORD_TOO_LONG' });
  });

  it("resetPassword calls an app's createAccessToken(ttl, cb) with the reset ttl", async () => {
    const { User, AccessToken } = await givenApp();
    const ttls: number[] = [];
    User.prototype.createAccessToken = function (ttl: number, cb: any) {
      ttls.push(ttl);
      cb(null, new AccessToken({ id: 'custom-token' }));
    };
    const event: any = await new Promise((resolve) => {
      User.once('resetPasswordRequest', resolve);
      void User.resetPassword({ email: 'foo@bar.com' });
    });
    expect([event.accessToken.id, ttls]).toEqual(['custom-token', [900]]);
  });
});

describe('user.verify (LB3 contract)', () => {
  it('getVerifyOptions: LB3 defaults or the model setting, a fresh copy each time; User.base has it', async () => {
    const { User } = await givenApp();
    expect(User.getVerifyOptions()).toEqual({ type: 'email', from: 'noreply@example.com' });
    User.settings.verifyOptions = { type: 'email', from: 'test@example.com' };
    const copy = User.getVerifyOptions();
    copy.from = 'changed@example.com';
    expect(User.getVerifyOptions()).toEqual({ type: 'email', from: 'test@example.com' });
    expect(User.base.getVerifyOptions()).toEqual({ type: 'email', from: 'noreply@example.com' });
  });

  it('mails the confirm link through the stub transport; squashes port 80 and "//"', async () => {
    const { user } = await givenApp();
    const result = await user.verify({
      type: 'email',
      from: 'noreply@example.org',
      host: 'myapp.org',
      port: 80,
      headers: { 'message-id': 'custom-id' },
    });
    const msg = result.email.response.toString('utf-8');
    expect(msg).toContain('http://myapp.org/api/test-users/confirm?uid=');
    expect(msg).toContain('To: foo@bar.com');
    expect(result.email.messageId).toBe('custom-id');
    expect(result.token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(result.uid).toBe(user.pk);
    const root = await user.verify({
      type: 'email',
      from: 'a@b.org',
      host: 'myapp.org',
      port: 3000,
      restApiRoot: '/',
    });
    expect(root.email.response.toString('utf-8')).toContain('http://myapp.org:3000/test-users/confirm');
  });

  it('app steps get `options` when they declare three parameters; the template path stays out of the message', async () => {
    const { user, User } = await givenApp();
    const seen: Record<string, unknown> = {};
    const ctxOptions = { testFlag: true };
    const result = await user.verify(
      {
        type: 'email',
        from: 'a@b.org',
        template: 'verify.ejs',
        redirect: '#/some-path?a=1&b=2',
        generateVerificationToken: (_u: unknown, options: unknown, cb: any) => {
          seen.token = options;
          cb(null, 'token-123');
        },
        templateFn: (o: any, options: unknown, cb: any) => {
          seen.template = options;
          seen.href = o.verifyHref;
          seen.verificationToken = o.verificationToken;
          cb(null, 'body');
        },
        mailer: { send: (o: any, options: unknown, cb: any) => ((seen.mailer = options), cb(null, o)) },
      },
      ctxOptions,
    );
    expect([seen.token, seen.template, seen.mailer]).toEqual([ctxOptions, ctxOptions, ctxOptions]);
    expect(result.email.template).toBeUndefined();
    expect(new URL(String(seen.href)).searchParams.get('redirect')).toBe('#/some-path?a=1&b=2');
    expect([seen.verificationToken, result.token]).toEqual(['token-123', 'token-123']);
    expect((await User.findById(user.pk)).verificationToken).toBe('token-123');
    const failing = user.verify({
      type: 'email',
      from: 'a@b.org',
      generateVerificationToken: (_u: unknown, cb: any) => cb(new Error('Fake error')),
    });
    await expect(failing).rejects.toThrow('Fake error');
  });

  it('with confirm disabled the link is verifyOptions.verifyHref, else an error says to give it', async () => {
    const { user, User } = await givenApp();
    User.disableRemoteMethodByName('confirm');
    let href = '';
    const templateFn = (o: any, cb: any) => ((href = o.verifyHref), cb(null, 'x'));
    await user.verify({ type: 'email', from: 'a@b.org', verifyHref: 'http://example.com/v', templateFn });
    expect(href.startsWith('http://example.com/v?token=')).toBe(true);
    await expect(user.verify({ type: 'email', from: 'a@b.org', templateFn })).rejects.toThrow(/verifyHref/);
  });

  it('verify saves an instance not stored yet, leaving the caller’s verifyOptions as they were', async () => {
    const { User } = await givenApp();
    const user = new User({ email: 'new@example.com', password: 'pass' });
    const verifyOptions = { type: 'email', from: 'test@example.com' };
    await user.verify(verifyOptions);
    expect(verifyOptions).toEqual({ type: 'email', from: 'test@example.com' });
    expect(await User.count({ email: 'new@example.com' })).toBe(1);
  });
});

describe('User passwords as LB3 set them', () => {
  it('an instance user code builds has its password hashed at once; a hash made so is kept when passed on', async () => {
    const { User } = await givenApp();
    const u1 = new User({ username: 'foo', password: 'bar' });
    expect(u1.password).toMatch(/^\$2[ab]\$04\$/);
    expect(await u1.hasPassword('bar')).toBe(true);
    expect(new User({ username: 'foo', password: u1.password }).password).toBe(u1.password);
    expect(() => new User({ username: 'foo', password: 'x'.repeat(73) })).toThrow(
      /password entered was too long/,
    );
    const saved = await new User({ email: 'z@z.net', password: 'b' }).save();
    expect(await (await User.findById(saved.pk)).hasPassword('b')).toBe(true);
  });

  it('a bcrypt-shaped password written by code or a client is hashed like any other (LB3 stored it as the hash)', async () => {
    const { app, User } = await givenApp();
    const hash = new User({ password: 'other' }).password;
    // A hash this process made is known; a hash from elsewhere is a password like any other.
    const foreign = hash.slice(0, -1) + (hash.endsWith('a') ? 'b' : 'a');
    const byCode = await User.create({ email: 'c@d.com', password: foreign });
    expect((await User.findById(byCode.pk)).password).not.toBe(foreign);
    const res = await request(app).post('/test-users').send({ email: 'e@f.com', password: foreign });
    expect((await User.findById(res.body.pk)).password).not.toBe(foreign);
  });

  it('acceptHashedPasswords: true stores a written bcrypt hash as it is (LB3): a user from an old LB version logs in', async () => {
    const bcrypt = require('bcryptjs');
    const longPassword = 'a'.repeat(79);
    const oldHash = bcrypt.hashSync(longPassword, bcrypt.genSaltSync(4));
    const { User } = await givenApp({ acceptHashedPasswords: true });
    await User.create({ email: 'b@c.com', password: oldHash });
    expect((await User.login({ email: 'b@c.com', password: longPassword })).id).toHaveLength(64);
  });

  it("the model's validatePassword and hashPassword are used, on construction and on create", async () => {
    const { User } = await givenApp();
    User.validatePassword = (plain: string) => {
      if (!plain || plain.length < 3)
        throw Object.assign(new Error('Password must have at least 3 chars'), { statusCode: 422 });
      return true;
    };
    expect(() => new User({ username: 'foo', password: 'aa' })).toThrow(/at least 3/);
    await expect(User.create({ email: 'short@x.com', password: 'aa' })).rejects.toThrow(/at least 3/);
    User.hashPassword = (plain: string) => plain.toUpperCase();
    expect(new User({ username: 'foo', password: 'bar' }).password).toBe('BAR');
    const created = await User.create({ email: 'upper@x.com', password: 'abc' });
    expect((await User.findById(created.pk)).password).toBe('ABC');
  });

  it("changePassword's hooks see the caller's options, in LB3's order; the ended sessions' delete does too", async () => {
    const { User, AccessToken, user } = await givenApp();
    await User.login({ email: 'foo@bar.com', password: 'bar' });
    const seen: unknown[] = [];
    User.observe('access', async (ctx: any) => void seen.push({ hook: 'access', ...ctx.options }));
    User.observe('before save', async (ctx: any) => void seen.push({ hook: 'before save', ...ctx.options }));
    AccessToken.observe(
      'before delete',
      async (ctx: any) => void seen.push({ hook: 'before delete', ...ctx.options }),
    );
    await User.changePassword(user.pk, 'bar', 'new', { testFlag: true });
    expect(seen).toEqual([
      { hook: 'access', testFlag: true },
      { hook: 'access', setPassword: true, testFlag: true },
      { hook: 'before save', setPassword: true, testFlag: true },
      { hook: 'access', setPassword: true, testFlag: true },
      { hook: 'before delete', setPassword: true, testFlag: true },
    ]);
    expect(await AccessToken.count({ userId: user.pk })).toBe(0);
  });
});

describe('resetPassword, confirm: safe over REST, LB3 by switch', () => {
  it('an unknown email: server code gets 404 EMAIL_NOT_FOUND, a REST client 204 (no enumeration)', async () => {
    const { app, User } = await givenApp();
    await expect(User.resetPassword({ email: 'unknown@example.com' })).rejects.toMatchObject({
      code: 'EMAIL_NOT_FOUND',
      statusCode: 404,
    });
    const res = await request(app).post('/test-users/reset').send({ email: 'unknown@example.com' });
    expect([res.status, res.text]).toEqual([204, '']);
  });

  it('resetPasswordRevealsUnknownEmail: true answers a REST client 404 too', async () => {
    const { app } = await givenApp({ resetPasswordRevealsUnknownEmail: true });
    const res = await request(app).post('/test-users/reset').send({ email: 'unknown@example.com' });
    expect([res.status, res.body.error.code]).toEqual([404, 'EMAIL_NOT_FOUND']);
  });

  async function confirmWithRedirect(settings: Record<string, unknown>, redirect: string) {
    const { app, user } = await givenApp(settings);
    const { token } = await user.verify({
      type: 'email',
      from: 'a@b.org',
      mailer: { send: (o: unknown, cb: any) => cb(null, o) },
    });
    return request(app).get(
      `/test-users/confirm?uid=${user.pk}&token=${token}&redirect=${encodeURIComponent(redirect)}`,
    );
  }

  it('confirm follows a path of the site, not a full URL elsewhere, unless confirmRedirectOrigins lists its origin', async () => {
    expect((await confirmWithRedirect({}, '/welcome')).headers.location).toBe('/welcome');
    const elsewhere = await confirmWithRedirect({}, 'http://foo.com/bar');
    expect([elsewhere.status, elsewhere.headers.location]).toEqual([204, undefined]);
    const listed = await confirmWithRedirect(
      { confirmRedirectOrigins: ['http://foo.com'] },
      'http://foo.com/bar',
    );
    expect([listed.status, listed.headers.location]).toEqual([302, 'http://foo.com/bar']);
    const other = await confirmWithRedirect(
      { confirmRedirectOrigins: ['http://foo.com'] },
      'http://evil.example/',
    );
    expect(other.status).toBe(204);
    const anywhere = await confirmWithRedirect({ confirmRedirectOrigins: '*' }, 'http://foo.com/bar');
    expect([anywhere.status, anywhere.headers.location]).toEqual([302, 'http://foo.com/bar']);
    expect((await confirmWithRedirect({ confirmRedirectOrigins: '*' }, 'javascript:alert(1)')).status).toBe(
      204,
    );
  });

  async function resetToken(User: any) {
    const [, info]: any = await Promise.all([
      User.resetPassword({ email: 'foo@bar.com' }),
      new Promise((resolve) => User.once('resetPasswordRequest', resolve)),
    ]);
    return info;
  }

  it('a reset token opens setPassword only; restrictResetPasswordTokenScope: false makes it a full token (LB3)', async () => {
    const scoped = await givenApp();
    const info = await resetToken(scoped.User);
    expect(
      (await request(scoped.app).get(`/test-users/${info.user.pk}`).set('Authorization', info.accessToken.id))
        .status,
    ).toBe(401);
    const full = await givenApp({
      restrictResetPasswordTokenScope: false,
      rejectPasswordChangesViaPatchOrReplace: false,
    });
    const fullInfo = await resetToken(full.User);
    expect(fullInfo.accessToken.scopes).toBeUndefined();
    expect(
      (
        await request(full.app)
          .get(`/test-users/${fullInfo.user.pk}`)
          .set('Authorization', fullInfo.accessToken.id)
      ).status,
    ).toBe(200);
    const patched = await request(full.app)
      .patch(`/test-users/${fullInfo.user.pk}`)
      .set('Authorization', fullInfo.accessToken.id)
      .send({ password: 'new-pass' });
    expect(patched.status).toBe(200);
    await full.User.login({ email: 'foo@bar.com', password: 'new-pass' });
    const again = await resetToken(full.User);
    const set = await request(full.app)
      .post('/test-users/reset-password')
      .set('Authorization', again.accessToken.id)
      .send({ newPassword: 'third' });
    expect(set.status).toBe(204);
    await full.User.login({ email: 'foo@bar.com', password: 'third' });
  });

  it('verify over REST is for the user itself; an ACL granting $everyone verify restores LB3 (204, unknown id 404)', async () => {
    const owner = await givenApp();
    expect((await request(owner.app).post(`/test-users/${owner.user.pk}/verify`)).status).toBe(401);
    const open = await givenApp({
      acls: [{ principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'verify' }],
    });
    const res = await request(open.app).post(`/test-users/${open.user.pk}/verify`);
    expect(res.status).toBe(204);
    expect((await open.User.findById(open.user.pk)).verificationToken).toMatch(/^[A-Za-z0-9]{64}$/);
    expect((await request(open.app).post('/test-users/invalid-id/verify')).status).toBe(404);
  });
});

import request from 'supertest';
import loopback from '../../src';
import { compareTrace } from '../../src/loopback/security/password';
import { bootExampleApp } from '../support/example-app';

/** Every response body seen in this file, checked at the end for secrets. */
const bodies: string[] = [];
const secrets: string[] = [];
const resetAndVerifyTokens: string[] = [];

function track<T extends { text?: string; body?: unknown }>(res: T): T {
  bodies.push(res.text ?? JSON.stringify(res.body));
  return res;
}

const DENY_EVERYONE = { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' };

async function makeApp(
  appSettings: Record<string, unknown> = {},
  userSettings: Record<string, unknown> = {},
) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  for (const [k, v] of Object.entries(appSettings)) app.set(k, v);
  const ds = app.dataSource('db', { connector: 'memory' });
  const reg = app.registry;
  const Member = reg.createModel({
    name: 'Member',
    base: 'User',
    saltWorkFactor: 4,
    ...userSettings,
    relations: { notes: { type: 'hasMany', model: 'Note', foreignKey: 'authorId' } },
  });
  const Note = reg.createModel({
    name: 'Note',
    properties: { title: 'string', authorId: 'number' },
    relations: {
      author: { type: 'belongsTo', model: 'Member', foreignKey: 'authorId' },
      tags: { type: 'hasMany', model: 'Tag', foreignKey: 'noteId' },
    },
    acls: [
      DENY_EVERYONE,
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
      { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', accessType: 'WRITE' },
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', property: 'create' },
    ],
  });
  const Tag = reg.createModel({
    name: 'Tag',
    properties: { label: 'string', noteId: 'number' },
    acls: [DENY_EVERYONE, { principalType: 'ROLE', principalId: 'editor', permission: 'ALLOW' }],
  });
  const Doc = reg.createModel({
    name: 'Doc',
    properties: { body: 'string', ownerId: 'number' },
    acls: [DENY_EVERYONE, { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW' }],
  });
  const Open = reg.createModel({ name: 'Open', properties: { x: 'string' } });
  const Gate = reg.createModel({
    name: 'Gate',
    properties: { x: 'string' },
    acls: [
      { principalType: 'ROLE', principalId: '$unauthenticated', permission: 'ALLOW', property: 'find' },
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'DENY', property: 'find' },
      { principalType: 'ROLE', principalId: 'weekday', permission: 'ALLOW', property: 'count' },
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY', property: 'count' },
      { principalType: 'USER', principalId: '2', permission: 'ALLOW', property: 'findOne' },
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY', property: 'findOne' },
    ],
  });
  for (const name of ['AccessToken', 'ACL', 'Role', 'RoleMapping'])
    app.model(reg.getModel(name), { dataSource: ds, public: false });
  for (const M of [Member, Note, Tag, Doc, Open, Gate]) app.model(M, { dataSource: ds });
  app.enableAuth();
  app.middleware('auth', loopback.token({ currentUserLiteral: 'me' }));
  app.use('/api', loopback.rest());
  app.use((err: any, _req: any, res: any, _next: any) =>
    res.status(err.statusCode || 500).json({
      error: { statusCode: err.statusCode, message: err.message, code: err.code, details: err.details },
    }),
  );
  return app;
}

async function signup(app: any, email: string, password = 'pw-' + email) {
  const res = track(
    await request(app)
      .post('/api/Members')
      .send({ email, password, username: email.split('@')[0] }),
  );
  expect(res.status).toBe(200);
  return res.body;
}

async function login(app: any, email: string, password = 'pw-' + email, query = '') {
  const res = track(
    await request(app)
      .post('/api/Members/login' + query)
      .send({ email, password }),
  );
  expect(res.status).toBe(200);
  secrets.push(res.body.id);
  return res.body;
}

describe('users: signup, login, logout', () => {
  let app: any;
  beforeAll(async () => {
    app = await makeApp();
  });

  it('creates a user with a bcrypt hash, never returned', async () => {
    const user = await signup(app, 'ann@example.com', 'open sesame');
    expect(user).toEqual({ email: 'ann@example.com', username: 'ann', id: 1 });
    const stored = await app.models.Member.findById(1);
    expect(stored.password).toMatch(/^\$2[ab]\$04\$/);
    secrets.push(stored.password);
    expect(JSON.stringify(stored)).not.toContain('password');
  });

  it('rejects a duplicate email and a missing password (422) without echoing the password', async () => {
    const dup = track(
      await request(app).post('/api/Members').send({ email: 'ann@example.com', password: 'x' }),
    );
    expect(dup.status).toBe(422);
    expect(dup.body.error.details.codes.email).toEqual(['uniqueness']);
    const none = track(await request(app).post('/api/Members').send({ email: 'nopw@example.com' }));
    expect(none.status).toBe(422);
    expect(none.body.error.details.codes.password).toEqual(['presence']);
    const long = track(
      await request(app)
        .post('/api/Members')
        .send({ email: 'long@example.com', password: 'x'.repeat(73) }),
    );
    expect([long.status, long.body.error.code]).toEqual([422, 'PASSWORD_TOO_LONG']);
  });

  it('logs in by email or username, answering {id, ttl, created, userId}', async () => {
    const byEmail = await login(app, 'ann@example.com', 'open sesame');
    expect(Object.keys(byEmail).sort()).toEqual(['created', 'id', 'ttl', 'userId']);
    expect(byEmail.id).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(byEmail.ttl).toBe(1209600);
    expect(byEmail.userId).toBe(1);
    const byName = track(
      await request(app).post('/api/Members/login').send({ username: 'ann', password: 'open sesame' }),
    );
    expect(byName.status).toBe(200);
  });

  it('include=user adds the user (without its password); ttl is bounded by maxTTL', async () => {
    const res = track(
      await request(app)
        .post('/api/Members/login?include=user')
        .send({ email: 'ann@example.com', password: 'open sesame', ttl: 99999999999 }),
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ email: 'ann@example.com', username: 'ann', id: 1 });
    expect(res.body.ttl).toBe(31556926);
  });

  it('unknown user and wrong password: same 401 LOGIN_FAILED, both through one bcrypt comparison', async () => {
    let before = compareTrace.compares;
    const wrong = track(
      await request(app).post('/api/Members/login').send({ email: 'ann@example.com', password: 'nope' }),
    );
    expect(compareTrace.compares - before).toBe(1);
    before = compareTrace.compares;
    const unknown = track(
      await request(app).post('/api/Members/login').send({ email: 'ghost@example.com', password: 'nope' }),
    );
    expect(compareTrace.compares - before).toBe(1);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({ statusCode: 401, message: 'login failed', code: 'LOGIN_FAILED' });
    const missing = track(await request(app).post('/api/Members/login').send({ password: 'x' }));
    expect([missing.status, missing.body.error.code]).toEqual([400, 'USERNAME_EMAIL_REQUIRED']);
  });

  it('logout: 204, then the token is gone; without a token 401', async () => {
    const { id } = await login(app, 'ann@example.com', 'open sesame');
    const ok = track(await request(app).post('/api/Members/logout').set('Authorization', id));
    expect(ok.status).toBe(204);
    const again = track(await request(app).post('/api/Members/logout').set('Authorization', id));
    expect([again.status, again.body.error.code]).toEqual([401, 'ACCESS_TOKEN_REQUIRED']);
    expect(await app.models.AccessToken.findById(id)).toBeNull();
  });

  it('reads the token from Authorization (raw or Bearer), X-Access-Token and ?access_token', async () => {
    const { id } = await login(app, 'ann@example.com', 'open sesame');
    for (const r of [
      request(app).get('/api/Members/1').set('Authorization', id),
      request(app).get('/api/Members/1').set('Authorization', `Bearer ${id}`),
      request(app).get('/api/Members/1').set('X-Access-Token', id),
      request(app).get(`/api/Members/1?access_token=${id}`),
    ]) {
      expect(track(await r).status).toBe(200);
    }
    expect(
      track(await request(app).get('/api/Members/1').set('Authorization', id.toLowerCase())).status,
    ).toBe(401);
    expect(track(await request(app).get('/api/Members/1')).status).toBe(401);
  });

  it('an expired token is refused and deleted', async () => {
    const user = await app.models.Member.findById(1);
    const token = await user.createAccessToken(1);
    await token.updateAttributes({ created: new Date(Date.now() - 5000) });
    expect(track(await request(app).get('/api/Members/1').set('Authorization', token.id)).status).toBe(401);
    expect(await app.models.AccessToken.findById(token.id)).toBeNull();
  });

  it('/Members/me is the signed-in user; other users are not readable', async () => {
    await signup(app, 'bob@example.com');
    const { id } = await login(app, 'ann@example.com', 'open sesame');
    const me = track(await request(app).get('/api/Members/me').set('Authorization', id));
    expect([me.status, me.body.email]).toEqual([200, 'ann@example.com']);
    expect(track(await request(app).get('/api/Members/2').set('Authorization', id)).status).toBe(401);
    expect(track(await request(app).get('/api/Members/999').set('Authorization', id)).status).toBe(401);
    expect(track(await request(app).get('/api/Members/me')).status).toBe(401);
  });

  it('the accessTokens relation exists but is closed over REST, even to the owner', async () => {
    const { id } = await login(app, 'ann@example.com', 'open sesame');
    const res = track(await request(app).get('/api/Members/1/accessTokens').set('Authorization', id));
    expect(res.status).toBe(401);
    const user = await app.models.Member.findById(1);
    expect((await user.accessTokens()).length).toBeGreaterThan(0);
  });
});

describe('users: verification, reset, change password', () => {
  let app: any;
  beforeAll(async () => {
    app = await makeApp({}, { emailVerificationRequired: true });
    await signup(app, 'cy@example.com', 'first');
  });

  it('an unverified user cannot log in: 401 LOGIN_FAILED_EMAIL_NOT_VERIFIED (wrong password stays LOGIN_FAILED)', async () => {
    const res = track(
      await request(app).post('/api/Members/login').send({ email: 'cy@example.com', password: 'first' }),
    );
    expect([res.status, res.body.error.code]).toEqual([401, 'LOGIN_FAILED_EMAIL_NOT_VERIFIED']);
    const wrong = track(
      await request(app).post('/api/Members/login').send({ email: 'cy@example.com', password: 'second' }),
    );
    expect(wrong.body.error.code).toBe('LOGIN_FAILED');
  });

  it('verify sends a link; a wrong token is 400 INVALID_TOKEN, an unknown user 404; confirm verifies and redirects only locally', async () => {
    const Email = app.registry.getModel('Email');
    // An anonymous caller may not trigger it (LB3 let anyone); the server sends it on signup.
    const anon = track(await request(app).post('/api/Members/1/verify'));
    expect([anon.status, anon.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
    await (await app.models.Member.findById(1)).verify();
    const sent = Email.sent[Email.sent.length - 1];
    expect(sent.to).toBe('cy@example.com');
    const token = /token=([A-Za-z0-9]+)/.exec(sent.text)![1];
    resetAndVerifyTokens.push(token);
    const bad = track(await request(app).get('/api/Members/confirm?uid=1&token=nope'));
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_TOKEN']);
    const ghost = track(await request(app).get('/api/Members/confirm?uid=99&token=nope'));
    expect([ghost.status, ghost.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
    const offsite = track(
      await request(app).get(
        `/api/Members/confirm?uid=1&token=${token}&redirect=${encodeURIComponent('https://evil.example')}`,
      ),
    );
    expect(offsite.status).toBe(204);
    expect((await app.models.Member.findById(1)).emailVerified).toBe(true);
    await login(app, 'cy@example.com', 'first');
  });

  it('resetPassword: 400 without email, 204 for unknown email (no enumeration), emits a short single-use token', async () => {
    const Member = app.models.Member;
    const events: any[] = [];
    Member.on('resetPasswordRequest', (info: any) => events.push(info));
    expect(track(await request(app).post('/api/Members/reset').send({})).body.error.code).toBe(
      'EMAIL_REQUIRED',
    );
    expect(
      track(await request(app).post('/api/Members/reset').send({ email: 'ghost@example.com' })).status,
    ).toBe(204);
    expect(events).toHaveLength(0);
    const session = await login(app, 'cy@example.com', 'first');
    expect(
      track(await request(app).post('/api/Members/reset').send({ email: 'cy@example.com' })).status,
    ).toBe(204);
    expect(events).toHaveLength(1);
    const reset = events[0].accessToken;
    resetAndVerifyTokens.push(reset.id);
    expect(reset.ttl).toBe(900);
    expect(reset.scopes).toEqual(['reset-password']);
    // The reset token opens setPassword only.
    expect(track(await request(app).get('/api/Members/1').set('Authorization', reset.id)).status).toBe(401);
    const set = track(
      await request(app)
        .post('/api/Members/reset-password')
        .set('Authorization', reset.id)
        .send({ newPassword: 'second' }),
    );
    expect(set.status).toBe(204);
    // Single use, and every other session ends with the password change.
    expect(
      track(
        await request(app)
          .post('/api/Members/reset-password')
          .set('Authorization', reset.id)
          .send({ newPassword: 'third' }),
      ).status,
    ).toBe(401);
    expect(track(await request(app).get('/api/Members/1').set('Authorization', session.id)).status).toBe(401);
    await login(app, 'cy@example.com', 'second');
  });

  it('setPassword needs the reset scope: a normal session token cannot use it', async () => {
    const { id } = await login(app, 'cy@example.com', 'second');
    expect(
      track(
        await request(app)
          .post('/api/Members/reset-password')
          .set('Authorization', id)
          .send({ newPassword: 'x' }),
      ).status,
    ).toBe(401);
  });

  it('changePassword: wrong current password 400 INVALID_PASSWORD; success keeps this session and ends the others', async () => {
    const a = await login(app, 'cy@example.com', 'second');
    const b = await login(app, 'cy@example.com', 'second');
    const anon = track(
      await request(app)
        .post('/api/Members/change-password')
        .send({ oldPassword: 'second', newPassword: 'third' }),
    );
    expect(anon.status).toBe(401);
    const wrong = track(
      await request(app)
        .post('/api/Members/change-password')
        .set('Authorization', a.id)
        .send({ oldPassword: 'nope', newPassword: 'third' }),
    );
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_PASSWORD']);
    const ok = track(
      await request(app)
        .post('/api/Members/change-password')
        .set('Authorization', a.id)
        .send({ oldPassword: 'second', newPassword: 'third' }),
    );
    expect(ok.status).toBe(204);
    expect(track(await request(app).get('/api/Members/1').set('Authorization', a.id)).status).toBe(200);
    expect(track(await request(app).get('/api/Members/1').set('Authorization', b.id)).status).toBe(401);
  });

  it('changing the email ends the other sessions too', async () => {
    const a = await login(app, 'cy@example.com', 'third');
    const b = await login(app, 'cy@example.com', 'third');
    const res = track(
      await request(app)
        .patch('/api/Members/1')
        .set('Authorization', a.id)
        .send({ email: 'cy2@example.com' }),
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('$2');
    expect(track(await request(app).get('/api/Members/1').set('Authorization', b.id)).status).toBe(401);
    expect(track(await request(app).get('/api/Members/1').set('Authorization', a.id)).status).toBe(200);
  });
});

describe('ACL enforcement over REST', () => {
  let app: any;
  let ann: string;
  let bob: string;
  beforeAll(async () => {
    app = await makeApp();
    await signup(app, 'ann@example.com');
    await signup(app, 'bob@example.com');
    ann = (await login(app, 'ann@example.com')).id;
    bob = (await login(app, 'bob@example.com')).id;
    await app.models.Note.create({ title: 'ann-1', authorId: 1 });
    await app.models.Doc.create({ body: 'ann doc', ownerId: 1 });
  });

  it('models without ACLs stay open', async () => {
    expect(track(await request(app).post('/api/Opens').send({ x: 'y' })).status).toBe(200);
    expect(track(await request(app).get('/api/Opens')).status).toBe(200);
  });

  it('$everyone DENY: anonymous gets 401 AUTHORIZATION_REQUIRED', async () => {
    const res = track(await request(app).get('/api/Notes'));
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      statusCode: 401,
      message: 'Authorization Required',
      code: 'AUTHORIZATION_REQUIRED',
    });
  });

  it('$authenticated READ; create for the signed-in', async () => {
    expect(track(await request(app).get('/api/Notes').set('Authorization', bob)).status).toBe(200);
    expect(
      track(
        await request(app).post('/api/Notes').set('Authorization', bob).send({ title: 'bob-1', authorId: 2 }),
      ).status,
    ).toBe(200);
  });

  it('$owner via a belongsTo with a custom foreign key: only the author writes', async () => {
    expect(
      track(await request(app).patch('/api/Notes/1').set('Authorization', bob).send({ title: 'x' })).status,
    ).toBe(401);
    expect(
      track(await request(app).patch('/api/Notes/1').set('Authorization', ann).send({ title: 'mine' }))
        .status,
    ).toBe(200);
    expect(track(await request(app).delete('/api/Notes/1').set('Authorization', bob)).status).toBe(401);
  });

  it('$owner via an ownerId property', async () => {
    expect(track(await request(app).get('/api/Docs/1').set('Authorization', ann)).status).toBe(200);
    expect(track(await request(app).get('/api/Docs/1').set('Authorization', bob)).status).toBe(401);
  });

  it('$unauthenticated and a USER principal', async () => {
    expect(track(await request(app).get('/api/Gates')).status).toBe(200);
    expect(track(await request(app).get('/api/Gates').set('Authorization', ann)).status).toBe(401);
    expect(track(await request(app).get('/api/Gates/findOne').set('Authorization', ann)).status).toBe(401);
    expect(track(await request(app).get('/api/Gates/findOne').set('Authorization', bob)).status).not.toBe(
      401,
    );
  });

  it('Role.registerResolver (callback and promise styles)', async () => {
    const Role = app.registry.getModel('Role');
    let open = false;
    Role.registerResolver('weekday', (_role: string, ctx: any, cb: (e: unknown, ok?: boolean) => void) =>
      cb(null, open && ctx.modelName === 'Gate'),
    );
    expect(track(await request(app).get('/api/Gates/count')).status).toBe(401);
    open = true;
    expect(track(await request(app).get('/api/Gates/count')).status).toBe(200);
    Role.registerResolver('weekday', async () => false);
    expect(track(await request(app).get('/api/Gates/count')).status).toBe(401);
  });

  it('static roles through Role + RoleMapping, nested roles too', async () => {
    const { Role, RoleMapping } = app.models;
    await app.models.Tag.create({ label: 't', noteId: 1 });
    expect(track(await request(app).get('/api/Tags').set('Authorization', bob)).status).toBe(401);
    const staff = await Role.create({ name: 'staff' });
    const editor = await Role.create({ name: 'editor' });
    await RoleMapping.create({ principalType: 'ROLE', principalId: String(staff.id), roleId: editor.id });
    await RoleMapping.create({ principalType: 'USER', principalId: '2', roleId: staff.id });
    expect(track(await request(app).get('/api/Tags').set('Authorization', bob)).status).toBe(200);
    expect(track(await request(app).get('/api/Tags').set('Authorization', ann)).status).toBe(401);
  });

  it('rules stored in the ACL model count, and a more specific DENY wins', async () => {
    const { ACL } = app.models;
    const row = await ACL.create({
      model: 'Open',
      property: 'find',
      accessType: 'READ',
      principalType: 'ROLE',
      principalId: '$everyone',
      permission: 'DENY',
    });
    expect(track(await request(app).get('/api/Opens')).status).toBe(401);
    expect(track(await request(app).get('/api/Opens/count')).status).toBe(200);
    await row.destroy();
  });

  it('include checks READ on the target model, nested includes too', async () => {
    // Notes → author (Member: only the owner reads) — the include needs Member READ ("find").
    const res = track(
      await request(app)
        .get('/api/Notes?filter=' + encodeURIComponent(JSON.stringify({ include: 'author' })))
        .set('Authorization', bob),
    );
    expect(res.status).toBe(401);
    const tags = track(
      await request(app)
        .get('/api/Notes?filter=' + encodeURIComponent(JSON.stringify({ include: { relation: 'tags' } })))
        .set('Authorization', ann),
    );
    expect(tags.status).toBe(401);
    const ok = track(
      await request(app)
        .get('/api/Notes?filter=' + encodeURIComponent(JSON.stringify({ include: 'tags' })))
        .set('Authorization', bob),
    );
    expect(ok.status).toBe(200);
  });

  it('relation endpoints check the target model as well', async () => {
    // Member 1 may read its own notes' relation only if Note allows READ (it does for the signed-in)...
    const Member = app.models.Member;
    Member.settings.acls.push({
      principalType: 'ROLE',
      principalId: '$owner',
      permission: 'ALLOW',
      property: '__get__notes',
    });
    expect(track(await request(app).get('/api/Members/1/notes').set('Authorization', ann)).status).toBe(200);
    expect(track(await request(app).get('/api/Members/1/notes').set('Authorization', bob)).status).toBe(401);
    // ...and Notes → tags needs Tag READ (editor role: bob has it, ann not), even though Note allows.
    expect(track(await request(app).get('/api/Notes/1/tags').set('Authorization', ann)).status).toBe(401);
    expect(track(await request(app).get('/api/Notes/1/tags').set('Authorization', bob)).status).toBe(200);
  });

  it('aclErrorStatus 403 answers ACCESS_DENIED to a signed-in user, 401 still to the anonymous', async () => {
    const strict = await makeApp({ aclErrorStatus: 403 });
    await signup(strict, 'dee@example.com');
    const { id } = await login(strict, 'dee@example.com');
    await strict.models.Doc.create({ body: 'x', ownerId: 99 });
    const denied = track(await request(strict).get('/api/Docs/1').set('Authorization', id));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({ statusCode: 403, message: 'Access Denied', code: 'ACCESS_DENIED' });
    expect(track(await request(strict).get('/api/Docs/1')).status).toBe(401);
  });

  it('aclErrorStatus 404 answers MODEL_NOT_FOUND to a signed-in user (the record is not revealed), 401 still to the anonymous', async () => {
    const hiding = await makeApp({ aclErrorStatus: 404 });
    await signup(hiding, 'eve@example.com');
    const { id } = await login(hiding, 'eve@example.com');
    await hiding.models.Doc.create({ body: 'x', ownerId: 99 });
    const denied = track(await request(hiding).get('/api/Docs/1').set('Authorization', id));
    expect(denied.status).toBe(404);
    expect(denied.body.error).toEqual({
      statusCode: 404,
      message: 'could not find Doc with id 1',
      code: 'MODEL_NOT_FOUND',
    });
    expect(track(await request(hiding).get('/api/Docs/1')).status).toBe(401);
    // A model's own setting wins over the app's.
    hiding.models.Doc.settings.aclErrorStatus = 403;
    expect(track(await request(hiding).get('/api/Docs/1').set('Authorization', id)).status).toBe(403);
  });

  it('Model.checkAccess and ACL.checkPermission answer from the same rules', async () => {
    const token = await app.models.AccessToken.findById(ann);
    expect(
      await app.models.Doc.checkAccess(token, 1, { name: 'findById', accessType: 'READ', aliases: [] }),
    ).toBe(true);
    expect(
      await app.models.Doc.checkAccess(null, 1, { name: 'findById', accessType: 'READ', aliases: [] }),
    ).toBe(false);
    const decision = await app.models.ACL.checkPermission('ROLE', '$everyone', 'Note', 'find', 'READ');
    expect(decision.permission).toBe('DENY');
  });

  it('ACL, Role, RoleMapping and AccessToken are closed even when exposed', async () => {
    const exposed = await makeApp();
    exposed.model(exposed.registry.getModel('Role'), { dataSource: exposed.dataSources.db, public: true });
    expect(track(await request(exposed).get('/api/Roles')).status).toBe(401);
  });
});

describe('the example app', () => {
  let app: any;
  beforeAll(async () => {
    app = await bootExampleApp();
  });

  it('login → token → authorised request; owner-only writes on wishlists', async () => {
    const signupRes = track(
      await request(app).post('/api/Accounts').send({ email: 'eve@example.com', password: 'correct horse' }),
    );
    expect(signupRes.status).toBe(200);
    track(
      await request(app).post('/api/Accounts').send({ email: 'mal@example.com', password: 'battery staple' }),
    );
    const eve = track(
      await request(app)
        .post('/api/Accounts/login')
        .send({ email: 'eve@example.com', password: 'correct horse' }),
    ).body.id;
    const mal = track(
      await request(app)
        .post('/api/Accounts/login')
        .send({ email: 'mal@example.com', password: 'battery staple' }),
    ).body.id;
    expect(track(await request(app).get('/api/Wishlists')).status).toBe(401);
    const created = track(
      await request(app)
        .post('/api/Wishlists')
        .set('Authorization', eve)
        .send({ name: 'birthday', productIds: [1] }),
    );
    expect(created.status).toBe(200);
    expect(created.body.ownerAccountId).toBe(signupRes.body.id);
    expect(track(await request(app).get('/api/Wishlists').set('Authorization', mal)).status).toBe(200);
    expect(
      track(
        await request(app)
          .patch(`/api/Wishlists/${created.body.id}`)
          .set('Authorization', mal)
          .send({ name: 'x' }),
      ).status,
    ).toBe(401);
    expect(
      track(
        await request(app)
          .patch(`/api/Wishlists/${created.body.id}`)
          .set('Authorization', eve)
          .send({ name: 'b-day' }),
      ).status,
    ).toBe(200);
    const mine = track(await request(app).get('/api/Accounts/me/wishlists').set('Authorization', eve));
    expect([mine.status, mine.body.length]).toEqual([200, 1]);
    // The existing models have no ACLs: still open to everyone.
    expect(track(await request(app).get('/api/Customers')).status).toBe(200);
  });
});

afterAll(() => {
  // No password hash, session token of another test, reset token or verification token ever
  // appears in a response body (login responses are the only place a token id is returned).
  const all = bodies.join('\n');
  expect(all).not.toMatch(/\$2[aby]\$\d\d\$/);
  expect(all).not.toContain('verificationToken');
  expect(secrets.length).toBeGreaterThan(5);
  for (const s of secrets.filter((x) => typeof x === 'string' && !/^[A-Za-z0-9]{64}$/.test(x)))
    expect(all).not.toContain(s);
  for (const s of resetAndVerifyTokens) expect(all).not.toContain(s);
});

import request from 'supertest';
import { authApp } from '../support/auth-app';

/**
 * A user's server-managed properties over REST — emailVerified, verificationToken and realm — and
 * LB3's realms: login with `realmRequired` / `realmDelimiter`, uniqueness per realm, and a changed
 * address losing its verification. Each refusal leaves the stored user as it was.
 */
async function makeApp(userSettings: Record<string, unknown> = {}) {
  const { app, models } = authApp((reg) => [
    reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4, ...userSettings }),
  ]);
  return { app, Member: models[0] };
}

async function login(app: any, credentials: Record<string, unknown>): Promise<string> {
  const res = await request(app).post('/api/Members/login').send(credentials);
  expect(res.status).toBe(200);
  return res.body.id as string;
}

/** The stored user, hidden properties included, as server code sees it. */
async function stored(Member: any, id: number): Promise<Record<string, unknown>> {
  return (await Member.findById(id)).toObject();
}

describe('a user without realms', () => {
  let app: any;
  let Member: any;
  let token: string;
  beforeAll(async () => {
    ({ app, Member } = await makeApp());
    expect(
      (await request(app).post('/api/Members').send({ email: 'ann@example.com', password: 'ann-secret' }))
        .status,
    ).toBe(200);
    token = await login(app, { email: 'ann@example.com', password: 'ann-secret' });
  });

  it('refuses a realm on signup: 400 PROPERTY_NOT_WRITABLE, no user created', async () => {
    const res = await request(app)
      .post('/api/Members')
      .send({ email: 'eve@example.com', password: 'eve-secret', realm: 'admins' });
    expect([res.status, res.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect(res.body.error.message).toContain('"realm"');
    expect(await Member.count()).toBe(1);
  });

  it('refuses a realm by PATCH and PUT on oneself, and the stored user is unchanged', async () => {
    const before = await stored(Member, 1);
    const patch = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ realm: 'admins' });
    expect([patch.status, patch.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    const put = await request(app)
      .put('/api/Members/1')
      .set('Authorization', token)
      .send({ email: 'ann@example.com', realm: 'admins' });
    expect([put.status, put.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect(await stored(Member, 1)).toEqual(before);
  });

  it('accepts a server-managed value sent back unchanged (a client PATCHing what it read)', async () => {
    const read = await request(app).get('/api/Members/1').set('Authorization', token);
    expect(read.body.emailVerified).toBeUndefined();
    const res = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ username: 'ann', emailVerified: null });
    expect(res.status).toBe(200);
    await Member.updateAll({ id: 1 }, { emailVerified: false });
    const same = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ username: 'annie', emailVerified: false });
    expect([same.status, same.body.username]).toEqual([200, 'annie']);
    const changed = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ emailVerified: true });
    expect([changed.status, changed.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect((await stored(Member, 1)).emailVerified).toBe(false);
  });

  it('server code still sets realm and emailVerified freely', async () => {
    const u = await Member.create({
      email: 'ops@example.com',
      password: 'ops-secret',
      realm: 'staff',
      emailVerified: true,
    });
    expect((await stored(Member, u.id)).realm).toBe('staff');
    await u.updateAttributes({ realm: 'ops' });
    expect((await stored(Member, u.id)).realm).toBe('ops');
    await Member.destroyById(u.id);
  });

  it('ignores a realm given at login, as LB3 does without realmRequired', async () => {
    expect(
      typeof (await login(app, { email: 'ann@example.com', password: 'ann-secret', realm: 'elsewhere' })),
    ).toBe('string');
  });
});

describe('a user with realmRequired and realmDelimiter', () => {
  let app: any;
  let Member: any;
  beforeAll(async () => {
    ({ app, Member } = await makeApp({ realmRequired: true, realmDelimiter: ':' }));
  });

  it('signs up into a realm, and the same email may sign up in another realm but not twice in one', async () => {
    const a = await request(app)
      .post('/api/Members')
      .send({ realm: 'north', email: 'sam@example.com', password: 'north-secret' });
    expect([a.status, a.body.realm]).toEqual([200, 'north']);
    const b = await request(app)
      .post('/api/Members')
      .send({ realm: 'south', email: 'sam@example.com', password: 'south-secret' });
    expect([b.status, b.body.realm]).toEqual([200, 'south']);
    const again = await request(app)
      .post('/api/Members')
      .send({ realm: 'north', email: 'sam@example.com', password: 'x-secret' });
    expect([again.status, again.body.error.code]).toEqual([422, 'VALIDATION_FAILED']);
    expect(await Member.count()).toBe(2);
  });

  it('logs in within a realm, by field or by "realm:email"; each realm checks its own password', async () => {
    const byField = await request(app)
      .post('/api/Members/login')
      .send({ realm: 'north', email: 'sam@example.com', password: 'north-secret' });
    expect([byField.status, byField.body.userId]).toEqual([200, 1]);
    const byDelimiter = await request(app)
      .post('/api/Members/login')
      .send({ email: 'south:sam@example.com', password: 'south-secret' });
    expect([byDelimiter.status, byDelimiter.body.userId]).toEqual([200, 2]);
    const crossed = await request(app)
      .post('/api/Members/login')
      .send({ realm: 'north', email: 'sam@example.com', password: 'south-secret' });
    expect([crossed.status, crossed.body.error.code]).toEqual([401, 'LOGIN_FAILED']);
  });

  it('without a realm: 400 REALM_REQUIRED; an operator as the realm: 400 INVALID_REALM', async () => {
    const none = await request(app)
      .post('/api/Members/login')
      .send({ email: 'sam@example.com', password: 'north-secret' });
    expect([none.status, none.body.error.code]).toEqual([400, 'REALM_REQUIRED']);
    const operator = await request(app)
      .post('/api/Members/login')
      .send({ realm: { neq: null }, email: 'sam@example.com', password: 'north-secret' });
    expect([operator.status, operator.body.error.code]).toEqual([400, 'INVALID_REALM']);
  });

  it('a user cannot move to another realm by PATCH', async () => {
    const token = await login(app, { realm: 'north', email: 'sam@example.com', password: 'north-secret' });
    const res = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ realm: 'south' });
    expect([res.status, res.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect((await stored(Member, 1)).realm).toBe('north');
  });
});

describe('emailVerificationRequired: a changed address must be verified again', () => {
  it('PATCHing the email resets emailVerified; the same email keeps it', async () => {
    const { app, Member } = await makeApp({ emailVerificationRequired: true });
    await Member.create({ email: 'kim@example.com', password: 'kim-secret', emailVerified: true });
    const token = await login(app, { email: 'kim@example.com', password: 'kim-secret' });
    const same = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ email: 'kim@example.com', username: 'kim' });
    expect(same.status).toBe(200);
    expect((await stored(Member, 1)).emailVerified).toBe(true);
    const changed = await request(app)
      .patch('/api/Members/1')
      .set('Authorization', token)
      .send({ email: 'someone-else@example.com' });
    expect(changed.status).toBe(200);
    expect((await stored(Member, 1)).emailVerified).toBe(false);
    const relogin = await request(app)
      .post('/api/Members/login')
      .send({ email: 'someone-else@example.com', password: 'kim-secret' });
    expect([relogin.status, relogin.body.error.code]).toEqual([401, 'LOGIN_FAILED_EMAIL_NOT_VERIFIED']);
  });
});

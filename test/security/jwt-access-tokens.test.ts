import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jose from 'jose';
import request from 'supertest';
import { authApp } from '../support/auth-app';

/**
 * JWT access tokens (issue 23, item 3 and its bad input): `accessTokenFormat: "jwt"` makes a login
 * answer a signed JWT as the token id; the token middleware verifies it without the store, ACLs and
 * `$owner` hold as for stored tokens, and every bad token is a 401 with a stable code.
 */
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'diary-api';
const OWNER_ONLY = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
  { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW' },
];

async function privateJwk(alg: 'ES256' | 'RS256', kid: string): Promise<jose.JWK> {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg };
}

async function makeApp(jwt: Record<string, unknown>) {
  const { app } = authApp((reg) => [
    reg.createModel({ name: 'Customer', base: 'User', saltWorkFactor: 4 }),
    reg.createModel({
      name: 'Diary',
      properties: { text: 'string', customerId: 'number' },
      relations: { customer: { type: 'belongsTo', model: 'Customer', foreignKey: 'customerId' } },
      acls: OWNER_ONLY,
    }),
  ]);
  app.set('accessTokenFormat', 'jwt');
  app.set('jwt', jwt);
  const { Customer, Diary } = app.models;
  await Customer.create([
    { email: 'ann@example.com', password: 'secret-ann' },
    { email: 'bob@example.com', password: 'secret-bob' },
  ]);
  await Diary.create([
    { text: "ann's diary", customerId: 1 },
    { text: "bob's diary", customerId: 2 },
  ]);
  return app;
}

async function login(app: any, email: string, password: string): Promise<any> {
  const res = await request(app).post('/api/Customers/login').send({ email, password });
  expect(res.status).toBe(200);
  return res.body;
}

function forge(
  key: jose.KeyLike | Uint8Array,
  header: jose.JWTHeaderParameters,
  claims: Record<string, unknown> = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ uid: 1, created: Date.now(), ttl: 600, principalType: 'Customer', ...claims })
    .setProtectedHeader({ typ: 'at+jwt', ...header })
    .setSubject('1')
    .setIssuer((claims.iss as string) ?? ISSUER)
    .setAudience((claims.aud as string) ?? AUDIENCE)
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime((claims.exp as number) ?? now + 600)
    .sign(key);
}

describe('JWT access tokens', () => {
  let app: any;
  let signingJwk: jose.JWK;
  let signingKey: jose.KeyLike | Uint8Array;

  beforeAll(async () => {
    signingJwk = await privateJwk('ES256', 'k1');
    signingKey = await jose.importJWK(signingJwk, 'ES256');
    app = await makeApp({ issuer: ISSUER, audience: AUDIENCE, keys: [signingJwk] });
  });

  it('login answers an AccessToken whose id is a JWT, and nothing is stored', async () => {
    const token = await login(app, 'ann@example.com', 'secret-ann');
    expect(token).toEqual({
      id: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      ttl: 1209600,
      userId: 1,
      created: expect.any(String),
    });
    expect(await app.models.AccessToken.count()).toBe(0);
    const header = jose.decodeProtectedHeader(token.id);
    expect(header).toEqual({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
    const claims = jose.decodeJwt(token.id);
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: '1',
      uid: 1,
      principalType: 'Customer',
      ttl: 1209600,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(1209600);
  });

  it('is accepted where LB3 clients send a token, and $owner holds', async () => {
    const { id } = await login(app, 'ann@example.com', 'secret-ann');
    for (const send of [
      (r: request.Test) => r.set('Authorization', id),
      (r: request.Test) => r.set('Authorization', `Bearer ${id}`),
      (r: request.Test) => r.query({ access_token: id }),
      (r: request.Test) => r.set('X-Access-Token', id),
    ]) {
      const own = await send(request(app).get('/api/Diaries/1'));
      expect(own.status).toBe(200);
      expect(own.body.text).toBe("ann's diary");
      const other = await send(request(app).get('/api/Diaries/2'));
      expect(other.status).toBe(401);
    }
    expect((await request(app).get('/api/Diaries/1')).status).toBe(401);
    const me = await request(app).get('/api/Customers/1').set('Authorization', id);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('ann@example.com');
  });

  it('publishes its public keys at /.well-known/jwks.json, which verify its tokens', async () => {
    const res = await request(app).get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kid: 'k1', alg: 'ES256', use: 'sig', kty: 'EC' });
    expect(res.body.keys[0].d).toBeUndefined();
    const { id } = await login(app, 'ann@example.com', 'secret-ann');
    const { payload } = await jose.jwtVerify(id, jose.createLocalJWKSet(res.body), {
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    expect(payload.sub).toBe('1');
  });

  describe('bad tokens are 401 with a stable code, and grant nothing', () => {
    async function refused(id: string, code: string) {
      const res = await request(app).get('/api/Diaries/1').set('Authorization', id);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe(code);
      expect(JSON.stringify(res.body)).not.toContain('diary');
      const query = await request(app).get('/api/Diaries/1').query({ access_token: id });
      expect(query.status).toBe(401);
      expect(query.body.error.code).toBe(code);
    }

    it('signed with an unknown key, or another key under a known kid', async () => {
      const other = await jose.importJWK(await privateJwk('ES256', 'k9'), 'ES256');
      await refused(await forge(other, { alg: 'ES256', kid: 'k9' }), 'INVALID_ACCESS_TOKEN');
      await refused(await forge(other, { alg: 'ES256', kid: 'k1' }), 'INVALID_ACCESS_TOKEN');
      await refused(await forge(other, { alg: 'ES256' }), 'INVALID_ACCESS_TOKEN');
      // Another algorithm under the known kid (an RSA key where the JWKS says ES256).
      const rsa = await jose.importJWK(await privateJwk('RS256', 'k1'), 'RS256');
      await refused(await forge(rsa, { alg: 'RS256', kid: 'k1' }), 'INVALID_ACCESS_TOKEN');
    });

    it('alg none, and HS256 keyed with the public key', async () => {
      const good = await forge(signingKey, { alg: 'ES256', kid: 'k1' });
      const [, payload] = good.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
      await refused(none, 'INVALID_ACCESS_TOKEN');
      const publicJwk = (await request(app).get('/.well-known/jwks.json')).body.keys[0];
      const publicPem = await jose.exportSPKI((await jose.importJWK(publicJwk, 'ES256')) as jose.KeyLike);
      for (const secret of [publicPem, JSON.stringify(publicJwk)]) {
        await refused(
          await forge(new TextEncoder().encode(secret), { alg: 'HS256', kid: 'k1' }),
          'INVALID_ACCESS_TOKEN',
        );
      }
    });

    it('expired', async () => {
      const past = Math.floor(Date.now() / 1000) - 10;
      await refused(
        await forge(signingKey, { alg: 'ES256', kid: 'k1' }, { exp: past }),
        'ACCESS_TOKEN_EXPIRED',
      );
    });

    it('another issuer or audience', async () => {
      await refused(
        await forge(signingKey, { alg: 'ES256', kid: 'k1' }, { iss: 'https://evil.test' }),
        'INVALID_ACCESS_TOKEN',
      );
      await refused(
        await forge(signingKey, { alg: 'ES256', kid: 'k1' }, { aud: 'other-api' }),
        'INVALID_ACCESS_TOKEN',
      );
    });

    it('a tampered payload (another user) under a genuine signature', async () => {
      const { id } = await login(app, 'bob@example.com', 'secret-bob');
      const [header, payload, signature] = id.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const tampered = Buffer.from(JSON.stringify({ ...claims, uid: 1, sub: '1' })).toString('base64url');
      await refused(`${header}.${tampered}.${signature}`, 'INVALID_ACCESS_TOKEN');
    });

    it('logged out: revoked until it expires; a second logout is refused', async () => {
      const { id } = await login(app, 'ann@example.com', 'secret-ann');
      expect((await request(app).get('/api/Diaries/1').set('Authorization', id)).status).toBe(200);
      const out = await request(app).post('/api/Customers/logout').set('Authorization', id);
      expect(out.status).toBe(204);
      await refused(id, 'ACCESS_TOKEN_REVOKED');
      const again = await request(app).post('/api/Customers/logout').set('Authorization', id);
      expect([again.status, again.body.error.code]).toEqual([401, 'ACCESS_TOKEN_REQUIRED']);
    });

    it("server code's token.destroy() revokes a JWT, as it ends a stored session", async () => {
      const ann = await app.models.Customer.findById(1);
      const token = await ann.createAccessToken(600);
      expect((await request(app).get('/api/Diaries/1').set('Authorization', token.id)).status).toBe(200);
      await token.destroy();
      await refused(token.id, 'ACCESS_TOKEN_REVOKED');
      const fresh = (await login(app, 'ann@example.com', 'secret-ann')).id;
      const resolved = await new Promise<any>((resolve, reject) =>
        app.models.AccessToken.resolve(fresh, (err: Error | null, t: any) =>
          err ? reject(err) : resolve(t),
        ),
      );
      await new Promise<void>((resolve, reject) =>
        resolved.destroy((err: Error | null) => (err ? reject(err) : resolve())),
      );
      await refused(resolved.id, 'ACCESS_TOKEN_REVOKED');
    });

    it('a refused token is no token: a login or a public method still answers, as LB3 treats an unknown token', async () => {
      const past = Math.floor(Date.now() / 1000) - 10;
      const expired = await forge(signingKey, { alg: 'ES256', kid: 'k1' }, { exp: past });
      const res = await request(app)
        .post('/api/Customers/login')
        .set('Authorization', expired)
        .send({ email: 'ann@example.com', password: 'secret-ann' });
      expect(res.status).toBe(200);
      expect(res.body.userId).toBe(1);
      // The signature's first character changed: its last ones may carry only padding bits, which
      // a base64url decoder ignores (the token then still verifies, once in some 256 runs).
      const [head, payload, signature] = res.body.id.split('.');
      const tampered = `${head}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      const me = await request(app).get('/api/Customers/1').set('Authorization', tampered);
      expect([me.status, me.body.error.code]).toEqual([401, 'INVALID_ACCESS_TOKEN']);
    });
  });

  it("a password change revokes the user's other tokens, keeps the one making it; others' stand", async () => {
    const a = await makeApp({ issuer: ISSUER, audience: AUDIENCE });
    const first = (await login(a, 'ann@example.com', 'secret-ann')).id;
    const current = (await login(a, 'ann@example.com', 'secret-ann')).id;
    const bob = (await login(a, 'bob@example.com', 'secret-bob')).id;
    const change = await request(a)
      .post('/api/Customers/change-password')
      .set('Authorization', current)
      .send({ oldPassword: 'secret-ann', newPassword: 'new-secret-ann' });
    expect(change.status).toBe(204);
    const old = await request(a).get('/api/Diaries/1').set('Authorization', first);
    expect([old.status, old.body.error.code]).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
    expect((await request(a).get('/api/Diaries/1').set('Authorization', current)).status).toBe(200);
    expect((await request(a).get('/api/Diaries/2').set('Authorization', bob)).status).toBe(200);
    // A login after the change is valid.
    const fresh = (await login(a, 'ann@example.com', 'new-secret-ann')).id;
    expect((await request(a).get('/api/Diaries/1').set('Authorization', fresh)).status).toBe(200);
  });

  it('deleting a user revokes its tokens', async () => {
    const a = await makeApp({ issuer: ISSUER, audience: AUDIENCE });
    const { id } = await login(a, 'ann@example.com', 'secret-ann');
    expect((await request(a).delete('/api/Customers/1').set('Authorization', id)).status).toBe(200);
    const after = await request(a).get('/api/Diaries/1').set('Authorization', id);
    expect([after.status, after.body.error.code]).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
  });

  it('rotation: a new key signs, a retired key (public part only) still verifies its tokens', async () => {
    const oldJwk = await privateJwk('RS256', 'old');
    const before = await makeApp({ issuer: ISSUER, audience: AUDIENCE, algorithm: 'RS256', keys: [oldJwk] });
    const oldToken = (await login(before, 'ann@example.com', 'secret-ann')).id;
    expect(jose.decodeProtectedHeader(oldToken)).toMatchObject({ alg: 'RS256', kid: 'old' });
    const { d, p, q, dp, dq, qi, ...oldPublic } = oldJwk;
    expect([d, p, q, dp, dq, qi].every(Boolean)).toBe(true);
    const after = await makeApp({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [await privateJwk('ES256', 'new'), oldPublic],
    });
    expect((await request(after).get('/api/Diaries/1').set('Authorization', oldToken)).status).toBe(200);
    const newToken = (await login(after, 'ann@example.com', 'secret-ann')).id;
    expect(jose.decodeProtectedHeader(newToken)).toMatchObject({ alg: 'ES256', kid: 'new' });
    const jwks = (await request(after).get('/.well-known/jwks.json')).body;
    expect(jwks.keys.map((k: jose.JWK) => k.kid)).toEqual(['new', 'old']);
    expect(jwks.keys.some((k: jose.JWK) => k.d)).toBe(false);
  });

  it('keyFile: a key generated once (mode 0600) and used again after a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-jwt-'));
    const keyFile = path.join(dir, 'jwt-keys.json');
    try {
      const first = await makeApp({ keyFile });
      const { id } = await login(first, 'ann@example.com', 'secret-ann');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const restarted = await makeApp({ keyFile });
      expect((await request(restarted).get('/api/Diaries/1').set('Authorization', id)).status).toBe(200);
      const stranger = await makeApp({});
      const res = await request(stranger).get('/api/Diaries/1').set('Authorization', id);
      expect([res.status, res.body.error.code]).toEqual([401, 'INVALID_ACCESS_TOKEN']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reset-password token is a scoped JWT: it sets the password and reads nothing', async () => {
    const a = await makeApp({});
    const issued = new Promise<any>((resolve) => a.models.Customer.once('resetPasswordRequest', resolve));
    expect((await request(a).post('/api/Customers/reset').send({ email: 'ann@example.com' })).status).toBe(
      204,
    );
    const { accessToken } = await issued;
    expect(jose.decodeJwt(accessToken.id).scopes).toEqual(['reset-password']);
    expect((await request(a).get('/api/Diaries/1').set('Authorization', accessToken.id)).status).toBe(401);
    const set = await request(a)
      .post('/api/Customers/reset-password')
      .set('Authorization', accessToken.id)
      .send({ newPassword: 'reset-ann' });
    expect(set.status).toBe(204);
    // Single use: the token ends with the change.
    const again = await request(a)
      .post('/api/Customers/reset-password')
      .set('Authorization', accessToken.id)
      .send({ newPassword: 'reset-ann-2' });
    expect(again.status).toBe(401);
    await login(a, 'ann@example.com', 'reset-ann');
  });

  it('jwt settings naming another algorithm are a 500 INVALID_JWT_SETTINGS at login, and no token', async () => {
    const a = await makeApp({ algorithm: 'HS256' });
    const res = await request(a)
      .post('/api/Customers/login')
      .send({ email: 'ann@example.com', password: 'secret-ann' });
    expect([res.status, res.body.error.code]).toEqual([500, 'INVALID_JWT_SETTINGS']);
    expect(res.body.id).toBeUndefined();
  });

  it('the format can be chosen per user model', async () => {
    const { app: a } = authApp((reg) => [
      reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4, accessTokenFormat: 'jwt' }),
      reg.createModel({ name: 'Staff', base: 'User', saltWorkFactor: 4 }),
    ]);
    await a.models.Member.create({ email: 'm@example.com', password: 'secret-m' });
    await a.models.Staff.create({ email: 's@example.com', password: 'secret-s' });
    const member = await request(a)
      .post('/api/Members/login')
      .send({ email: 'm@example.com', password: 'secret-m' });
    const staff = await request(a)
      .post('/api/Staffs/login')
      .send({ email: 's@example.com', password: 'secret-s' });
    expect(member.body.id.split('.')).toHaveLength(3);
    expect(staff.body.id).toMatch(/^[A-Za-z0-9]{64}$/);
    expect((await request(a).get('/api/Members/1').set('Authorization', member.body.id)).status).toBe(200);
    expect((await request(a).get('/api/Staffs/1').set('Authorization', member.body.id)).status).toBe(401);
    expect((await request(a).get('/api/Staffs/1').set('Authorization', staff.body.id)).status).toBe(200);
  });
});

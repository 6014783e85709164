import { OAuth2Server } from 'oauth2-mock-server';
import path from 'path';
import { STORES } from '../connectors/stores';
import { Browser } from '../support/browser';
import { listen, passportApp } from '../support/passport-app';

/**
 * loopline/passport on PostgreSQL: OpenID Connect with discovery (openid-client's Passport
 * strategy, from the issuer URL alone) against an OpenID Connect server on 127.0.0.1
 * (oauth2-mock-server), account linking of a second provider to the logged-in user, and the
 * local login. Users, identities, credentials and tokens are read back from the store.
 */
jest.setTimeout(60000);

const POSTGRES = STORES.find((s) => s.name === 'postgresql')!;
const STRATEGY = path.join(__dirname, '../fixtures/passport/userinfo-strategy.js');

describe('loopline/passport: OpenID Connect discovery, linking, local login (PostgreSQL)', () => {
  const issuerServer = new OAuth2Server();
  let app: any;
  let base: string;
  let close: () => Promise<void>;
  let claims: Record<string, unknown> = {};

  beforeAll(async () => {
    await issuerServer.issuer.keys.generate('RS256');
    await issuerServer.start(0, '127.0.0.1');
    issuerServer.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
      Object.assign(token.payload, claims);
    });
    issuerServer.service.on('beforeUserinfo', (userInfo: { body: Record<string, unknown> }) => {
      userInfo.body = { sub: claims.sub, email: claims.email, name: claims.name };
    });
    let configurator;
    ({ app, configurator } = passportApp(POSTGRES.settings));
    await app.dataSources.db.automigrate([
      'Member',
      'AccessToken',
      'ACL',
      'Role',
      'RoleMapping',
      'UserIdentity',
      'UserCredential',
      'Note',
    ]);
    ({ base, close } = await listen(app));
    const issuer = issuerServer.issuer.url!;
    await configurator.configureProvider('idp', {
      authScheme: 'openid connect',
      issuer,
      clientID: 'app-c',
      clientSecret: 'c-secret',
      allowInsecureRequests: true,
      json: true,
      callbackURL: '/auth/idp/callback',
    });
    configurator.configureProvider('idp-web', {
      authScheme: 'OpenID Connect',
      provider: 'idp',
      issuer,
      clientID: 'app-c',
      clientSecret: 'c-secret',
      allowInsecureRequests: true,
      successRedirect: '/home',
      failureRedirect: '/login',
    });
    configurator.configureProvider('other', {
      module: STRATEGY,
      authScheme: 'oauth2',
      link: true,
      clientID: 'app-c',
      clientSecret: 'c-secret',
      authorizationURL: `${issuer}/authorize`,
      tokenURL: `${issuer}/token`,
      userInfoURL: `${issuer}/userinfo`,
      pkce: true,
      state: true,
      json: true,
    });
    configurator.configureProvider('local', {
      module: 'passport-local',
      usernameField: 'email',
      passwordField: 'password',
      setAccessToken: true,
      json: true,
      ttl: 600,
    });
    app.middleware('parse', require('express').json());
  });

  afterAll(async () => {
    await close();
    await issuerServer.stop();
    await app.dataSources.db.disconnect();
  });

  it('logs in through the issuer found by discovery: ID token validated, user and identity created, a token for the REST API', async () => {
    claims = { sub: 'oidc-dora', email: 'dora@idp.example', name: 'Dora', preferred_username: 'dora' };
    const browser = new Browser();
    const hops = await browser.follow(`${base}/auth/idp`);
    const authorize = new URL(hops[0].location!);
    expect(authorize.origin).toBe(issuerServer.issuer.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/auth/idp/callback`);
    const last = hops[hops.length - 1];
    expect(last.status).toBe(200);
    const body = JSON.parse(last.body);
    expect(body).toEqual({ access_token: expect.stringMatching(/^\w{64}$/), userId: expect.anything() });
    const user = await app.models.Member.findById(body.userId);
    expect(user.username).toBe('idp.dora');
    const identities = await app.models.UserIdentity.find({ where: { userId: user.id } });
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({
      provider: 'idp',
      authScheme: 'openid connect',
      externalId: 'oidc-dora',
    });
    expect(identities[0].profile).toMatchObject({
      displayName: 'Dora',
      emails: [{ value: 'dora@idp.example' }],
    });
    expect(identities[0].credentials.idToken).toEqual(expect.any(String));
    expect(
      (await browser.request(`${base}/api/Notes`, { headers: { authorization: body.access_token } })).status,
    ).toBe(200);

    // The web variant: same provider name, so the same user; cookies and a redirect.
    const web = new Browser();
    const webHops = await web.follow(`${base}/auth/idp-web`, (u) => u.pathname === '/home');
    expect(webHops[webHops.length - 1].location).toBe(`${base}/home`);
    expect(await app.models.Member.count()).toBe(1);
    expect(await app.models.UserIdentity.count()).toBe(1);
    expect((await web.request(`${base}/api/Notes`)).status).toBe(200);
  });

  it("OpenID Connect: a callback without this browser's state, or an ID token the issuer did not sign for us, creates nothing", async () => {
    claims = { sub: 'oidc-eve', email: 'eve@idp.example' };
    const before = await counts();
    const browser = new Browser();
    const start = await browser.request(`${base}/auth/idp`);
    const authorize = await browser.request(start.location!);
    const stranger = await new Browser().request(authorize.location!);
    expect(stranger.status).toBe(401);
    expect(JSON.parse(stranger.body).error.code).toBe('THIRD_PARTY_LOGIN_FAILED');
    // An ID token for another audience.
    claims = { sub: 'oidc-eve', aud: 'someone-else' };
    const hops = await new Browser().follow(`${base}/auth/idp`);
    expect(hops[hops.length - 1].status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('links a second provider to the logged-in user (by the access token) as a UserCredential; without a login, nothing is linked', async () => {
    const dora = await app.models.Member.findOne({ where: { username: 'idp.dora' } });
    const token = await dora.createAccessToken(600);
    claims = { sub: 'other-dora', email: 'dora@other.example', name: 'Dora at Other' };
    const browser = new Browser();
    const start = await browser.request(`${base}/link/other`, { headers: { authorization: token.id } });
    expect(start.status).toBe(302);
    const authorize = await browser.request(start.location!);
    const callback = await browser.request(authorize.location!, { headers: { authorization: token.id } });
    expect(callback.status).toBe(200);
    expect(JSON.parse(callback.body)).toEqual({
      userId: dora.id,
      provider: 'other',
      externalId: 'other-dora',
    });
    const credentials = await app.models.UserCredential.find({ where: { userId: dora.id } });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({
      provider: 'other',
      externalId: 'other-dora',
      authScheme: 'oauth2',
    });
    expect(await app.models.Member.count()).toBe(1);
    const linked = await dora.credentials();
    expect(linked.map((c: any) => c.externalId)).toEqual(['other-dora']);

    const anonymous = new Browser();
    const s2 = await anonymous.request(`${base}/link/other`);
    const a2 = await anonymous.request(s2.location!);
    const c2 = await anonymous.request(a2.location!);
    expect(c2.status).toBe(401);
    expect(JSON.parse(c2.body).error.code).toBe('THIRD_PARTY_LINK_NO_USER');
    expect(await app.models.UserCredential.count()).toBe(1);
  });

  it('local login: email and password of a verified user answer {access_token, userId}; a wrong password is 401 with a code', async () => {
    const fay = await app.models.Member.create({
      email: 'fay@example.org',
      password: 'fay-secret-1',
      emailVerified: true,
    });
    const ok = await new Browser().request(`${base}/auth/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fay@example.org', password: 'fay-secret-1' }),
    });
    expect(ok.status).toBe(200);
    const body = JSON.parse(ok.body);
    expect(body.userId).toEqual(fay.id);
    expect((await app.models.AccessToken.findById(body.access_token)).ttl).toBe(600);
    const tokens = await app.models.AccessToken.count();
    const bad = await new Browser().request(`${base}/auth/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fay@example.org', password: 'wrong' }),
    });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body).error.code).toBe('THIRD_PARTY_LOGIN_FAILED');
    expect(await app.models.AccessToken.count()).toBe(tokens);
  });

  async function counts() {
    return {
      users: await app.models.Member.count(),
      identities: await app.models.UserIdentity.count(),
      tokens: await app.models.AccessToken.count(),
    };
  }
});

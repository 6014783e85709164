import path from 'path';
import { OAuth2Server } from 'oauth2-mock-server';
import type { PassportConfigurator } from '../../src/components/passport';
import { Browser } from '../support/browser';
import { listen, passportApp } from '../support/passport-app';

/**
 * loopline/passport's OAuth 2.0 login against a real OAuth 2.0 server on 127.0.0.1
 * (oauth2-mock-server): the app's strategy is passport-oauth2 with PKCE; the browser's part is
 * plain HTTP following Location headers. Users, identities and tokens are read from the store.
 */
jest.setTimeout(30000);

const STRATEGY = path.join(__dirname, '../fixtures/passport/userinfo-strategy.js');

describe('loopline/passport: OAuth 2.0 login with PKCE (memory store)', () => {
  const provider = new OAuth2Server();
  let app: any;
  let base: string;
  let close: () => Promise<void>;
  let person = { sub: 'u-ann', preferred_username: 'ann', email: 'ann@provider.example', name: 'Ann' };
  const exchanged: string[] = [];
  const challenges: string[] = [];

  beforeAll(async () => {
    await provider.issuer.keys.generate('RS256');
    await provider.start(0, '127.0.0.1');
    const issuer = provider.issuer.url!;
    provider.service.on('beforeUserinfo', (userInfo: { body: unknown }) => {
      userInfo.body = person;
    });
    provider.service.on(
      'beforeAuthorizeRedirect',
      (_uri: unknown, req: { query: Record<string, string> }) => {
        challenges.push(req.query.code_challenge);
      },
    );
    // A code is good once: the provider refuses one it has seen (RFC 6749 §4.1.2).
    provider.service.on(
      'beforeResponse',
      (response: { body: unknown; statusCode: number }, req: { body: Record<string, string> }) => {
        if (req.body.grant_type !== 'authorization_code') return;
        if (exchanged.includes(req.body.code)) {
          response.statusCode = 400;
          response.body = { error: 'invalid_grant', error_description: 'code already used' };
        }
        exchanged.push(req.body.code);
      },
    );
    let configurator: PassportConfigurator;
    ({ app, configurator } = passportApp());
    ({ base, close } = await listen(app));
    const common = {
      module: STRATEGY,
      authScheme: 'oAuth 2.0',
      clientID: 'app-b',
      clientSecret: 'b-secret',
      authorizationURL: `${issuer}/authorize`,
      tokenURL: `${issuer}/token`,
      userInfoURL: `${issuer}/userinfo`,
      scope: ['openid', 'profile'],
      pkce: true,
      state: true,
    };
    configurator.configureProvider('mock', {
      ...common,
      callbackURL: '/auth/mock/callback',
      successRedirect: '/home',
      failureRedirect: '/login',
      session: false,
    });
    configurator.configureProvider('mock-json', {
      ...common,
      provider: 'mock',
      callbackURL: '/auth/mock-json/callback',
      json: true,
      ttl: 3600,
    });
  });

  afterAll(async () => {
    await close();
    await provider.stop();
  });

  const isPage = (url: URL) => url.host === new URL(base).host && !url.pathname.includes('/callback');

  it('logs a new user in: redirect to the provider with a PKCE challenge, code exchanged, user and identity created, a signed access_token cookie that opens the API', async () => {
    const browser = new Browser();
    const hops = await browser.follow(`${base}/auth/mock`, isPage);
    const authorize = new URL(hops[0].location!);
    expect(authorize.origin + authorize.pathname).toBe(`${provider.issuer.url}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/auth/mock/callback`);
    const last = hops[hops.length - 1];
    expect(last.status).toBe(302);
    expect(last.location).toBe(`${base}/home`);

    const Member = app.models.Member;
    const users = await Member.find();
    expect(users.map((u: any) => u.username)).toEqual(['mock.ann']);
    // LB3's generated email names the profile's provider (the strategy's name).
    expect(users[0].email).toBe('ann@loopback.userinfo.com');
    const identities = await app.models.UserIdentity.find();
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({
      provider: 'mock',
      authScheme: 'oAuth 2.0',
      externalId: 'u-ann',
      userId: users[0].id,
    });
    expect(identities[0].profile).toMatchObject({ username: 'ann', displayName: 'Ann' });
    expect(identities[0].credentials.accessToken).toEqual(expect.any(String));

    const cookie = browser.cookie(base, 'access_token')!;
    expect(decodeURIComponent(cookie)).toMatch(/^s:\w{64}\./);
    expect(browser.cookie(base, 'userId')).toBeDefined();
    const tokenId = decodeURIComponent(cookie).slice(2).split('.')[0];
    expect((await app.models.AccessToken.findById(tokenId)).userId).toEqual(users[0].id);
    // The state cookie was used up.
    expect(browser.cookie(base, 'loopline.auth.mock')).toBeUndefined();
    // The cookie alone opens the protected model.
    expect((await browser.request(`${base}/api/Notes`)).status).toBe(200);
    expect((await new Browser().request(`${base}/api/Notes`)).status).toBe(401);
  });

  it('a second login through the provider finds the same user: no second user or identity', async () => {
    const browser = new Browser();
    await browser.follow(`${base}/auth/mock`, isPage);
    expect(await app.models.Member.count()).toBe(1);
    expect(await app.models.UserIdentity.count()).toBe(1);
    expect(await app.models.AccessToken.count()).toBe(2);
  });

  it("json mode answers {access_token, userId}, the token with the provider's ttl, usable as Authorization", async () => {
    person = { sub: 'u-bob', preferred_username: 'bob', email: 'bob@provider.example', name: 'Bob' };
    const browser = new Browser();
    const hops = await browser.follow(`${base}/auth/mock-json`);
    const last = hops[hops.length - 1];
    expect(last.status).toBe(200);
    const body = JSON.parse(last.body);
    expect(body).toEqual({ access_token: expect.stringMatching(/^\w{64}$/), userId: expect.anything() });
    const token = await app.models.AccessToken.findById(body.access_token);
    expect(token.ttl).toBe(3600);
    const bob = await app.models.Member.findById(body.userId);
    expect(bob.username).toBe('mock.bob');
    expect(
      (await browser.request(`${base}/api/Notes`, { headers: { authorization: body.access_token } })).status,
    ).toBe(200);
  });

  it('the user denies at the provider: failureRedirect, nothing created', async () => {
    person = { sub: 'u-carl', preferred_username: 'carl', email: 'carl@provider.example', name: 'Carl' };
    const before = await counts();
    provider.service.once('beforeAuthorizeRedirect', (uri: { url: URL }) => {
      uri.url.searchParams.delete('code');
      uri.url.searchParams.set('error', 'access_denied');
      uri.url.searchParams.set('error_description', 'The user said no');
    });
    const hops = await new Browser().follow(`${base}/auth/mock`, isPage);
    expect(hops[hops.length - 1].location).toBe(`${base}/login`);
    expect(await counts()).toEqual(before);
  });

  it("json mode: denied → 401 THIRD_PARTY_LOGIN_FAILED with the provider's reason, nothing created", async () => {
    const before = await counts();
    provider.service.once('beforeAuthorizeRedirect', (uri: { url: URL }) => {
      uri.url.searchParams.delete('code');
      uri.url.searchParams.set('error', 'access_denied');
      uri.url.searchParams.set('error_description', 'The user said no');
    });
    const hops = await new Browser().follow(`${base}/auth/mock-json`);
    const last = hops[hops.length - 1];
    expect(last.status).toBe(401);
    expect(JSON.parse(last.body).error).toMatchObject({
      statusCode: 401,
      code: 'THIRD_PARTY_LOGIN_FAILED',
      details: { reason: 'The user said no' },
    });
    expect(await counts()).toEqual(before);
  });

  it('a callback whose state is not the one this browser was given is refused (no token exchange), nothing created', async () => {
    const before = await counts();
    const tokenCalls = exchanged.length;
    const browser = new Browser();
    const start = await browser.request(`${base}/auth/mock-json`);
    const authorize = await browser.request(start.location!);
    const callback = new URL(authorize.location!);
    callback.searchParams.set('state', 'forged-state-value-0123456789');
    const res = await browser.request(callback.href);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'THIRD_PARTY_LOGIN_FAILED',
      details: { reason: 'Unable to verify authorization request state.' },
    });
    // Another browser (no state cookie) with the right state is refused too.
    const other = await new Browser().request(authorize.location!);
    expect(other.status).toBe(401);
    expect(exchanged.length).toBe(tokenCalls);
    expect(await counts()).toEqual(before);
  });

  it('a replayed code is refused by the provider: 401, nothing created', async () => {
    const first = new Browser();
    const hops = await first.follow(`${base}/auth/mock-json`);
    const usedCode = new URL(hops[1].location!).searchParams.get('code')!;
    expect(hops[hops.length - 1].status).toBe(200);
    const before = await counts();
    // A fresh login's state, with the used code: the provider refuses the code.
    const browser = new Browser();
    const start = await browser.request(`${base}/auth/mock-json`);
    const state = new URL(start.location!).searchParams.get('state')!;
    const res = await browser.request(
      `${base}/auth/mock-json/callback?code=${encodeURIComponent(usedCode)}&state=${encodeURIComponent(state)}`,
    );
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'THIRD_PARTY_LOGIN_FAILED' });
    expect(await counts()).toEqual(before);
    // Replaying the whole callback URL finds no state (the cookie was used up).
    const replay = await first.request(hops[1].location!);
    expect(replay.status).toBe(401);
  });

  it('sent the PKCE challenge every time', () => {
    expect(challenges.length).toBeGreaterThan(3);
    for (const c of challenges) expect(c).toMatch(/^[\w-]{43}$/);
  });

  async function counts() {
    return {
      users: await app.models.Member.count(),
      identities: await app.models.UserIdentity.count(),
      tokens: await app.models.AccessToken.count(),
    };
  }
});

describe('loopline/passport: schemes it does not carry', () => {
  it.each([
    ['ldap', { authScheme: 'ldap', module: 'passport-ldapauth' }],
    ['saml', { authScheme: 'SAML', module: 'passport-saml' }],
  ])(
    '%s is refused when configured, naming the LB3 package that carries it, and mounts no route',
    async (scheme, options) => {
      const { app, configurator } = passportApp();
      const routes = () => (app._router?.stack ?? app.router?.stack ?? []).length;
      const before = routes();
      expect(() => configurator.configureProvider('corp', options)).toThrow(
        `loopline/passport: provider "corp": the ${scheme} scheme is not supported; use loopback-component-passport for ${scheme.toUpperCase()}`,
      );
      expect(routes()).toBe(before);
    },
  );
});

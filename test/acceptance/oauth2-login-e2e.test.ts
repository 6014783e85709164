import path from 'path';
import { STORES } from '../connectors/stores';
import { Browser } from '../support/browser';
import { SCOPES, form, providerApp, signedInUser, type ProviderApp } from '../support/oauth2-app';
import { listen, passportApp } from '../support/passport-app';

/**
 * Two loopline apps on 127.0.0.1, real protocols end to end: app A is an OAuth 2.0 provider
 * (loopline/oauth2), app B logs its users in through A with loopline/passport (passport-oauth2,
 * authorization code + PKCE). A user of A, signed in at A, logs in to B: B redirects to A's
 * authorize, the user consents at A, A redirects back with a code, B exchanges it with its PKCE
 * verifier, creates the account and its identity (provider "A"), and issues its own AccessToken.
 */
jest.setTimeout(60000);

const STRATEGY = path.join(__dirname, '../fixtures/passport/introspection-strategy.js');

describe('OAuth 2.0 login from app B through app A (both loopline)', () => {
  let a: ProviderApp;
  let b: any;
  let bBase: string;
  let closeB: () => Promise<void>;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    a = await providerApp(STORES[0], {
      scopes: { ...SCOPES, profile: { description: 'Who you are', models: {} } },
    });
    let configurator;
    ({ app: b, configurator } = passportApp());
    ({ base: bBase, close: closeB } = await listen(b));
    client = await a.models.Client.register({
      name: 'App B',
      redirectUris: [`${bBase}/auth/a/callback`],
      scopes: ['profile', 'orders:read'],
    });
    configurator.configureProvider('a', {
      provider: 'A',
      module: STRATEGY,
      authScheme: 'oAuth 2.0',
      clientID: client.clientId,
      clientSecret: client.clientSecret,
      authorizationURL: `${a.base}/oauth/authorize`,
      tokenURL: `${a.base}/oauth/token`,
      introspectionURL: `${a.base}/oauth/introspect`,
      scope: 'profile',
      pkce: true,
      state: true,
      json: true,
    });
  });

  afterAll(async () => {
    await closeB();
    await a.close();
  });

  /** The user's consent at A, as A's consent page posts it (A knows the user by its session token). */
  async function consentAtA(authorizeURL: string, session: string, allowed: boolean): Promise<string> {
    const page = await fetch(authorizeURL, {
      redirect: 'manual',
      headers: { authorization: session, accept: 'application/json' },
    });
    expect(page.status).toBe(200);
    const { client: shown, fields } = (await page.json()) as {
      client: { name: string };
      fields: Record<string, string>;
    };
    expect(shown.name).toBe('App B');
    const answer = await fetch(`${a.base}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...fields, allowed: String(allowed) }),
    });
    expect(answer.status).toBe(302);
    return answer.headers.get('location')!;
  }

  it("creates the account at B, linked to the user of A, and B's own token opens B's API; a second login finds it", async () => {
    const { user, token: session } = await signedInUser(a.app, 'gus@a.example');
    const browser = new Browser();
    const start = await browser.request(`${bBase}/auth/a`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location!);
    expect(authorize.origin + authorize.pathname).toBe(`${a.base}/oauth/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${bBase}/auth/a/callback`);

    const back = await consentAtA(authorize.href, session, true);
    expect(back.startsWith(`${bBase}/auth/a/callback?`)).toBe(true);
    const callback = await browser.request(back);
    expect(callback.status).toBe(200);
    const body = JSON.parse(callback.body);
    expect(body).toEqual({ access_token: expect.stringMatching(/^\w{64}$/), userId: expect.anything() });

    const member = await b.models.Member.findById(body.userId);
    expect(member.username).toBe(`A.${user.id}`);
    const identities = await b.models.UserIdentity.find();
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({
      provider: 'A',
      externalId: String(user.id),
      authScheme: 'oAuth 2.0',
      userId: member.id,
    });
    expect(identities[0].credentials.accessToken).toMatch(/^oat_/);
    // B's own token opens B's API.
    expect(
      (await browser.request(`${bBase}/api/Notes`, { headers: { authorization: body.access_token } })).status,
    ).toBe(200);
    // A's token is A's: B does not take it.
    expect(
      (
        await browser.request(`${bBase}/api/Notes`, {
          headers: { authorization: identities[0].credentials.accessToken },
        })
      ).status,
    ).toBe(401);

    const again = new Browser();
    const s2 = await again.request(`${bBase}/auth/a`);
    const b2 = await again.request(await consentAtA(s2.location!, session, true));
    expect(JSON.parse(b2.body).userId).toEqual(member.id);
    expect(await b.models.Member.count()).toBe(1);
    expect(await b.models.UserIdentity.count()).toBe(1);
  });

  it('the user refuses at A: B answers 401 THIRD_PARTY_LOGIN_FAILED and creates nothing', async () => {
    const { token: session } = await signedInUser(a.app, 'hal@a.example');
    const before = {
      users: await b.models.Member.count(),
      identities: await b.models.UserIdentity.count(),
      tokens: await b.models.AccessToken.count(),
    };
    const browser = new Browser();
    const start = await browser.request(`${bBase}/auth/a`);
    const back = await consentAtA(start.location!, session, false);
    expect(new URL(back).searchParams.get('error')).toBe('access_denied');
    const res = await browser.request(back);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('THIRD_PARTY_LOGIN_FAILED');
    expect({
      users: await b.models.Member.count(),
      identities: await b.models.UserIdentity.count(),
      tokens: await b.models.AccessToken.count(),
    }).toEqual(before);
  });

  it('a code replayed to B (with a fresh state) is refused by A: 401 at B, nothing created', async () => {
    const { token: session } = await signedInUser(a.app, 'ivy@a.example');
    const browser = new Browser();
    const start = await browser.request(`${bBase}/auth/a`);
    const back = await consentAtA(start.location!, session, true);
    expect((await browser.request(back)).status).toBe(200);
    const usedCode = new URL(back).searchParams.get('code')!;
    const before = { users: await b.models.Member.count(), tokens: await b.models.AccessToken.count() };
    const fresh = await browser.request(`${bBase}/auth/a`);
    const state = new URL(fresh.location!).searchParams.get('state')!;
    const replay = await browser.request(
      `${bBase}/auth/a/callback?code=${encodeURIComponent(usedCode)}&state=${encodeURIComponent(state)}`,
    );
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body).error.code).toBe('THIRD_PARTY_LOGIN_FAILED');
    expect({ users: await b.models.Member.count(), tokens: await b.models.AccessToken.count() }).toEqual(
      before,
    );
  });
});

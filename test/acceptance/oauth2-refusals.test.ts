import * as jose from 'jose';
import {
  OAUTH_STORES,
  apiStatus,
  codeGrant,
  consentAndRedirect,
  form,
  pkcePair,
  postForm,
  providerApp,
  signedInUser,
  type ProviderApp,
} from '../support/oauth2-app';

/**
 * Issue 23 item 5: bad input at the provider — wrong redirect URIs, replayed and foreign codes,
 * wrong PKCE verifiers, expired or revoked tokens, JWTs signed with an unknown key or `alg: none`
 * — each refused with the RFC's error, and nothing granted (no code or token row is written).
 */
describe.each(OAUTH_STORES)('OAuth 2.0 refusals ($name store)', (store) => {
  let provider: ProviderApp;
  // JWT session tokens on this app, so the JWT refusals run through loopline's JWT verification.
  beforeAll(async () => {
    provider = await providerApp(store, {}, (app) => app.set('accessTokenFormat', 'jwt'));
  });
  afterAll(() => provider.close());

  const REDIRECT = 'https://client.example.com/cb';
  const counts = async () => ({
    codes: await provider.models.Code.count(),
    tokens: await provider.models.Token.count(),
  });

  async function client(extra: Record<string, unknown> = {}) {
    return provider.models.Client.register({
      name: 'Client',
      redirectUris: [REDIRECT],
      scopes: ['orders:read'],
      ...extra,
    });
  }

  function authorizeUrl(query: Record<string, string>): string {
    return `${provider.base}/oauth/authorize?${form(query)}`;
  }

  it('never redirects to an unknown client or an unregistered redirect URI: it shows the error', async () => {
    const { token: session } = await signedInUser(provider.app, 'r1@example.com');
    const { clientId } = await client({ redirectUris: [REDIRECT, 'https://client.example.com/other'] });
    const pkce = pkcePair();
    const base = {
      response_type: 'code',
      client_id: clientId,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };
    const before = await counts();
    for (const query of [
      { ...base, client_id: 'no-such-client', redirect_uri: REDIRECT },
      { ...base, redirect_uri: 'https://evil.example.com/cb' },
      { ...base, redirect_uri: `${REDIRECT}/../evil` },
      { ...base, redirect_uri: `${REDIRECT}?next=https://evil.example.com` },
      { ...base, redirect_uri: REDIRECT.toUpperCase() },
      base, // several registered URIs and none named
    ]) {
      const res = await fetch(authorizeUrl(query), {
        redirect: 'manual',
        headers: { authorization: session },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('invalid_request');
      // The consent answer is checked the same way.
      const post = await fetch(`${provider.base}/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: session, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ ...query, allowed: 'true' }),
      });
      expect(post.status).toBe(400);
      expect(post.headers.get('location')).toBeNull();
    }
    expect(await counts()).toEqual(before);
  });

  it('sends other authorization request errors back to the client with the RFC code and state', async () => {
    const { token: session } = await signedInUser(provider.app, 'r2@example.com');
    const { clientId } = await client();
    const cc = await client({ grants: ['client_credentials'], redirectUris: [] });
    const pkce = pkcePair();
    const good = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      state: 'st',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };
    const before = await counts();
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...good, response_type: 'token' }, 'unsupported_response_type'],
      [{ ...good, code_challenge: '' }, 'invalid_request'],
      [{ ...good, code_challenge_method: 'plain', code_challenge: pkce.verifier }, 'invalid_request'],
      [{ ...good, code_challenge_method: '' }, 'invalid_request'],
      [{ ...good, scope: 'orders:read notes:read' }, 'invalid_scope'],
      [{ ...good, scope: 'DEFAULT' }, 'invalid_scope'],
    ];
    for (const [query, error] of cases) {
      const res = await fetch(authorizeUrl(query), {
        redirect: 'manual',
        headers: { authorization: session },
      });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location') ?? '');
      expect(to.origin + to.pathname).toBe(REDIRECT);
      expect(to.searchParams.get('error')).toBe(error);
      expect(to.searchParams.get('state')).toBe('st');
      expect(to.searchParams.get('code')).toBeNull();
    }
    // A client registered without the grant has no redirect URI to trust: an error page.
    const noGrant = await fetch(authorizeUrl({ ...good, client_id: cc.clientId }), {
      redirect: 'manual',
      headers: { authorization: session },
    });
    expect(noGrant.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('asks for a session: no token, an OAuth token or a forged consent form grant nothing', async () => {
    const { token: session } = await signedInUser(provider.app, 'r3@example.com');
    const { token: otherSession } = await signedInUser(provider.app, 'r3b@example.com');
    const { clientId } = await client();
    const pkce = pkcePair();
    const query = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };
    const anonymous = await fetch(authorizeUrl(query), { redirect: 'manual' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('login_required');
    const cc = await client({ grants: ['client_credentials'], redirectUris: [] });
    const ccToken = await postForm(`${provider.base}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: cc.clientId,
      client_secret: cc.clientSecret,
    });
    expect(
      (
        await fetch(authorizeUrl(query), {
          redirect: 'manual',
          headers: { authorization: `Bearer ${ccToken.body.access_token}` },
        })
      ).status,
    ).toBe(401);

    const before = await counts();
    const info = (await (
      await fetch(authorizeUrl(query), { headers: { authorization: session, accept: 'application/json' } })
    ).json()) as any;
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      fetch(`${provider.base}/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: form(fields),
      });
    // Without the form's token, with another session's, with a changed scope: 403, no code.
    const { consent_token: _dropped, ...withoutToken } = info.fields;
    expect((await post({ authorization: session }, { ...withoutToken, allowed: 'true' })).status).toBe(403);
    expect((await post({ authorization: otherSession }, { ...info.fields, allowed: 'true' })).status).toBe(
      403,
    );
    expect(
      (
        await post(
          { authorization: session },
          { ...info.fields, code_challenge: pkcePair().challenge, allowed: 'true' },
        )
      ).status,
    ).toBe(403);
    expect((await post({}, { ...info.fields, allowed: 'true' })).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("refuses a wrong or missing PKCE verifier (the code is spent), a redirect URI other than the request's, an expired code and another client's code", async () => {
    const { token: session } = await signedInUser(provider.app, 'r4@example.com');
    const a = await client();
    const b = await client();
    const newCode = async () => {
      const pkce = pkcePair();
      const to = await consentAndRedirect(provider.base, session, {
        response_type: 'code',
        client_id: a.clientId,
        redirect_uri: REDIRECT,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      return { code: to.searchParams.get('code') ?? '', verifier: pkce.verifier };
    };
    const exchange = (fields: Record<string, string>, who = a) =>
      postForm(`${provider.base}/oauth/token`, {
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT,
        client_id: who.clientId,
        client_secret: who.clientSecret,
        ...fields,
      });
    const tokensBefore = await provider.models.Token.count();

    const wrong = await newCode();
    const refused = await exchange({ code: wrong.code, code_verifier: pkcePair().verifier });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    // A failed verification spends the code: no second guess, even with the right verifier.
    expect((await exchange({ code: wrong.code, code_verifier: wrong.verifier })).body.error).toBe(
      'invalid_grant',
    );

    const missing = await newCode();
    expect((await exchange({ code: missing.code })).body.error).toBe('invalid_grant');

    const elsewhere = await newCode();
    expect(
      (
        await exchange({
          code: elsewhere.code,
          code_verifier: elsewhere.verifier,
          redirect_uri: 'https://client.example.com/other',
        })
      ).body.error,
    ).toBe('invalid_grant');

    const foreign = await newCode();
    expect((await exchange({ code: foreign.code, code_verifier: foreign.verifier }, b)).body.error).toBe(
      'invalid_grant',
    );

    const old = await newCode();
    await provider.models.Code.updateAll({ usedAt: null }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await exchange({ code: old.code, code_verifier: old.verifier })).body.error).toBe(
      'invalid_grant',
    );
    expect((await exchange({ code: 'made-up-code', code_verifier: old.verifier })).body.error).toBe(
      'invalid_grant',
    );
    expect(await provider.models.Token.count()).toBe(tokensBefore);
  });

  it("lets one of two concurrent exchanges of a code win; the other gets invalid_grant and the winner's tokens are revoked", async () => {
    const { token: session } = await signedInUser(provider.app, 'race@example.com');
    const a = await client();
    const pkce = pkcePair();
    const to = await consentAndRedirect(provider.base, session, {
      response_type: 'code',
      client_id: a.clientId,
      redirect_uri: REDIRECT,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    const fields = {
      grant_type: 'authorization_code',
      code: to.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      client_id: a.clientId,
      client_secret: a.clientSecret,
      code_verifier: pkce.verifier,
    };
    const answers = await Promise.all([1, 2, 3].map(() => postForm(`${provider.base}/oauth/token`, fields)));
    const won = answers.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(2);
    expect(await provider.models.Token.count({ clientId: a.clientId })).toBe(1);
    // Presenting the code again after the race revokes what the winner got.
    expect((await postForm(`${provider.base}/oauth/token`, fields)).body.error).toBe('invalid_grant');
    expect(await apiStatus(provider.base, won[0].body.access_token)).toBe(401);
  });

  it("takes expired, revoked and unknown access tokens for no token: 401 with RFC 6750's invalid_token challenge and the reason's code on the API, inactive at introspection", async () => {
    const refused = async (token: string) => {
      const res = await fetch(`${provider.base}/api/Orders`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return [res.status, ((await res.json()) as any).error.code, res.headers.get('www-authenticate')];
    };
    const g = await codeGrant(provider, 'r5@example.com');
    expect(await apiStatus(provider.base, g.body.access_token)).toBe(200);
    await provider.models.Token.updateAll(
      { clientId: g.clientId },
      { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    );
    expect(await refused(g.body.access_token)).toEqual([
      401,
      'ACCESS_TOKEN_EXPIRED',
      'Bearer error="invalid_token", error_description="The access token has expired"',
    ]);
    expect(
      (
        await postForm(
          `${provider.base}/oauth/introspect`,
          { token: g.body.access_token },
          { authorization: g.auth },
        )
      ).body,
    ).toEqual({ active: false });
    const h = await codeGrant(provider, 'r6@example.com');
    await postForm(
      `${provider.base}/oauth/revoke`,
      { token: h.body.access_token },
      { authorization: h.auth },
    );
    expect(await refused(h.body.access_token)).toEqual([
      401,
      'ACCESS_TOKEN_REVOKED',
      'Bearer error="invalid_token", error_description="The access token was revoked"',
    ]);
    const madeUp = `${h.body.access_token.slice(0, 4)}${'x'.repeat(40)}`;
    expect(await refused(madeUp)).toEqual([
      401,
      'INVALID_ACCESS_TOKEN',
      'Bearer error="invalid_token", error_description="The access token is not one this server issued"',
    ]);
    // A method open to everyone still answers: a refused token is no token, as LB3 takes an unknown one.
    const open = await fetch(`${provider.base}/api/Users/login`, {
      method: 'POST',
      headers: { authorization: `Bearer ${madeUp}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(open.status).not.toBe(401);
  });

  it('refuses JWTs signed with an unknown key or with alg none, wherever a token is taken', async () => {
    const g = await codeGrant(provider, 'r7@example.com');
    const jwks = (await (await fetch(`${provider.base}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    const kid = jwks.keys[0].kid;
    const user = await provider.app.models.User.findOne({ where: { email: 'r7@example.com' } });
    const claims = {
      sub: String(user.id),
      uid: user.id,
      iss: 'loopline',
      aud: 'loopline',
      scopes: ['orders:read'],
    };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const algNone = `${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${b64({ ...claims, iat: now, exp: now + 600, jti: 'x1' })}.`;
    const { privateKey } = await jose.generateKeyPair('ES256');
    const unknownKey = await new jose.SignJWT({ ...claims, jti: 'x2' })
      .setProtectedHeader({ alg: 'ES256', kid: 'not-a-key-of-this-app', typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    const before = await counts();
    for (const jwt of [algNone, unknownKey]) {
      const api = await fetch(`${provider.base}/api/Orders`, { headers: { authorization: `Bearer ${jwt}` } });
      expect(api.status).toBe(401);
      expect(((await api.json()) as any).error.code).toBe('INVALID_ACCESS_TOKEN');
      expect(
        (await postForm(`${provider.base}/oauth/introspect`, { token: jwt }, { authorization: g.auth })).body,
      ).toEqual({ active: false });
      expect(
        (await postForm(`${provider.base}/oauth/revoke`, { token: jwt }, { authorization: g.auth })).status,
      ).toBe(200);
      expect(
        (
          await postForm(
            `${provider.base}/oauth/token`,
            { grant_type: 'refresh_token', refresh_token: jwt },
            { authorization: g.auth },
          )
        ).body.error,
      ).toBe('invalid_grant');
      // Nor does such a token sign anyone in at the authorize endpoint.
      const pkce = pkcePair();
      const authorize = await fetch(
        `${provider.base}/oauth/authorize?${form({ response_type: 'code', client_id: g.clientId, redirect_uri: REDIRECT, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`,
        { redirect: 'manual', headers: { authorization: `Bearer ${jwt}` } },
      );
      expect(authorize.status).toBe(401);
    }
    expect(await counts()).toEqual(before);
    expect(await apiStatus(provider.base, g.body.access_token)).toBe(200);
  });
});

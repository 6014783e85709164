import {
  OAUTH_STORES,
  basicAuth,
  consentAndRedirect,
  pkcePair,
  postForm,
  providerApp,
  signedInUser,
  type ProviderApp,
} from '../support/oauth2-app';

/**
 * The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) end to end over HTTP: a
 * signed-in user consents, the client exchanges the code with its verifier, and the access token
 * opens A's REST API as that user, within its scopes.
 */
describe.each(OAUTH_STORES)('OAuth 2.0 authorization code + PKCE ($name store)', (store) => {
  let provider: ProviderApp;
  beforeAll(async () => {
    provider = await providerApp(store);
  });
  afterAll(() => provider.close());

  it('issues a code after consent, exchanges it once for tokens that act as the user within their scopes', async () => {
    const { app, base, models } = provider;
    const { user, token: session } = await signedInUser(app);
    const { clientId, clientSecret } = await models.Client.register({
      name: 'App B',
      redirectUris: ['http://127.0.0.1:9/cb'],
      scopes: ['orders:read', 'orders:write'],
    });
    const pkce = pkcePair();
    const query = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:9/cb',
      scope: 'orders:read',
      state: 'xyz',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };

    // The built-in consent page: HTML, not framable, with the client's name and the scope's description.
    const page = await fetch(`${base}/oauth/authorize?${new URLSearchParams(query)}`, {
      headers: { authorization: session },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).toContain('App B');
    expect(html).toContain('Read your orders');

    const redirect = await consentAndRedirect(base, session, query);
    expect(redirect.origin + redirect.pathname).toBe('http://127.0.0.1:9/cb');
    expect(redirect.searchParams.get('state')).toBe('xyz');
    const code = redirect.searchParams.get('code') ?? '';
    expect(code.length).toBeGreaterThan(20);
    // The code is stored as its hash only.
    const codes = await models.Code.find();
    expect(codes).toHaveLength(1);
    expect(codes[0].id).not.toBe(code);
    expect(codes[0].codeChallengeMethod).toBe('S256');

    const exchanged = await postForm(
      `${base}/oauth/token`,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code_verifier: pkce.verifier,
      },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(exchanged.status).toBe(200);
    expect(exchanged.headers.get('cache-control')).toBe('no-store');
    expect(exchanged.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'orders:read',
      expires_in: expect.any(Number),
    });
    const { access_token: accessToken, refresh_token: refreshToken } = exchanged.body;
    expect(accessToken).toMatch(/^oat_/);
    expect(refreshToken).toMatch(/^ort_/);
    const rows = await models.Token.find();
    expect(rows).toHaveLength(1);
    expect(rows[0].id).not.toBe(accessToken);
    expect(JSON.stringify(rows[0])).not.toContain(accessToken.slice(4));
    expect(String(rows[0].userId)).toBe(String(user.id));

    // The token opens A's API within its scope...
    await app.models.Order.create({ item: 'tea', qty: 1 });
    const list = await fetch(`${base}/api/Orders`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([expect.objectContaining({ item: 'tea' })]);
    // ...and nowhere else: a write is outside orders:read, and Note is in no granted scope.
    const write = await fetch(`${base}/api/Orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'x' }),
    });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="The access token\'s scopes do not cover this method", scope="orders:write"',
    );
    expect(((await write.json()) as any).error.code).toBe('INSUFFICIENT_SCOPE');
    expect(await app.models.Order.count()).toBe(1);
    const notes = await fetch(`${base}/api/Notes`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(notes.status).toBe(403);
    // The user's own session token is not limited by the OAuth scopes.
    expect((await fetch(`${base}/api/Notes`, { headers: { authorization: session } })).status).toBe(200);
    const withNote = await fetch(
      `${base}/api/Orders?filter=${encodeURIComponent(JSON.stringify({ include: 'note' }))}`,
      { headers: { authorization: session } },
    );
    expect(withNote.status).toBe(200);

    // A code is good once: the second exchange is invalid_grant and revokes what the first issued.
    const replay = await postForm(
      `${base}/oauth/token`,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code_verifier: pkce.verifier,
      },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(await models.Token.count()).toBe(1);
    expect(
      (await fetch(`${base}/api/Orders`, { headers: { authorization: `Bearer ${accessToken}` } })).status,
    ).toBe(401);
    const refreshed = await postForm(
      `${base}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('lets a public client (no secret) exchange its code with the PKCE verifier alone', async () => {
    const { app, base, models } = provider;
    const { token: session } = await signedInUser(app, 'pub@example.com');
    const { clientId, clientSecret } = await models.Client.register({
      name: 'SPA',
      confidential: false,
      redirectUris: ['https://spa.example.com/cb'],
      scopes: ['orders:read'],
    });
    expect(clientSecret).toBeUndefined();
    const pkce = pkcePair();
    const redirect = await consentAndRedirect(base, session, {
      response_type: 'code',
      client_id: clientId,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    expect(redirect.origin).toBe('https://spa.example.com');
    const code = redirect.searchParams.get('code') ?? '';
    const exchanged = await postForm(`${base}/oauth/token`, {
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      code_verifier: pkce.verifier,
      redirect_uri: 'https://spa.example.com/cb',
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.scope).toBe('orders:read');
  });

  it('sends the user back with access_denied when consent is refused, and grants nothing', async () => {
    const { app, base, models } = provider;
    const { token: session } = await signedInUser(app, 'deny@example.com');
    const { clientId } = await models.Client.register({
      name: 'Nosy',
      redirectUris: ['https://nosy.example.com/cb'],
      scopes: ['orders:read'],
    });
    const before = { codes: await models.Code.count(), tokens: await models.Token.count() };
    const redirect = await consentAndRedirect(
      base,
      session,
      {
        response_type: 'code',
        client_id: clientId,
        state: 's1',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      },
      false,
    );
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s1');
    expect(redirect.searchParams.get('code')).toBeNull();
    expect({ codes: await models.Code.count(), tokens: await models.Token.count() }).toEqual(before);
  });
});

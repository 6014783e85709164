import {
  OAUTH_STORES,
  apiStatus,
  basicAuth,
  codeGrant,
  postForm,
  providerApp,
  type ProviderApp,
} from '../support/oauth2-app';

/** RFC 7009 revocation and RFC 7662 introspection, client-authenticated. */
describe.each(OAUTH_STORES)('OAuth 2.0 revocation and introspection ($name store)', (store) => {
  let provider: ProviderApp;
  beforeAll(async () => {
    provider = await providerApp(store);
  });
  afterAll(() => provider.close());

  const introspect = (auth: string, token: string) =>
    postForm(`${provider.base}/oauth/introspect`, { token }, { authorization: auth });
  const revoke = (auth: string, token: string, hint?: string) =>
    postForm(
      `${provider.base}/oauth/revoke`,
      { token, ...(hint ? { token_type_hint: hint } : {}) },
      { authorization: auth },
    );

  it('introspects a live access token and refresh token of the client; anything else is inactive', async () => {
    const { app } = provider;
    const g = await codeGrant(provider, 'intro1@example.com');
    const user = await app.models.User.findOne({ where: { email: 'intro1@example.com' } });
    const live = await introspect(g.auth, g.body.access_token);
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.body).toMatchObject({
      active: true,
      scope: 'orders:read',
      client_id: g.clientId,
      token_type: 'Bearer',
      sub: String(user.id),
      iss: provider.base,
    });
    expect(live.body.exp).toBeGreaterThan(Date.now() / 1000);
    expect((await introspect(g.auth, g.body.refresh_token)).body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
    });
    expect((await introspect(g.auth, 'oat_not-a-token')).body).toEqual({ active: false });
    // Another client learns nothing about this client's token.
    const other = await codeGrant(provider, 'intro2@example.com');
    expect((await introspect(other.auth, g.body.access_token)).body).toEqual({ active: false });
  });

  it('refuses introspection without client authentication, and to a public client', async () => {
    const { base, models } = provider;
    const g = await codeGrant(provider, 'intro3@example.com');
    const anonymous = await postForm(`${base}/oauth/introspect`, { token: g.body.access_token });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const wrong = await introspect(basicAuth(g.clientId, 'ocs_wrong'), g.body.access_token);
    expect(wrong.status).toBe(401);
    const pub = await models.Client.register({
      name: 'Pub',
      confidential: false,
      redirectUris: ['https://p.example.com/cb'],
      scopes: ['orders:read'],
    });
    expect(
      (await postForm(`${base}/oauth/introspect`, { token: g.body.access_token, client_id: pub.clientId }))
        .status,
    ).toBe(401);
  });

  it('revokes an access token: 401 on the API, inactive at introspection; the refresh token issued with it is dead too', async () => {
    const { base } = provider;
    const g = await codeGrant(provider, 'rev1@example.com');
    expect(await apiStatus(base, g.body.access_token)).toBe(200);
    const res = await revoke(g.auth, g.body.access_token, 'access_token');
    expect(res.status).toBe(200);
    expect(await apiStatus(base, g.body.access_token)).toBe(401);
    expect((await introspect(g.auth, g.body.access_token)).body).toEqual({ active: false });
    expect(
      (
        await postForm(
          `${base}/oauth/token`,
          { grant_type: 'refresh_token', refresh_token: g.body.refresh_token },
          { authorization: g.auth },
        )
      ).body.error,
    ).toBe('invalid_grant');
  });

  it('revokes a refresh token with every token of its grant', async () => {
    const { base } = provider;
    const g = await codeGrant(provider, 'rev2@example.com');
    const second = await postForm(
      `${base}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: g.body.refresh_token },
      { authorization: g.auth },
    );
    expect((await revoke(g.auth, second.body.refresh_token, 'refresh_token')).status).toBe(200);
    expect(await apiStatus(base, second.body.access_token)).toBe(401);
    expect(await apiStatus(base, g.body.access_token)).toBe(401);
  });

  it("answers 200 for an unknown token and for another client's token, revoking nothing; 401 without client authentication", async () => {
    const { base } = provider;
    const g = await codeGrant(provider, 'rev3@example.com');
    const other = await codeGrant(provider, 'rev4@example.com');
    expect((await revoke(g.auth, 'oat_unknown')).status).toBe(200);
    expect((await revoke(other.auth, g.body.access_token)).status).toBe(200);
    expect(await apiStatus(base, g.body.access_token)).toBe(200);
    const anonymous = await postForm(`${base}/oauth/revoke`, { token: g.body.access_token });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    expect(await apiStatus(base, g.body.access_token)).toBe(200);
  });
});

import {
  OAUTH_STORES,
  apiStatus,
  codeGrant,
  postForm,
  providerApp,
  type ProviderApp,
} from '../support/oauth2-app';

/**
 * Refresh tokens rotate (each use spends one and issues a new one) and a spent one used again is
 * taken as theft: every token of that grant is revoked (RFC 9700 §4.14.2).
 */
describe.each(OAUTH_STORES)('OAuth 2.0 refresh token rotation ($name store)', (store) => {
  let provider: ProviderApp;
  beforeAll(async () => {
    provider = await providerApp(store);
  });
  afterAll(() => provider.close());

  const refresh = (auth: string, refreshToken: string, extra: Record<string, string> = {}) =>
    postForm(
      `${provider.base}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra },
      { authorization: auth },
    );

  it('spends a refresh token on use and issues a new pair; the new access token works', async () => {
    const { base, models } = provider;
    const { auth, body: first } = await codeGrant(provider, 'rot1@example.com');
    const second = await refresh(auth, first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'Bearer', scope: 'orders:read' });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(await apiStatus(base, second.body.access_token)).toBe(200);
    const third = await refresh(auth, second.body.refresh_token);
    expect(third.status).toBe(200);
    // Narrowing is allowed, widening is not.
    const narrowed = await refresh(auth, third.body.refresh_token, { scope: 'orders:read' });
    expect(narrowed.status).toBe(200);
    const widened = await refresh(auth, narrowed.body.refresh_token, { scope: 'orders:read orders:write' });
    expect(widened.body.error).toBe('invalid_scope');
    expect((await models.Token.find({ where: { rotated: true } })).length).toBeGreaterThanOrEqual(3);
  });

  it('revokes the whole grant when a rotated refresh token comes back, and grants nothing for it', async () => {
    const { base, models } = provider;
    const { auth, clientId, body: first } = await codeGrant(provider, 'rot2@example.com');
    const second = await refresh(auth, first.refresh_token);
    expect(second.status).toBe(200);
    const before = await models.Token.count({ clientId });
    // The stolen, already used refresh token is replayed.
    const reuse = await refresh(auth, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect(await models.Token.count({ clientId })).toBe(before);
    // The legitimate holder's newer tokens are dead too.
    expect(await apiStatus(base, second.body.access_token)).toBe(401);
    expect((await refresh(auth, second.body.refresh_token)).body.error).toBe('invalid_grant');
    expect(await models.Token.count({ clientId, revoked: false })).toBe(0);
  });

  it("refuses another client's refresh token, an expired one, and a confidential client without its secret", async () => {
    const { base, models } = provider;
    const a = await codeGrant(provider, 'rot3@example.com');
    const b = await codeGrant(provider, 'rot4@example.com');
    const stolen = await refresh(b.auth, a.body.refresh_token);
    expect(stolen.body.error).toBe('invalid_grant');
    const noSecret = await postForm(`${base}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: a.body.refresh_token,
      client_id: a.clientId,
    });
    expect(noSecret.body.error).toBe('invalid_client');
    await models.Token.updateAll(
      { clientId: a.clientId },
      { refreshTokenExpiresAt: new Date(Date.now() - 1000) },
    );
    const expired = await refresh(a.auth, a.body.refresh_token);
    expect(expired.body.error).toBe('invalid_grant');
    // None of the refusals spent or issued anything: b's token still refreshes, a has one row.
    expect(await models.Token.count({ clientId: a.clientId })).toBe(1);
    expect((await refresh(b.auth, b.body.refresh_token)).status).toBe(200);
  });
});

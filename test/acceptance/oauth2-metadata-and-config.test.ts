import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback from '../../src';
import { boot } from '../../src/boot';
import { form, pkcePair } from '../support/oauth2-app';

/**
 * The component enabled from server/component-config.json of an LB3-style app folder: RFC 8414
 * metadata, the app's login and consent pages, a trusted client, and the settings checked at boot.
 */
function writeApp(component: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-oauth2-'));
  const files: Record<string, unknown> = {
    'server/config.json': { restApiRoot: '/api' },
    'server/datasources.json': { db: { name: 'db', connector: 'memory' } },
    'server/middleware.json': {
      auth: { 'loopback#token': {} },
      routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
      final: { 'strong-error-handler': {} },
    },
    'server/model-config.json': {
      _meta: { sources: ['loopback/common/models', '../common/models'] },
      User: { dataSource: 'db' },
      AccessToken: { dataSource: 'db', public: false },
      ACL: { dataSource: 'db', public: false },
      RoleMapping: { dataSource: 'db', public: false },
      Role: { dataSource: 'db', public: false },
      Order: { dataSource: 'db' },
    },
    'common/models/order.json': {
      name: 'Order',
      base: 'PersistedModel',
      properties: { item: 'string' },
      acls: [
        { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
        { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW' },
      ],
    },
    'server/component-config.json': { 'loopline/oauth2': component },
  };
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(content, null, 2));
  }
  return root;
}

async function bootApp(component: Record<string, unknown>): Promise<any> {
  const app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.enableAuth();
  await boot(app, { appRootDir: path.join(writeApp(component), 'server') });
  return app;
}

const SCOPES = { 'orders:read': { description: 'Read orders', models: { Order: ['READ'] } } };

describe('OAuth 2.0 provider from component-config.json', () => {
  it('serves RFC 8414 metadata naming its endpoints under mountPath, the scopes and S256 only', async () => {
    const app = await bootApp({ mountPath: '/auth2', issuer: 'https://a.example.com', scopes: SCOPES });
    const res = await request(app).get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body).toMatchObject({
      issuer: 'https://a.example.com',
      authorization_endpoint: 'https://a.example.com/auth2/authorize',
      token_endpoint: 'https://a.example.com/auth2/token',
      revocation_endpoint: 'https://a.example.com/auth2/revoke',
      introspection_endpoint: 'https://a.example.com/auth2/introspect',
      scopes_supported: ['orders:read'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    });
    expect(res.body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    // The provider's models are closed over REST even when exposed.
    expect(app.models.OAuthClient).toBeDefined();
    expect(app.models.OAuthToken.settings.acls).toEqual([
      expect.objectContaining({ permission: 'DENY', principalId: '$everyone' }),
    ]);
  });

  it("sends a user who is not signed in to the app's loginPage, and to its consentPage with the request; a trusted client skips consent", async () => {
    const app = await bootApp({ scopes: SCOPES, loginPage: '/login', consentPage: '/consent' });
    const { clientId } = await app.models.OAuthClient.register({
      name: 'B',
      redirectUris: ['https://b.example.com/cb'],
      scopes: ['orders:read'],
    });
    const query = form({
      response_type: 'code',
      client_id: clientId,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const login = await request(app).get(`/oauth/authorize?${query}`).expect(302);
    expect(login.headers.location).toBe(`/login?returnTo=${encodeURIComponent(`/oauth/authorize?${query}`)}`);
    const user = await app.models.User.create({ email: 'u@example.com', password: 'correct horse' });
    const session = String((await user.createAccessToken(600)).id);
    const consent = await request(app)
      .get(`/oauth/authorize?${query}`)
      .set('Authorization', session)
      .expect(302);
    expect(consent.headers.location).toBe(`/consent?${query}`);
    // The app's page reads what to show as JSON.
    const info = await request(app)
      .get(`/oauth/authorize?${query}`)
      .set('Authorization', session)
      .set('Accept', 'application/json')
      .expect(200);
    expect(info.body).toMatchObject({
      client: { id: clientId, name: 'B' },
      scopes: [{ name: 'orders:read', description: 'Read orders' }],
      redirectUri: 'https://b.example.com/cb',
    });
    expect(info.body.fields.consent_token).toEqual(expect.any(String));

    const trusted = await app.models.OAuthClient.register({
      name: 'First party',
      trusted: true,
      redirectUris: ['https://first.example.com/cb'],
      scopes: ['orders:read'],
    });
    const direct = await request(app)
      .get(
        `/oauth/authorize?${form({ response_type: 'code', client_id: trusted.clientId, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`,
      )
      .set('Authorization', session)
      .expect(302);
    const to = new URL(direct.headers.location);
    expect(to.origin).toBe('https://first.example.com');
    expect(to.searchParams.get('code')).toEqual(expect.any(String));
    expect(to.searchParams.get('state')).toBe('s');
  });

  it('checks registrations: redirect URIs, grants and scopes', async () => {
    const app = await bootApp({ scopes: SCOPES });
    const Client = app.models.OAuthClient;
    await expect(
      Client.register({ name: 'x', redirectUris: ['http://b.example.com/cb'], scopes: ['orders:read'] }),
    ).rejects.toMatchObject({ code: 'INVALID_REDIRECT_URI', statusCode: 400 });
    await expect(
      Client.register({ name: 'x', redirectUris: ['https://b.example.com/cb#frag'] }),
    ).rejects.toMatchObject({ code: 'INVALID_REDIRECT_URI' });
    await expect(Client.register({ name: 'x', redirectUris: ['/relative'] })).rejects.toMatchObject({
      code: 'INVALID_REDIRECT_URI',
    });
    await expect(Client.register({ name: 'x', grants: ['password'] })).rejects.toMatchObject({
      code: 'INVALID_CLIENT_REGISTRATION',
    });
    await expect(
      Client.register({ name: 'x', grants: ['client_credentials'], scopes: ['nope'] }),
    ).rejects.toMatchObject({ code: 'INVALID_CLIENT_REGISTRATION' });
    await expect(
      Client.register({ name: 'x', confidential: false, grants: ['client_credentials'] }),
    ).rejects.toMatchObject({ code: 'INVALID_CLIENT_REGISTRATION' });
    await expect(Client.register({ name: 'x' })).rejects.toMatchObject({
      code: 'INVALID_CLIENT_REGISTRATION',
    });
    expect(await Client.count()).toBe(0);
    const ok = await Client.register({
      name: 'native',
      confidential: false,
      redirectUris: ['http://127.0.0.1:8123/cb', 'com.example.app:/cb'],
    });
    expect(ok.client.toJSON().secretHash).toBeUndefined();
  });

  it('stops boot on a bad setting', async () => {
    await expect(bootApp({ scopes: { 'bad scope': { Order: ['find'] } } })).rejects.toMatchObject({
      code: 'CONFIGURATION_ERROR',
    });
    await expect(bootApp({ accessTokenTtl: 0 })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    await expect(bootApp({ dataSource: 'nope' })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});

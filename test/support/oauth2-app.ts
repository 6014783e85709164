import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import loopback from '../../src';
import oauth2, { type OAuth2Options } from '../../src/components/oauth2';
import { STORES, type StoreConfig } from '../connectors/stores';

/** The stores the provider is tested on: memory and PostgreSQL (the models are plain PersistedModels). */
export const OAUTH_STORES: StoreConfig[] = STORES.filter(
  (s) => s.name === 'memory' || s.name === 'postgresql',
);

export const SCOPES: OAuth2Options['scopes'] = {
  'orders:read': {
    description: 'Read your orders',
    models: { Order: ['find', 'findById', 'count', '__get__note'] },
  },
  'orders:write': { Order: ['create', 'WRITE'] },
  'notes:read': { Note: ['READ'] },
  reports: { Report: ['*'] },
};

export interface ProviderApp {
  app: any;
  base: string;
  models: { Client: any; Code: any; Token: any };
  close(): Promise<void>;
}

/**
 * A provider app ("A") on 127.0.0.1: users, an `Order` model any signed-in principal (user or
 * client) may read and write by its ACLs, a `Note` model, the OAuth component at /oauth, the REST
 * API at /api. On PostgreSQL the tables are created afresh.
 */
export async function providerApp(
  store: StoreConfig,
  options: OAuth2Options = {},
  setup?: (app: any) => void,
  reportClientId?: string,
): Promise<ProviderApp> {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  setup?.(app);
  app.dataSource('db', store.settings);
  app.enableAuth({ dataSource: 'db' });
  app.models.User.settings.saltWorkFactor = 4;
  const acls = [
    { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
    { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW' },
  ];
  // A report only one registered client may run (LB3's APP principal).
  const Report = app.registry.createModel({
    name: 'Report',
    base: 'PersistedModel',
    properties: { title: 'string' },
    acls: [
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
      ...(reportClientId
        ? [{ principalType: 'APP', principalId: reportClientId, permission: 'ALLOW', property: 'find' }]
        : []),
    ],
  });
  const Order = app.registry.createModel({
    name: 'Order',
    base: 'PersistedModel',
    properties: { item: 'string', qty: 'number' },
    relations: { note: { type: 'belongsTo', model: 'Note', foreignKey: 'noteId' } },
    acls,
  });
  const Note = app.registry.createModel({
    name: 'Note',
    base: 'PersistedModel',
    properties: { text: 'string' },
    acls,
  });
  app.model(Order, { dataSource: 'db' });
  app.model(Note, { dataSource: 'db' });
  app.model(Report, { dataSource: 'db' });
  const models = oauth2(app, { scopes: SCOPES, ...options });
  app.use('/api', loopback.rest());
  if (store.name !== 'memory') {
    await app.dataSources.db.automigrate([
      'User',
      'AccessToken',
      'ACL',
      'Role',
      'RoleMapping',
      'Order',
      'Note',
      'Report',
      'OAuthClient',
      'OAuthAuthorizationCode',
      'OAuthToken',
    ]);
  }
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    base,
    models,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (store.name !== 'memory') await app.dataSources.db.disconnect();
    },
  };
}

/** A PKCE pair (RFC 7636 §4.1, §4.2: S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

/** A user of A and its session token (the login of A's REST API). */
export async function signedInUser(
  app: any,
  email = 'ann@example.com',
): Promise<{ user: any; token: string }> {
  const user = await app.models.User.create({ email, password: 'correct horse' });
  const token = await user.createAccessToken(3600);
  return { user, token: String(token.id) };
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export function basicAuth(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

/** POST a form to a provider endpoint: status, headers, JSON body (or text). */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * Walks the browser part of the authorization code flow as the signed-in user: GET /authorize
 * (the consent form's fields, as JSON), POST the consent, and returns the redirect's URL.
 */
export async function consentAndRedirect(
  base: string,
  sessionToken: string,
  query: Record<string, string>,
  allowed = true,
): Promise<URL> {
  const consent = await fetch(`${base}/oauth/authorize?${form(query)}`, {
    redirect: 'manual',
    headers: { authorization: sessionToken, accept: 'application/json' },
  });
  if (consent.status !== 200)
    throw new Error(`consent step answered ${consent.status}: ${await consent.text()}`);
  const info = (await consent.json()) as { fields: Record<string, string> };
  const answer = await fetch(`${base}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: sessionToken, 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ ...info.fields, allowed: String(allowed) }),
  });
  if (answer.status !== 302) throw new Error(`consent answer got ${answer.status}: ${await answer.text()}`);
  return new URL(answer.headers.get('location') ?? '');
}

/** A confidential client that went through the code flow for a new user: its ids and first tokens. */
export async function codeGrant(
  provider: ProviderApp,
  email: string,
  scope = 'orders:read',
): Promise<{ clientId: string; clientSecret: string; session: string; body: any; auth: string }> {
  const { app, base, models } = provider;
  const { token: session } = await signedInUser(app, email);
  const { clientId, clientSecret } = await models.Client.register({
    name: `Client of ${email}`,
    redirectUris: ['https://client.example.com/cb'],
    scopes: ['orders:read', 'orders:write'],
  });
  const pkce = pkcePair();
  const redirect = await consentAndRedirect(base, session, {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'https://client.example.com/cb',
    scope,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  });
  const auth = basicAuth(clientId, clientSecret);
  const exchanged = await postForm(
    `${base}/oauth/token`,
    {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code') ?? '',
      redirect_uri: 'https://client.example.com/cb',
      code_verifier: pkce.verifier,
    },
    { authorization: auth },
  );
  if (exchanged.status !== 200)
    throw new Error(`exchange answered ${exchanged.status}: ${JSON.stringify(exchanged.body)}`);
  return { clientId, clientSecret, session, body: exchanged.body, auth };
}

/** The status of a GET on A's REST API with a bearer token. */
export async function apiStatus(base: string, accessToken: string, path = '/api/Orders'): Promise<number> {
  return (await fetch(base + path, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

import * as crypto from 'crypto';
import express, { type Request, type Response, type NextFunction } from 'express';
import OAuth2Server from '@node-oauth/oauth2-server';
import { ConfigurationError, LooplineError } from '../../errors';
import { MODEL_DEFINITIONS } from './models';
import { resolveOptions, type OAuth2Options, type ResolvedOptions } from './options';
import { libraryModel, type OAuthModels } from './store';
import { acceptOAuthTokens } from './api-tokens';
import { applyScopes } from './scope-methods';
import { authorizeEndpoint } from './authorize-endpoint';
import { introspectionEndpoint, revocationEndpoint, tokenEndpoint } from './token-endpoints';
import { hashSecret, randomSecret, CLIENT_SECRET_PREFIX } from './secrets';
import { metadataOf } from './metadata';

export type { OAuth2Options, ScopeSetting } from './options';

type AnyModel = any;

/** The app, as far as the component uses it: the public registry, model and middleware API. */
export interface OAuth2App {
  registry: {
    hasModel(name: string): boolean;
    getModel(name: string): AnyModel;
    createModel(definition: object): AnyModel;
  };
  models: Record<string, AnyModel>;
  dataSources: Record<string, unknown>;
  model(Model: AnyModel, config: { dataSource: string | null; public?: boolean }): AnyModel;
  middleware(phase: string, paths: string | string[], handler: unknown): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** What `OAuthClient.register()` takes: the client's name, redirect URIs, grants and scopes. */
export interface ClientRegistration {
  name: string;
  redirectUris?: string[];
  grants?: string[];
  scopes?: string[];
  /** false: a public client (a browser or native app), which has no secret and must use PKCE. */
  confidential?: boolean;
  trusted?: boolean;
}

const GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

function modelFor(app: OAuth2App, definition: { name: string }, dataSource: string): AnyModel {
  if (app.models[definition.name]) return app.models[definition.name];
  if (!app.dataSources[dataSource])
    throw new ConfigurationError(
      `loopline/oauth2: no data source named "${dataSource}" for the ${definition.name} model`,
    );
  const Model = app.registry.hasModel(definition.name)
    ? app.registry.getModel(definition.name)
    : app.registry.createModel(definition);
  app.model(Model, { dataSource, public: false });
  return Model;
}

/** A redirect URI a client may register: absolute, no fragment, https unless on a loopback host. */
function checkRedirectUri(uri: unknown): string {
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch {
    throw new LooplineError(
      'INVALID_REDIRECT_URI',
      `loopline/oauth2: redirect URI "${String(uri)}" is not an absolute URL`,
    );
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (
    url.hash ||
    (url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && loopback) &&
      /^(http|javascript|data|file):$/.test(url.protocol))
  ) {
    throw new LooplineError(
      'INVALID_REDIRECT_URI',
      `loopline/oauth2: redirect URI "${String(uri)}" must be https (http only on localhost) and have no fragment`,
    );
  }
  return String(uri);
}

/** `OAuthClient.register({...})` → `{client, clientSecret}`: the secret is shown once, stored hashed. */
function defineRegister(Client: AnyModel, options: ResolvedOptions): void {
  Client.register = async (registration: ClientRegistration) => {
    if (!registration || typeof registration.name !== 'string' || !registration.name)
      throw new LooplineError('INVALID_CLIENT_REGISTRATION', 'loopline/oauth2: a client needs a name');
    const grants = registration.grants ?? ['authorization_code', 'refresh_token'];
    const confidential = registration.confidential !== false;
    for (const g of grants)
      if (!GRANTS.has(g))
        throw new LooplineError('INVALID_CLIENT_REGISTRATION', `loopline/oauth2: unknown grant "${g}"`);
    if (!confidential && grants.includes('client_credentials'))
      throw new LooplineError(
        'INVALID_CLIENT_REGISTRATION',
        'loopline/oauth2: a public client cannot use client_credentials',
      );
    const redirectUris = (registration.redirectUris ?? []).map(checkRedirectUri);
    if (grants.includes('authorization_code') && !redirectUris.length)
      throw new LooplineError(
        'INVALID_CLIENT_REGISTRATION',
        'loopline/oauth2: an authorization_code client needs a redirect URI',
      );
    const scopes = registration.scopes ?? [];
    for (const s of scopes)
      if (!options.scopes.has(s))
        throw new LooplineError('INVALID_CLIENT_REGISTRATION', `loopline/oauth2: unknown scope "${s}"`);
    const clientSecret = confidential ? randomSecret(CLIENT_SECRET_PREFIX) : undefined;
    const client = await Client.create({
      id: crypto.randomBytes(16).toString('hex'),
      name: registration.name,
      secretHash: clientSecret ? hashSecret(clientSecret) : undefined,
      redirectUris,
      grants,
      scopes,
      trusted: registration.trusted === true,
    });
    return { client, clientId: String(client.id), clientSecret };
  };
}

/**
 * loopline's OAuth 2.0 authorization server (issue 23), on `@node-oauth/oauth2-server`: the
 * authorization code grant with PKCE (S256 only), client credentials, refresh tokens with rotation
 * and reuse detection, revocation (RFC 7009), introspection (RFC 7662), metadata (RFC 8414), and
 * scopes mapped to models' methods. Its access tokens open the app's REST API like session tokens,
 * within their scopes. Enabled from component-config.json (`"loopline/oauth2": {...}`).
 */
export default function oauth2(app: OAuth2App, given: OAuth2Options = {}): OAuthModels {
  const options = resolveOptions(given);
  const [Client, Code, Token] = MODEL_DEFINITIONS.map((d) => modelFor(app, d, options.dataSource));
  const models: OAuthModels = { Client, Code, Token };
  defineRegister(Client, options);

  const server = (authenticated: boolean) =>
    new OAuth2Server({
      model: libraryModel(models, options, authenticated) as unknown as OAuth2Server.AuthorizationCodeModel,
      accessTokenLifetime: options.accessTokenTtl,
      refreshTokenLifetime: options.refreshTokenTtl,
      authorizationCodeLifetime: options.authorizationCodeTtl,
      allowEmptyState: true,
      alwaysIssueNewRefreshToken: true,
      // A public client refreshes with its id alone (a confidential one is still held to its secret).
      requireClientAuthentication: { refresh_token: false },
    });
  const key = options.consentSecret
    ? crypto.createHash('sha256').update(options.consentSecret).digest()
    : crypto.randomBytes(32);
  const issuer = (req: Request) => options.issuer ?? `${req.protocol}://${req.get('host')}`;

  // OAuth tokens open the REST API: the token models learn to read them; the scopes become methods' accessScopes.
  const adopt = (Model: AnyModel) => {
    if (!Model?.modelName) return;
    const AccessToken = app.registry.hasModel('AccessToken')
      ? app.registry.getModel('AccessToken')
      : undefined;
    if (AccessToken && (Model === AccessToken || Model.prototype instanceof AccessToken))
      acceptOAuthTokens(Model, models);
    applyScopes(Model, options.scopes);
  };
  if (app.registry.hasModel('AccessToken')) acceptOAuthTokens(app.registry.getModel('AccessToken'), models);
  for (const Model of Object.values(app.models)) adopt(Model);
  app.on('modelRemoted', (sharedClass: AnyModel) => adopt(sharedClass?.ctor));
  app.on('remoteMethodAdded', (sharedClass: AnyModel) => adopt(sharedClass?.ctor));

  const authorize = authorizeEndpoint(app, models, options, server(false), key);
  const tokenServer = server(true);
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const wrap =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      fn(req, res).catch(next);
  router.get('/authorize', wrap(authorize.show));
  router.post('/authorize', form, wrap(authorize.decide));
  router.post('/token', form, wrap(tokenEndpoint(tokenServer)));
  router.post('/revoke', form, wrap(revocationEndpoint(models)));
  router.post('/introspect', form, wrap(introspectionEndpoint(models, issuer)));
  app.middleware('routes:before', options.mountPath, router);
  app.middleware(
    'routes:before',
    '/.well-known/oauth-authorization-server',
    (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.json(metadataOf(issuer(req), options));
    },
  );
  return models;
}

module.exports = Object.assign(oauth2, { default: oauth2, oauth2 });

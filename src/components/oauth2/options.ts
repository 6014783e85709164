import { ConfigurationError } from '../../errors';

/** A scope's methods per model: method names or aliases, `*` for all, or `READ`/`WRITE`/`EXECUTE`. */
export type ScopeMethods = Record<string, string[]>;

/** `"orders:read": {"Order": ["find"]}`, or with a description for the consent page. */
export type ScopeSetting = ScopeMethods | { description?: string; models: ScopeMethods };

/** The component's settings (component-config.json `"loopline/oauth2": {...}`). */
export interface OAuth2Options {
  /** Where the endpoints are mounted (default `/oauth`). */
  mountPath?: string;
  /** The data source of the provider's models (default `db`). */
  dataSource?: string;
  /** The issuer URL of the metadata document; default: the request's origin. */
  issuer?: string;
  scopes?: Record<string, ScopeSetting>;
  /** Where a user who is not signed in is sent, with `?returnTo=<the authorize URL>`. */
  loginPage?: string;
  /** The app's own consent page; it gets the authorize query string (default: the built-in page). */
  consentPage?: string;
  /** Seconds (defaults: access token 3600, refresh token 1209600, authorization code 120). */
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  authorizationCodeTtl?: number;
  /** The key of the consent form's HMAC, for apps served by several processes (default: random per process). */
  consentSecret?: string;
}

export interface Scope {
  name: string;
  description: string;
  models: ScopeMethods;
}

export interface ResolvedOptions {
  mountPath: string;
  dataSource: string;
  issuer?: string;
  scopes: Map<string, Scope>;
  loginPage?: string;
  consentPage?: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  authorizationCodeTtl: number;
  consentSecret?: string;
}

/** RFC 6749 §3.3: a scope token is printable ASCII without space, `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function ttl(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ConfigurationError(`loopline/oauth2: ${name} must be a whole number of seconds, at least 1`);
  return value;
}

function resolveScopes(given: Record<string, ScopeSetting> | undefined): Map<string, Scope> {
  const scopes = new Map<string, Scope>();
  for (const [name, setting] of Object.entries(given ?? {})) {
    if (!SCOPE_TOKEN.test(name) || name === 'DEFAULT')
      throw new ConfigurationError(`loopline/oauth2: "${name}" is not a usable scope name`);
    const long =
      setting && typeof setting === 'object' && 'models' in setting && typeof setting.models === 'object';
    const models = (long ? (setting as { models: ScopeMethods }).models : setting) as ScopeMethods;
    for (const [model, methods] of Object.entries(models ?? {})) {
      if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string'))
        throw new ConfigurationError(
          `loopline/oauth2: scope "${name}" must list ${model}'s methods as an array of names`,
        );
    }
    const description =
      long && typeof (setting as { description?: unknown }).description === 'string'
        ? String((setting as { description: string }).description)
        : name;
    scopes.set(name, { name, description, models: models ?? {} });
  }
  return scopes;
}

export function resolveOptions(options: OAuth2Options = {}): ResolvedOptions {
  const mountPath = (options.mountPath ?? '/oauth').replace(/\/+$/, '');
  if (!mountPath.startsWith('/'))
    throw new ConfigurationError('loopline/oauth2: mountPath must start with "/"');
  return {
    mountPath,
    dataSource: options.dataSource ?? 'db',
    issuer: options.issuer?.replace(/\/+$/, ''),
    scopes: resolveScopes(options.scopes),
    loginPage: options.loginPage,
    consentPage: options.consentPage,
    accessTokenTtl: ttl(options.accessTokenTtl, 'accessTokenTtl', 3600),
    refreshTokenTtl: ttl(options.refreshTokenTtl, 'refreshTokenTtl', 1_209_600),
    authorizationCodeTtl: ttl(options.authorizationCodeTtl, 'authorizationCodeTtl', 120),
    consentSecret: options.consentSecret,
  };
}

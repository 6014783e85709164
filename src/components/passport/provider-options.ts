import type { LoginOptions } from './account-methods';

/** What a `providers.json` entry may hold: LB3's keys, and loopline's few additions. */
export interface ProviderOptions extends LoginOptions {
  /** The strategy's package or file (resolved from the app's folder), or the module object itself. */
  module?: string | Record<string, unknown> | ((...args: any[]) => unknown);
  /** The module's export holding the strategy class (default `Strategy`). */
  strategy?: string;
  /** The provider name stored on identities (default: the configureProvider name). */
  provider?: string;
  /** `local`, `oAuth 2.0` (`oauth2`), `oAuth 1.0` (`oauth`), `OpenID`, `OpenID Connect` (`oidc`), guessed when absent. */
  authScheme?: string;
  /** Link the provider account to the logged-in user (paths under `/link/`) instead of logging in. */
  link?: boolean;
  authPath?: string;
  callbackPath?: string;
  callbackURL?: string;
  callbackHTTPMethod?: 'get' | 'post';
  successRedirect?: string;
  failureRedirect?: string;
  failureQueryString?: boolean;
  failureFlash?: string | { type?: string; message?: string } | boolean;
  successFlash?: string | { type?: string; message?: string } | boolean;
  successReturnToOrRedirect?: string;
  scope?: string | string[];
  session?: boolean;
  /** Answer `{access_token, userId}` (failures: 401 with a code) instead of redirecting. */
  json?: boolean;
  /** local: make an AccessToken on login. */
  setAccessToken?: boolean;
  /** Domain of the access_token and userId cookies. */
  domain?: string;
  /** Options of the access_token and userId cookies (default httpOnly, SameSite=Lax, Secure on https). */
  cookie?: {
    httpOnly?: boolean;
    sameSite?: 'lax' | 'strict' | 'none' | boolean;
    secure?: boolean;
    path?: string;
  };
  /** LB3 appended `?access-token=…&user-id=…` to successRedirect without a session; off unless true. */
  tokenInRedirect?: boolean;
  /** Replaces the callback route's handler (LB3's customCallback). */
  customCallback?: (req: any, res: any, next: (err?: unknown) => void) => void;
  /** Options handed to passport.authenticate as they are. */
  authOptions?: Record<string, unknown>;
  usernameField?: string;
  passwordField?: string;
  clientID?: string;
  clientSecret?: string;
  consumerKey?: string;
  consumerSecret?: string;
  realm?: string;
  returnURL?: string;
  /** OpenID Connect: the issuer URL, its configuration read by discovery. */
  issuer?: string;
  /** OpenID Connect: allow an http:// issuer (development and tests only). */
  allowInsecureRequests?: boolean;
  /** OpenID Connect: read the userinfo endpoint besides the ID token's claims (default true). */
  userInfo?: boolean;
  /** The secret sealing the login-state cookie (default: the app's cookie-parser secret, else one made per process). */
  stateSecret?: string;
  [key: string]: unknown;
}

export type Scheme = 'local' | 'ldap' | 'saml' | 'oauth1' | 'openid' | 'oidc' | 'oauth2';

/** LB3's names for a scheme (`oAuth 2.0`, `OpenID Connect`, …), and loopline's short ones. */
export function schemeOf(options: ProviderOptions): { scheme: Scheme; authScheme: string } {
  let authScheme = options.authScheme;
  if (!authScheme) {
    // LB3's guess from the options present; an issuer means OpenID Connect.
    if (options.issuer) authScheme = 'OpenID Connect';
    else if (options.consumerKey) authScheme = 'oAuth1';
    else if (options.realm) authScheme = 'OpenID';
    else if (options.clientID) authScheme = 'oAuth 2.0';
    else authScheme = 'local';
  }
  const key = authScheme
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
  if (key === 'local') return { scheme: 'local', authScheme };
  if (key === 'ldap') return { scheme: 'ldap', authScheme };
  if (key === 'saml') return { scheme: 'saml', authScheme };
  if (key === 'oauth' || key === 'oauth1' || key === 'oauth 1.0' || key === 'oauth 1')
    return { scheme: 'oauth1', authScheme };
  if (key === 'openid connect' || key === 'oidc') return { scheme: 'oidc', authScheme };
  if (key === 'openid') return { scheme: options.issuer ? 'oidc' : 'openid', authScheme };
  return { scheme: 'oauth2', authScheme };
}

export interface ProviderRoutes {
  authPath: string;
  callbackPath: string;
  callbackMethod: 'get' | 'post';
  successRedirect: string;
  failureRedirect: string;
}

export function routesOf(name: string, options: ProviderOptions): ProviderRoutes {
  const base = options.link ? '/link/' : '/auth/';
  const callbackFromURL =
    options.callbackURL && /^\//.test(options.callbackURL) ? options.callbackURL : undefined;
  return {
    authPath: options.authPath ?? base + name,
    callbackPath: options.callbackPath ?? callbackFromURL ?? `${base}${name}/callback`,
    callbackMethod: options.callbackHTTPMethod === 'post' ? 'post' : 'get',
    successRedirect: options.successRedirect ?? (options.link ? '/link/account' : '/auth/account'),
    failureRedirect: options.failureRedirect ?? (options.link ? '/link.html' : '/login.html'),
  };
}

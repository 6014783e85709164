import { requestContextKeeper } from '../../remoting/request-context';
import { LooplineError } from '../../errors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tokenPrincipal } from './principal';
import { isTokenRefusal, recordTokenRefusal } from './jwt-tokens';
import type { RequestAccessToken } from './request-access-token';
import type { LooplineApp } from '../app/application';

/**
 * `loopback.token()` / `loopback#token`: finds the access token a request presents and sets
 * `req.accessToken` (null when none or invalid). Where a token is looked for, by default:
 *
 * - headers `Authorization` (the raw token or `Bearer <token>`) and `X-Access-Token`;
 * - the `access_token` query parameter (LB3 compatible; set `params: []` to turn it off);
 * - signed cookies `access_token` and `authorization`, read only from `req.signedCookies`
 *   (cookie-parser with a secret): an unsigned cookie is never trusted.
 */
export interface TokenOptions {
  /** The token model, or its name. */
  model?: any;
  params?: string[];
  headers?: string[];
  cookies?: string[];
  /** `/Users/me/...` → `/Users/<current user id>/...` for user models when set (e.g. `'me'`). */
  currentUserLiteral?: string;
  /** A token an earlier middleware set without an id (null, `{}`) is looked up again when true. */
  enableDoublecheck?: boolean;
  /** `Bearer <id>`: false, the id as sent; true, base64-decoded (LB3 3.x); unset, either. */
  bearerTokenBase64Encoded?: boolean;
  overwriteExistingToken?: boolean;
  searchDefaultTokenKeys?: boolean;
}

export const DEFAULT_TOKEN_SOURCES = {
  params: ['access_token'],
  headers: ['authorization', 'x-access-token'],
  cookies: ['access_token', 'authorization'],
};

/** Printable ASCII without spaces: what a decoded token id must look like to be taken. */
const PRINTABLE = /^[\x21-\x7e]+$/;

function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * A header or cookie value as LB3 reads it: `Bearer <id>` (LB3 3.x sends the id base64-encoded
 * and decodes it unless `bearerTokenBase64Encoded: false`; left unset, loopline takes the decoded
 * form when it is printable and the raw id otherwise, so both clients work), `Basic <base64>` (the
 * longer of user and password is the token), else the value itself.
 */
function parseAuthorization(value: string, options: TokenOptions): string {
  const trimmed = value.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(trimmed);
  if (bearer) {
    const raw = bearer[1].trim();
    if (options.bearerTokenBase64Encoded === false) return raw;
    const decoded = decodeBase64(raw);
    if (options.bearerTokenBase64Encoded === true) return decoded;
    return PRINTABLE.test(decoded) && decoded.length >= 16 ? decoded : raw;
  }
  const basic = /^Basic\s+(.+)$/i.exec(trimmed);
  if (basic) {
    const decoded = decodeBase64(basic[1].trim());
    const parts = /^([^:]*):(.*)$/.exec(decoded);
    return parts ? (parts[2].length > parts[1].length ? parts[2] : parts[1]) : decoded;
  }
  return trimmed;
}

/** The token id a request carries, or undefined. */
export function tokenIdForRequest(req: Request, options: TokenOptions = {}): string | undefined {
  // As LB3: given lists extend the defaults, unless searchDefaultTokenKeys is false (then only they count).
  const useDefaults = options.searchDefaultTokenKeys !== false;
  const merge = (given: string[] | undefined, defaults: string[]) =>
    useDefaults ? [...(given ?? []), ...defaults.filter((d) => !(given ?? []).includes(d))] : (given ?? []);
  const params = merge(options.params, DEFAULT_TOKEN_SOURCES.params);
  const headers = merge(options.headers, DEFAULT_TOKEN_SOURCES.headers);
  const cookies = merge(options.cookies, DEFAULT_TOKEN_SOURCES.cookies);
  const query = (req.query ?? {}) as Record<string, unknown>;
  for (const p of params) {
    const v = query[p];
    if (typeof v === 'string' && v) return v;
  }
  for (const h of headers) {
    const v = req.headers[h.toLowerCase()];
    if (typeof v === 'string' && v.trim()) return parseAuthorization(v, options);
  }
  // cookie-parser's, when the app uses it with a secret.
  const signed = req.signedCookies as Record<string, unknown> | undefined;
  if (signed) {
    for (const c of cookies) {
      const v = signed[c];
      if (typeof v === 'string' && v) return parseAuthorization(v, options);
    }
  }
  return undefined;
}

export function tokenMiddleware(options: TokenOptions = {}): RequestHandler {
  return async (req: Request, _res: Response, nextHandler: NextFunction) => {
    const keep = requestContextKeeper(req);
    const next = (err?: unknown) => keep(() => nextHandler(err));
    const app = req.app as LooplineApp | undefined;
    const TokenModel =
      typeof options.model === 'string'
        ? (app?.models?.[options.model] ?? app?.registry?.findModel?.(options.model))
        : (options.model ?? app?.models?.AccessToken);
    const existing = req.accessToken;
    if (existing !== undefined && !options.overwriteExistingToken) {
      // LB3: a token set earlier stands, unless double-checking and it has no id.
      const hasId = !!existing && existing.id !== undefined && existing.id !== null;
      if (hasId || !options.enableDoublecheck)
        return literalWithoutToken(req, existing, options) ? next(authorizationRequired()) : next();
    }
    if (!TokenModel || typeof TokenModel.findForRequest !== 'function') {
      req.accessToken = null;
      return literalWithoutToken(req, null, options) ? next(authorizationRequired()) : next();
    }
    try {
      const token = (await TokenModel.findForRequest(req, options)) ?? null;
      req.accessToken = token;
      // As LB3: loopback-context's per-request middleware, when in use, gets the token too.
      keep(() => {
        const perRequest = (req as { loopbackContext?: PerRequestContext }).loopbackContext;
        if (perRequest && perRequest.active && typeof perRequest.set === 'function')
          perRequest.set('accessToken', token);
      });
      if (literalWithoutToken(req, token, options)) return next(authorizationRequired());
      if (token && options.currentUserLiteral)
        rewriteCurrentUser(req, app, options.currentUserLiteral, token);
      next();
    } catch (err) {
      if (!isTokenRefusal(err)) return next(err);
      // A refused JWT: on without a token; a refusal for want of one answers with its code.
      recordTokenRefusal(req, err);
      req.accessToken = null;
      if (literalWithoutToken(req, null, options)) return next(err);
      next();
    }
  };
}

/** loopback-context's per-request namespace, which its `perRequest` middleware sets on the request. */
interface PerRequestContext {
  active?: unknown;
  set?(key: string, value: unknown): void;
}

function authorizationRequired(): LooplineError {
  return new LooplineError('AUTHORIZATION_REQUIRED', 'Authorization Required');
}

/** As LB3: with `currentUserLiteral` set, a path naming it (`/Users/me`) without a token is 401. */
function literalWithoutToken(req: Request, token: RequestAccessToken | null, options: TokenOptions): boolean {
  const literal = options.currentUserLiteral;
  if (!literal || (token && token.userId !== undefined && token.userId !== null)) return false;
  return splitUrl(req.url)[0].split('/').includes(literal);
}

/**
 * `/api/Members/me/orders` → `/api/Members/42/orders`, only after the path of the token's own user
 * model: a Staff token's `me` is no Member (the path is left as it is, and `me` finds nobody).
 */
function rewriteCurrentUser(
  req: Request,
  app: LooplineApp | undefined,
  literal: string,
  token: RequestAccessToken,
): void {
  const principal = tokenPrincipal(app, token);
  const Model = principal?.model;
  if (!Model) return;
  const path = String(Model.sharedClass?.http?.path ?? '')
    .replace(/^\//, '')
    .toLowerCase();
  const [pathname, search] = splitUrl(req.url);
  const parts = pathname.split('/');
  let changed = false;
  for (let i = 1; i < parts.length; i++) {
    if (parts[i] === literal && parts[i - 1].toLowerCase() === path) {
      parts[i] = encodeURIComponent(String(principal.id));
      changed = true;
    }
  }
  if (changed) req.url = parts.join('/') + search;
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tokenPrincipal } from './principal';

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
  model?: any;
  params?: string[];
  headers?: string[];
  cookies?: string[];
  /** `/Users/me/...` → `/Users/<current user id>/...` for user models when set (e.g. `'me'`). */
  currentUserLiteral?: string;
  /** Ignored: LB3's double-check is always on (a token presented twice must be the same). */
  enableDoublecheck?: boolean;
  overwriteExistingToken?: boolean;
  searchDefaultTokenKeys?: boolean;
}

export const DEFAULT_TOKEN_SOURCES = {
  params: ['access_token'],
  headers: ['authorization', 'x-access-token'],
  cookies: ['access_token', 'authorization'],
};

function stripBearer(value: string): string {
  const m = /^Bearer\s+(.+)$/i.exec(value.trim());
  return (m ? m[1] : value).trim();
}

/** The token id a request carries, or undefined. */
export function tokenIdForRequest(req: Request, options: TokenOptions = {}): string | undefined {
  const useDefaults = options.searchDefaultTokenKeys !== false;
  const merge = (given: string[] | undefined, defaults: string[]) => (given ? (useDefaults ? [...given, ...defaults.filter((d) => !given.includes(d))] : given) : defaults);
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
    if (typeof v === 'string' && v.trim()) return stripBearer(v);
  }
  const signed = (req as any).signedCookies as Record<string, unknown> | undefined;
  if (signed) {
    for (const c of cookies) {
      const v = signed[c];
      if (typeof v === 'string' && v) return stripBearer(v);
    }
  }
  return undefined;
}

export function tokenMiddleware(options: TokenOptions = {}): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const app = (req as any).app;
    const TokenModel = options.model ?? app?.models?.AccessToken;
    if ((req as any).accessToken !== undefined && !options.overwriteExistingToken) return next();
    if (!TokenModel || typeof TokenModel.findForRequest !== 'function') {
      (req as any).accessToken = null;
      return next();
    }
    try {
      const token = (await TokenModel.findForRequest(req, options)) ?? null;
      (req as any).accessToken = token;
      if (token && options.currentUserLiteral) rewriteCurrentUser(req, app, options.currentUserLiteral, token);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * `/api/Members/me/orders` → `/api/Members/42/orders`, only after the path of the token's own user
 * model: a Staff token's `me` is no Member (the path is left as it is, and `me` finds nobody).
 */
function rewriteCurrentUser(req: Request, app: any, literal: string, token: any): void {
  const principal = tokenPrincipal(app, token);
  const Model = principal?.model;
  if (!Model) return;
  const path = String(Model.sharedClass?.http?.path ?? '').replace(/^\//, '').toLowerCase();
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

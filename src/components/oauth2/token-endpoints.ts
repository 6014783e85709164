import OAuth2Server from '@node-oauth/oauth2-server';
import type { Request, Response } from 'express';
import {
  authenticateClient,
  findClient,
  revokeFamily,
  clientInfo,
  type OAuthClientInfo,
  type OAuthModels,
} from './store';
import { hashSecret } from './secrets';
import { liveTokenRow } from './api-tokens';

type AnyModel = any;

const GRANT_TYPES = new Set(['authorization_code', 'client_credentials', 'refresh_token']);

/** An RFC 6749 §5.2 error body, never cached. */
function sendError(res: Response, status: number, error: string, description: string, basic = false): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  if (status === 401)
    res.setHeader('WWW-Authenticate', basic ? 'Basic realm="oauth"' : 'Bearer realm="oauth"');
  res.status(status).json({ error, error_description: description });
}

/** The form fields of a request: a token-endpoint request is `application/x-www-form-urlencoded`. */
function formOf(req: Request): Record<string, unknown> | undefined {
  return req.is('application/x-www-form-urlencoded') && req.body && typeof req.body === 'object'
    ? (req.body as Record<string, unknown>)
    : undefined;
}

/** RFC 6749 §2.3.1 credentials: HTTP Basic (each part form-encoded) or `client_id`/`client_secret` fields. */
function credentialsOf(
  req: Request,
  form: Record<string, unknown>,
): { id?: unknown; secret?: unknown; basic: boolean } {
  const header = req.headers.authorization;
  const basic = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { basic: true };
    const unform = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    };
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)), basic: true };
  }
  return { id: form.client_id, secret: form.client_secret, basic: false };
}

/**
 * The token endpoint: the library runs the grants (authorization_code with PKCE,
 * client_credentials, refresh_token with rotation) over the store adapter; its answer and its RFC
 * 6749 errors are sent as they are, but for a redirect URI that differs from the authorization
 * request's, which §5.2 names `invalid_grant`.
 */
export function tokenEndpoint(server: OAuth2Server) {
  return async (req: Request, res: Response): Promise<void> => {
    // The library also knows the password grant; this provider does not offer it (OAuth 2.1 drops it).
    const grantType = formOf(req)?.grant_type;
    if (typeof grantType === 'string' && grantType && !GRANT_TYPES.has(grantType))
      return sendError(res, 400, 'unsupported_grant_type', `The grant type "${grantType}" is not supported`);
    const request = new OAuth2Server.Request({
      method: req.method,
      headers: req.headers as Record<string, string>,
      query: req.query as Record<string, string>,
      body: req.body ?? {},
    });
    const response = new OAuth2Server.Response({ headers: {} });
    try {
      await server.token(request, response);
    } catch (err) {
      const e = err as { name?: string; message?: string; code?: number };
      if (
        e.name === 'invalid_request' &&
        /redirect_uri/.test(String(e.message)) &&
        formOf(req)?.grant_type === 'authorization_code'
      ) {
        return sendError(
          res,
          400,
          'invalid_grant',
          'The redirect_uri differs from the authorization request',
        );
      }
      // Refused before the library wrote an answer (the method or the content type).
      if (response.body === undefined || Object.keys(response.body as object).length === 0)
        return sendError(
          res,
          e.code ?? 400,
          e.name ?? 'invalid_request',
          String(e.message ?? 'Invalid request'),
        );
    }
    for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, String(value));
    res.setHeader('Cache-Control', 'no-store');
    res.status(response.status ?? 200).json(response.body);
  };
}

/** The client a revocation or introspection request authenticates as; public clients give only their id. */
async function requestingClient(
  models: OAuthModels,
  req: Request,
  form: Record<string, unknown>,
  confidentialOnly: boolean,
): Promise<OAuthClientInfo | null> {
  const { id, secret } = credentialsOf(req, form);
  if (secret === undefined || secret === null || secret === '') {
    if (confidentialOnly) return null;
    const row = await findClient(models, id);
    const info = row ? clientInfo(row) : null;
    return info && !info.confidential ? info : null;
  }
  return authenticateClient(models, id, secret);
}

/** The stored token a presented access or refresh token names, if the client owns it. */
async function tokenRowOf(
  models: OAuthModels,
  token: string,
  clientId: string,
): Promise<{ row: AnyModel; kind: 'access' | 'refresh' } | null> {
  const hash = hashSecret(token);
  const access = await models.Token.findById(hash);
  if (access && String(access.clientId) === clientId) return { row: access, kind: 'access' };
  const refresh = await models.Token.findOne({ where: { refreshTokenHash: hash } });
  if (refresh && String(refresh.clientId) === clientId) return { row: refresh, kind: 'refresh' };
  return null;
}

/**
 * RFC 7009 revocation: 200 whether or not the token was known (nothing is revealed); an access
 * token is revoked with the refresh token issued beside it, a refresh token with every token of
 * its grant. A client revokes only its own tokens.
 */
export function revocationEndpoint(models: OAuthModels) {
  return async (req: Request, res: Response): Promise<void> => {
    const form = formOf(req);
    if (!form)
      return sendError(res, 400, 'invalid_request', 'Send an application/x-www-form-urlencoded body');
    const client = await requestingClient(models, req, form, false);
    if (!client)
      return sendError(
        res,
        401,
        'invalid_client',
        'Client authentication failed',
        credentialsOf(req, form).basic,
      );
    const token = form.token;
    if (typeof token !== 'string' || !token)
      return sendError(res, 400, 'invalid_request', 'Missing parameter: token');
    const found = token.length <= 200 ? await tokenRowOf(models, token, client.id) : null;
    if (found?.kind === 'access') await models.Token.updateAll({ id: found.row.id }, { revoked: true });
    if (found?.kind === 'refresh') await revokeFamily(models, String(found.row.family));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).end();
  };
}

/**
 * RFC 7662 introspection, for confidential clients: `{active: true, …}` for a live access token
 * (or live refresh token) the client owns, `{active: false}` for anything else — expired, revoked,
 * unknown, another client's, or a JWT this provider did not issue.
 */
export function introspectionEndpoint(models: OAuthModels, issuer: (req: Request) => string) {
  return async (req: Request, res: Response): Promise<void> => {
    const form = formOf(req);
    if (!form)
      return sendError(res, 400, 'invalid_request', 'Send an application/x-www-form-urlencoded body');
    const client = await requestingClient(models, req, form, true);
    if (!client)
      return sendError(
        res,
        401,
        'invalid_client',
        'Client authentication failed',
        credentialsOf(req, form).basic,
      );
    const token = form.token;
    if (typeof token !== 'string' || !token)
      return sendError(res, 400, 'invalid_request', 'Missing parameter: token');
    res.setHeader('Cache-Control', 'no-store');
    const found = token.length <= 200 ? await tokenRowOf(models, token, client.id) : null;
    const row = found?.kind === 'access' ? await liveTokenRow(models, token) : found?.row;
    const expiresAt = found?.kind === 'refresh' ? found.row.refreshTokenExpiresAt : row?.accessTokenExpiresAt;
    const live =
      !!row &&
      !row.revoked &&
      !(found?.kind === 'refresh' && row.rotated) &&
      (!expiresAt || new Date(expiresAt).getTime() > Date.now());
    if (!live) {
      res.json({ active: false });
      return;
    }
    res.json({
      active: true,
      scope: (row.scopes ?? []).join(' '),
      client_id: String(row.clientId),
      token_type: found?.kind === 'refresh' ? 'refresh_token' : 'Bearer',
      ...(expiresAt ? { exp: Math.floor(new Date(expiresAt).getTime() / 1000) } : {}),
      iat: Math.floor(new Date(row.created).getTime() / 1000),
      ...(row.userId ? { sub: String(row.userId) } : {}),
      iss: issuer(req),
    });
  };
}

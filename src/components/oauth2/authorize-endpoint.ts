import OAuth2Server from '@node-oauth/oauth2-server';
import type { Request, Response } from 'express';
import type { ResolvedOptions } from './options';
import { clientInfo, findClient, type GrantSubject, type OAuthClientInfo, type OAuthModels } from './store';
import { formToken, sameText } from './secrets';
import { renderConsentPage, renderErrorPage, scopeList, type ConsentInfo } from './consent-page';

type AnyModel = any;

/** An authorization request that passed every check, ready for consent. */
interface ValidRequest {
  client: OAuthClientInfo;
  redirectUri: string;
  state?: string;
  scopes: string[];
  codeChallenge: string;
}

/** A refusal: shown as a page when the redirect URI is not yet trusted, else sent back to the client. */
interface Refusal {
  error: string;
  description: string;
  status: number;
  redirectUri?: string;
  state?: string;
}

/** RFC 7636 §4.1: 43 to 128 unreserved characters (an S256 challenge is 43). */
const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

function param(source: Record<string, unknown>, name: string): string | undefined {
  const value = source[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * RFC 6749 §4.1.1 and RFC 7636: checks the client and its redirect URI first — a failure there is
 * never redirected (§4.1.2.1: the URI is not trusted yet) — then everything else, whose failures
 * go back to the client's redirect URI with `error` and `state`.
 */
async function validate(
  models: OAuthModels,
  options: ResolvedOptions,
  source: Record<string, unknown>,
): Promise<ValidRequest | Refusal> {
  const row = await findClient(models, param(source, 'client_id'));
  if (!row) return { error: 'invalid_request', description: 'Unknown or missing client_id', status: 400 };
  const client = clientInfo(row);
  const given = param(source, 'redirect_uri');
  const redirectUri = given ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return {
      error: 'invalid_request',
      description: given
        ? 'The redirect_uri is not registered for this client'
        : 'The client has several redirect URIs: redirect_uri is required',
      status: 400,
    };
  }
  const state = param(source, 'state');
  const refuse = (error: string, description: string): Refusal => ({
    error,
    description,
    status: 302,
    redirectUri,
    state,
  });
  if (param(source, 'response_type') !== 'code')
    return refuse('unsupported_response_type', 'Only response_type=code is supported');
  if (!client.grants.includes('authorization_code'))
    return refuse('unauthorized_client', 'The client may not use the authorization code grant');
  const asked = (param(source, 'scope') ?? '').split(' ').filter(Boolean);
  const allowed = client.scopes.filter((s) => options.scopes.has(s));
  const scopes = asked.length ? [...new Set(asked)] : allowed;
  if (!scopes.length || !scopes.every((s) => allowed.includes(s)))
    return refuse('invalid_scope', 'The requested scope is unknown or not allowed for this client');
  const codeChallenge = param(source, 'code_challenge');
  if (!codeChallenge || !CODE_CHALLENGE.test(codeChallenge))
    return refuse('invalid_request', 'PKCE is required: send code_challenge (S256)');
  if (param(source, 'code_challenge_method') !== 'S256')
    return refuse('invalid_request', 'code_challenge_method must be S256');
  if (state !== undefined && !/^[\x20-\x7e]+$/.test(state)) return refuse('invalid_request', 'Invalid state');
  return { client, redirectUri, state, scopes, codeChallenge };
}

function isRefusal(v: ValidRequest | Refusal): v is Refusal {
  return (v as Refusal).error !== undefined;
}

function sendRefusal(res: Response, refusal: Refusal): void {
  res.setHeader('Cache-Control', 'no-store');
  if (refusal.redirectUri) {
    const url = new URL(refusal.redirectUri);
    url.searchParams.set('error', refusal.error);
    url.searchParams.set('error_description', refusal.description);
    if (refusal.state !== undefined) url.searchParams.set('state', refusal.state);
    res.redirect(302, url.toString());
    return;
  }
  res.status(refusal.status).type('html').send(renderErrorPage(refusal.error, refusal.description));
}

/** The signed-in user of the app: a session token (header or signed cookie), never an OAuth token. */
async function sessionToken(app: AnyModel, req: Request): Promise<AnyModel | null> {
  let token: AnyModel = req.accessToken;
  const AccessToken = app.models?.AccessToken;
  if (token === undefined && AccessToken && typeof AccessToken.findForRequest === 'function') {
    // A refused token (a JWT with a bad signature, an expired one) is no session: the user signs in.
    token = await AccessToken.findForRequest(req).catch((err: { statusCode?: number }) => {
      if (err?.statusCode === 401) return null;
      throw err;
    });
  }
  if (!token || token.userId === undefined || token.userId === null || token.oauthClientId !== undefined)
    return null;
  return token;
}

/** The fields a consent answer carries, and the HMAC over them and the session. */
function consentFields(key: Buffer, session: AnyModel, valid: ValidRequest): Record<string, string> {
  const fields: Record<string, string> = {
    response_type: 'code',
    client_id: valid.client.id,
    redirect_uri: valid.redirectUri,
    scope: valid.scopes.join(' '),
    code_challenge: valid.codeChallenge,
    code_challenge_method: 'S256',
    ...(valid.state !== undefined ? { state: valid.state } : {}),
  };
  const mac = formToken(key, [String(session.id), ...Object.entries(fields).map(([k, v]) => `${k}=${v}`)]);
  return { ...fields, consent_token: mac };
}

export interface AuthorizeEndpoint {
  show(req: Request, res: Response): Promise<void>;
  decide(req: Request, res: Response): Promise<void>;
}

/**
 * `GET /authorize` shows the consent step (the built-in page, the app's `consentPage`, or JSON for
 * a page that asks with `Accept: application/json`); `POST /authorize` takes the user's answer.
 * Codes are issued by the library's authorize handler, after these checks.
 */
export function authorizeEndpoint(
  app: AnyModel,
  models: OAuthModels,
  options: ResolvedOptions,
  server: OAuth2Server,
  key: Buffer,
): AuthorizeEndpoint {
  const loginRedirect = (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (options.loginPage) {
      const sep = options.loginPage.includes('?') ? '&' : '?';
      res.redirect(302, `${options.loginPage}${sep}returnTo=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(401).type('html').send(renderErrorPage('login_required', 'Sign in to the application first'));
  };

  const issue = async (req: Request, res: Response, valid: ValidRequest, session: AnyModel) => {
    const subject: GrantSubject = {
      userId: String(session.userId),
      principalType: session.principalType ?? undefined,
    };
    const request = new OAuth2Server.Request({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      query: {},
      body: {
        response_type: 'code',
        client_id: valid.client.id,
        redirect_uri: valid.redirectUri,
        scope: valid.scopes.join(' '),
        code_challenge: valid.codeChallenge,
        code_challenge_method: 'S256',
        ...(valid.state !== undefined ? { state: valid.state } : {}),
      },
    });
    const response = new OAuth2Server.Response({ headers: {} });
    await server
      .authorize(request, response, { authenticateHandler: { handle: () => subject } })
      .catch(() => undefined);
    res.setHeader('Cache-Control', 'no-store');
    const location = response.get('location') as string | undefined;
    if (location) res.redirect(302, location);
    else
      res
        .status(500)
        .type('html')
        .send(renderErrorPage('server_error', 'The authorization could not be completed'));
  };

  return {
    async show(req, res) {
      const valid = await validate(models, options, req.query as Record<string, unknown>);
      if (isRefusal(valid)) return sendRefusal(res, valid);
      const session = await sessionToken(app, req);
      if (!session) return loginRedirect(req, res);
      if (valid.client.trusted) return issue(req, res, valid, session);
      const info: ConsentInfo = {
        client: { id: valid.client.id, name: valid.client.name },
        scopes: scopeList(valid.scopes, options.scopes),
        redirectUri: valid.redirectUri,
        fields: consentFields(key, session, valid),
      };
      res.setHeader('Cache-Control', 'no-store');
      if (req.accepts(['html', 'json']) === 'json') {
        res.json(info);
        return;
      }
      if (options.consentPage) {
        const query = req.originalUrl.includes('?')
          ? req.originalUrl.slice(req.originalUrl.indexOf('?'))
          : '';
        res.redirect(302, options.consentPage + query);
        return;
      }
      // The page must not be framed by another site (a clickjacked "Allow").
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      res.type('html').send(renderConsentPage(info, req.baseUrl + '/authorize'));
    },

    async decide(req, res) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const valid = await validate(models, options, body);
      if (isRefusal(valid)) return sendRefusal(res, valid);
      const session = await sessionToken(app, req);
      if (!session) return loginRedirect(req, res);
      const expected = consentFields(key, session, valid).consent_token;
      const given = param(body, 'consent_token');
      if (!given || !sameText(given, expected)) {
        res.setHeader('Cache-Control', 'no-store');
        res
          .status(403)
          .type('html')
          .send(
            renderErrorPage('invalid_request', 'The consent form is stale or was not issued to this session'),
          );
        return;
      }
      if (param(body, 'allowed') !== 'true')
        return sendRefusal(res, {
          error: 'access_denied',
          description: 'The user denied the request',
          status: 302,
          redirectUri: valid.redirectUri,
          state: valid.state,
        });
      return issue(req, res, valid, session);
    },
  };
}

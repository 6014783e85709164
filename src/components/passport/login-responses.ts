import { ThirdPartyLoginError, type LooplineError } from '../../errors';
import type { ProviderOptions, ProviderRoutes } from './provider-options';

type Req = any;
type Res = any;

export interface IssuedToken {
  id: string;
  ttl: number;
  userId: unknown;
}

/**
 * The access_token and userId cookies LB3 set after a web login: signed when the app has
 * cookie-parser with a secret (loopline's token middleware trusts only a signed one), for the
 * token's lifetime. Unlike LB3, HttpOnly (a page script cannot read the token; `cookie.httpOnly:
 * false` lets it), SameSite=Lax, and Secure when the request came over https.
 */
export function setTokenCookies(
  req: Req,
  res: Res,
  token: IssuedToken,
  userId: unknown,
  options: ProviderOptions,
): void {
  const cookie = options.cookie ?? {};
  const common: Record<string, unknown> = {
    signed: Boolean(req.signedCookies && req.secret),
    maxAge: 1000 * token.ttl,
    httpOnly: cookie.httpOnly ?? true,
    sameSite: cookie.sameSite ?? 'lax',
    secure: cookie.secure ?? req.secure === true,
    path: cookie.path ?? '/',
  };
  if (options.domain) common.domain = options.domain;
  res.cookie('access_token', token.id, common);
  res.cookie('userId', String(userId), common);
}

/** Where a successful login goes: the page ensureLoggedIn remembered, else successRedirect. */
export function successLocation(
  req: Req,
  routes: ProviderRoutes,
  token: IssuedToken | undefined,
  options: ProviderOptions,
): string {
  let url = routes.successRedirect;
  if (req.session?.returnTo) {
    url = req.session.returnTo;
    delete req.session.returnTo;
  }
  if (token && options.tokenInRedirect) {
    url += `${url.includes('?') ? '&' : '?'}access-token=${encodeURIComponent(token.id)}&user-id=${encodeURIComponent(String(token.userId))}`;
  }
  return url;
}

/** The error body loopline answers elsewhere: `{error: {statusCode, name, message, code, details}}`. */
export function sendError(res: Res, err: LooplineError): void {
  const body: Record<string, unknown> = {
    statusCode: err.statusCode,
    name: 'Error',
    message: err.message,
    code: err.code,
  };
  if (err.details !== undefined) body.details = err.details;
  res.status(err.statusCode).json({ error: body });
}

function flash(req: Req, setting: ProviderOptions['failureFlash'], message: string): void {
  if (!setting || typeof req.flash !== 'function') return;
  const entry =
    typeof setting === 'string'
      ? { type: 'error', message: setting }
      : typeof setting === 'object'
        ? setting
        : { type: 'error', message };
  req.flash(entry.type ?? 'error', entry.message ?? message);
}

/**
 * A login or link that did not succeed: 401 with a code under `json`, otherwise the
 * failureRedirect (with `?error=<message>` when failureQueryString is set), flashing the message
 * when failureFlash is set and the app has connect-flash.
 */
export function answerFailure(
  req: Req,
  res: Res,
  routes: ProviderRoutes,
  options: ProviderOptions,
  err: LooplineError,
): void {
  if (options.json) return sendError(res, err);
  const reason = (err.details as { reason?: string } | undefined)?.reason ?? err.message;
  flash(req, options.failureFlash, reason);
  if (options.failureQueryString) {
    const sep = routes.failureRedirect.includes('?') ? '&' : '?';
    return res.redirect(`${routes.failureRedirect}${sep}error=${encodeURIComponent(reason)}`);
  }
  res.redirect(routes.failureRedirect);
}

/** The message a strategy failed with (`fail({message})`, a provider's error), as a login error. */
export function loginErrorFrom(cause: unknown, fallback: string): LooplineError {
  if (cause instanceof ThirdPartyLoginError) return cause;
  if (cause && typeof cause === 'object') {
    const c = cause as {
      code?: unknown;
      statusCode?: unknown;
      message?: unknown;
      error?: unknown;
      error_description?: unknown;
      name?: unknown;
    };
    if (typeof c.code === 'string' && typeof c.statusCode === 'number' && c.statusCode === 401)
      return cause as LooplineError;
    const text = [c.error, c.error_description, c.message].find((t) => typeof t === 'string' && t !== '');
    if (text) return new ThirdPartyLoginError(`${fallback}: ${String(text)}`, String(text));
  }
  if (typeof cause === 'string' && cause !== '')
    return new ThirdPartyLoginError(`${fallback}: ${cause}`, cause);
  return new ThirdPartyLoginError(fallback, 'failed');
}

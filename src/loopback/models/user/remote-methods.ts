import { LooplineError } from '../../../errors';
import type { RemotingContext } from '../../../remoting/context';
import { rememberLoginRequest } from '../../security/login-throttle';
import { tokenPrincipal } from '../../security/principal';
import { settingsOf } from './settings';

/**
 * The built-in User's remote methods (LB3's names, routes and descriptions), as `methods` settings
 * so models extending User inherit them, with the REST steps that only these routes take.
 */

type AnyModel = any;

/** Marks the options of a `POST /reset` (resetPassword's REST form): see resetPassword. */
export const OVER_REST = Symbol('loopline.resetPasswordOverRest');

function markResetOverRest(ctx: RemotingContext, next: (err?: unknown) => void): void {
  const options = ctx.args.options;
  if (options && typeof options === 'object')
    Object.defineProperty(options, OVER_REST, { value: true, enumerable: false, configurable: true });
  next();
}

/**
 * Where confirm may send the browser: a path of this site, or a URL whose origin the user model
 * lists in `confirmRedirectOrigins` (`"*"`: anywhere, LB3's rule). Any other full URL would make
 * the confirm link an open redirect, so it is not followed (the answer is 204).
 */
function confirmRedirectAllowed(Model: AnyModel, redirect: string): boolean {
  if (redirect.startsWith('/') && !redirect.startsWith('//') && !redirect.startsWith('/\\')) return true;
  const allowed = settingsOf(Model).confirmRedirectOrigins;
  if (allowed === undefined || allowed === null || allowed === false) return false;
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return allowed === '*' || (Array.isArray(allowed) && allowed.includes(url.origin));
}

function confirmRedirect(ctx: RemotingContext, next: (err?: unknown) => void): void {
  const redirect = ctx.args.redirect;
  if (typeof redirect === 'string' && confirmRedirectAllowed(ctx.method.sharedClass.ctor, redirect)) {
    ctx.res.redirect(redirect);
  }
  next();
}

/**
 * The current user's id for the methods acting on "my" account, from a token of this very user
 * model: a Staff token on `/Members/change-password` is 403, as in LB3 (Staff 1 is not Member 1).
 */
const tokenUserId = (ctx: RemotingContext) => {
  const token = ctx.req?.accessToken;
  if (!token || token.userId === undefined || token.userId === null) return undefined;
  const Model = ctx.method.sharedClass.ctor as AnyModel;
  const principal = tokenPrincipal(Model?.app, token);
  if (!principal || principal.model !== Model) throw new LooplineError('ACCESS_DENIED', 'Access Denied');
  return token.userId;
};
const tokenId = (ctx: RemotingContext) => ctx.req?.accessToken?.id;
const OPTIONS_ARG = { arg: 'options', type: 'object', http: 'optionsFromRequest' };

/** The remote methods, as `methods` settings so models extending User inherit them. */
export const USER_METHODS: Record<string, unknown> = {
  login: {
    description: 'Login a user with username/email and password.',
    accepts: [
      { arg: 'credentials', type: 'object', required: true, http: { source: 'body' } },
      {
        arg: 'include',
        type: ['string'],
        http: { source: 'query' },
        description:
          'Related objects to include in the response. See the description of return value for more details.',
      },
    ],
    returns: {
      arg: 'accessToken',
      type: 'object',
      root: true,
      description: 'The response body contains properties of the AccessToken created on login.',
    },
    http: { verb: 'post' },
    rest: { before: rememberLoginRequest },
  },
  logout: {
    description: 'Logout a user with access token.',
    accepts: [
      {
        arg: 'access_token',
        type: 'string',
        http: tokenId,
        description: 'Do not supply this argument, it is automatically extracted from request headers.',
      },
    ],
    http: { verb: 'all' },
  },
  'prototype.verify': {
    description: "Trigger user's identity verification with configured verifyOptions",
    accepts: [
      {
        arg: 'verifyOptions',
        type: 'object',
        // Never from the request: the model's own options (a client must not pick the mailer or link).
        http: (ctx: RemotingContext) => (ctx.method.sharedClass.ctor as AnyModel).getVerifyOptions(),
      },
      OPTIONS_ARG,
    ],
    http: { verb: 'post' },
  },
  confirm: {
    description: 'Confirm a user registration with identity verification token.',
    accepts: [
      { arg: 'uid', type: 'string', required: true },
      { arg: 'token', type: 'string', required: true },
      { arg: 'redirect', type: 'string' },
    ],
    http: { verb: 'get', path: '/confirm' },
    rest: { after: confirmRedirect },
  },
  resetPassword: {
    description: 'Reset password for a user with email.',
    accepts: [{ arg: 'options', type: 'object', required: true, http: { source: 'body' } }],
    http: { verb: 'post', path: '/reset' },
    rest: { before: markResetOverRest },
  },
  changePassword: {
    description: "Change a user's password.",
    accepts: [
      { arg: 'id', type: 'any', http: tokenUserId },
      { arg: 'oldPassword', type: 'string', required: true, http: { source: 'form' } },
      { arg: 'newPassword', type: 'string', required: true, http: { source: 'form' } },
      OPTIONS_ARG,
    ],
    http: { verb: 'POST', path: '/change-password' },
  },
  setPassword: {
    description: "Reset user's password via a password-reset token.",
    accepts: [
      { arg: 'id', type: 'any', http: tokenUserId },
      { arg: 'newPassword', type: 'string', required: true, http: { source: 'form' } },
      OPTIONS_ARG,
    ],
    accessScopes: ['reset-password'],
    http: { verb: 'POST', path: '/reset-password' },
  },
};

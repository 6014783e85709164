import { LooplineError } from '../../errors';
import { withCallback, type NodeCallback } from '../../util/callback';
import { defineHidden } from '../../util/own';
import type { OAuthModels } from './store';
import { ACCESS_TOKEN_PREFIX, hashSecret } from './secrets';

type AnyModel = any;

const WRAPPED = Symbol.for('loopline.oauth2.resolve');

type TokenState =
  { row: AnyModel; refusal?: undefined } | { row?: undefined; refusal: 'unknown' | 'revoked' | 'expired' };

/** The stored OAuth token a bearer token names, or why it opens nothing. */
async function tokenState(models: OAuthModels, presented: unknown): Promise<TokenState> {
  if (typeof presented !== 'string' || !presented.startsWith(ACCESS_TOKEN_PREFIX) || presented.length > 200)
    return { refusal: 'unknown' };
  const row = await models.Token.findById(hashSecret(presented));
  if (!row) return { refusal: 'unknown' };
  if (row.revoked) return { refusal: 'revoked' };
  const expires = new Date(row.accessTokenExpiresAt).getTime();
  return Number.isFinite(expires) && Date.now() < expires ? { row } : { refusal: 'expired' };
}

/** The stored OAuth token a bearer token names, if it is live (not revoked, not expired). */
export async function liveTokenRow(models: OAuthModels, presented: unknown): Promise<AnyModel | null> {
  return (await tokenState(models, presented)).row ?? null;
}

const REFUSALS = {
  unknown: ['INVALID_ACCESS_TOKEN', 'The access token is not one this server issued'],
  revoked: ['ACCESS_TOKEN_REVOKED', 'The access token was revoked'],
  expired: ['ACCESS_TOKEN_EXPIRED', 'The access token has expired'],
} as const;

/**
 * Why an OAuth bearer token opens nothing, as the token middleware takes a refused token: the
 * request goes on without one, and where it is refused for want of one, the 401 carries this
 * code and RFC 6750's `WWW-Authenticate: Bearer error="invalid_token"`.
 */
function refusalOf(kind: keyof typeof REFUSALS): LooplineError {
  const [code, message] = REFUSALS[kind];
  const err = new LooplineError(code, message);
  Object.defineProperty(err, 'challenge', {
    value: `Bearer error="invalid_token", error_description="${message}"`,
    enumerable: false,
  });
  return err;
}

/**
 * RFC 6750 §3.1: a token whose scopes do not open the method is refused with 403
 * `insufficient_scope`, naming in `WWW-Authenticate` the scopes that would (the REST authorizer
 * asks the token for this error when the method's `accessScopes` share none of the token's scopes).
 */
function insufficientScope(
  method: { options?: { accessScopes?: unknown } } | undefined,
  rctx: { res?: { headersSent?: boolean; setHeader?(name: string, value: string): void } } | undefined,
): LooplineError {
  const declared = method?.options?.accessScopes;
  const needed = Array.isArray(declared) ? declared.filter((s) => s !== 'DEFAULT').map(String) : [];
  const challenge = `Bearer error="insufficient_scope", error_description="The access token's scopes do not cover this method"${needed.length ? `, scope="${needed.join(' ')}"` : ''}`;
  const res = rctx?.res;
  if (res && !res.headersSent && typeof res.setHeader === 'function')
    res.setHeader('WWW-Authenticate', challenge);
  return new LooplineError(
    'INSUFFICIENT_SCOPE',
    'The access token was not granted a scope that covers this method',
    needed.length ? { scopes: needed } : undefined,
  );
}

/**
 * An unsaved AccessToken carrying an OAuth token's grant, as the token middleware hands tokens to
 * ACLs: `userId`/`principalType` for a user's token, `appId` (LB3's APP principal) the client.
 * `destroy()` revokes the OAuth token.
 */
function accessTokenOf(
  AccessToken: AnyModel,
  models: OAuthModels,
  row: AnyModel,
  presented: string,
): AnyModel {
  const created = new Date(row.created ?? Date.now());
  const expires = new Date(row.accessTokenExpiresAt);
  const ttl = Math.max(1, Math.round((expires.getTime() - created.getTime()) / 1000));
  const token = new AccessToken({
    id: presented,
    ttl,
    created,
    scopes: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
    ...(row.userId ? { userId: row.userId, principalType: row.principalType ?? undefined } : {}),
  });
  const hidden = (name: string, value: unknown) => defineHidden(token, name, value);
  hidden('appId', String(row.clientId));
  hidden('oauthClientId', String(row.clientId));
  hidden('scopeRefusal', insufficientScope);
  const destroy = (...args: unknown[]) => {
    const cb =
      typeof args[args.length - 1] === 'function' ? (args.pop() as NodeCallback<unknown>) : undefined;
    return withCallback(
      models.Token.updateAll({ id: row.id }, { revoked: true }).then(() => ({ count: 1 })),
      cb,
    );
  };
  for (const name of ['destroy', 'remove', 'delete']) hidden(name, destroy);
  return token;
}

/**
 * Teaches a token model (`AccessToken` or the app's own) to take OAuth access tokens: an id with
 * the OAuth prefix is looked up by its hash among the provider's tokens; any other id goes to the
 * model's own `resolve` (the public override point LB3 gave token models).
 */
export function acceptOAuthTokens(AccessToken: AnyModel, models: OAuthModels): void {
  if (!AccessToken || typeof AccessToken.resolve !== 'function' || AccessToken.resolve[WRAPPED]) return;
  const own = AccessToken.resolve;
  const resolve = function (this: AnyModel, id: unknown, cb?: NodeCallback<unknown>) {
    if (typeof id !== 'string' || !id.startsWith(ACCESS_TOKEN_PREFIX)) return own.call(this, id, cb);
    const run = async () => {
      const { row, refusal } = await tokenState(models, id);
      if (refusal) throw refusalOf(refusal);
      return accessTokenOf(this, models, row, id);
    };
    return withCallback(run(), cb);
  };
  Object.defineProperty(resolve, WRAPPED, { value: true });
  Object.defineProperty(AccessToken, 'resolve', { value: resolve, writable: true, configurable: true });
}

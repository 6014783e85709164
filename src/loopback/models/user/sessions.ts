/**
 * A user's sessions (access tokens): the one `user.createAccessToken()` makes (stored, or a JWT),
 * and the ones that end — by logout, and on the user's own changes: all of them when the user is
 * deleted, the others when its email or password changes.
 */

import { appUserModels } from '../../security/principal';
import { issuesJwt, jwtServiceOf, looksLikeJwt } from '../../security/jwt-tokens';
import { jwtAccessToken } from '../access-token';
import { settingsOf } from './settings';

type AnyModel = any;

export function tokenModelOf(User: AnyModel): AnyModel {
  return (
    User.relations?.accessTokens?.modelTo ??
    User.app?.models?.AccessToken ??
    User.modelBuilder?.getModel('AccessToken')
  );
}

/**
 * The `createAccessToken` loopline installs (as bridged onto the user prototype); a login or a
 * password reset calls an app's replacement LB3's way instead.
 */
export const builtinCreateAccessTokens = new WeakSet<object>();

/** LB3's `createAccessToken` forms: `(ttl)`, `(ttl, options)`, `({ttl, scopes…}, options)`, `(options)`. */
export async function createAccessToken(this: any, ttlOrData?: unknown, options?: unknown): Promise<any> {
  const User = this.constructor;
  const settings = settingsOf(User);
  let data: Record<string, unknown>;
  if (ttlOrData === null || typeof ttlOrData !== 'object') data = { ttl: ttlOrData };
  else if (options !== undefined) data = { ...(ttlOrData as Record<string, unknown>) };
  else {
    data = {};
    options = ttlOrData;
  }
  const defaultTtl = Number(settings.ttl ?? 1209600);
  const maxTTL = Number(settings.maxTTL ?? 31556926);
  const ttl = data.ttl;
  let value = typeof ttl === 'number' || (typeof ttl === 'string' && ttl !== '') ? Number(ttl) : defaultTtl;
  if (!Number.isFinite(value) || value === 0) value = defaultTtl;
  if (value === -1 && !settings.allowEternalTokens) value = maxTTL;
  else if (value < 0 && value !== -1) value = defaultTtl;
  else if (value > maxTTL) value = maxTTL;
  const Token = tokenModelOf(User);
  const tokenData: Record<string, unknown> = {
    ...(Array.isArray(data.scopes) ? { scopes: data.scopes } : {}),
    userId: this.getId(),
    ttl: Math.floor(value),
    principalType: User.modelName,
  };
  const jwt = issuesJwt(User.app, User) ? jwtServiceOf(User.app) : undefined;
  if (jwt) {
    // A JWT cannot be eternal: it always carries an expiry (at most maxTTL).
    const signed = await jwt.sign({
      ...tokenData,
      ttl: value === -1 ? Math.floor(maxTTL) : Math.floor(value),
    } as Parameters<typeof jwt.sign>[0]);
    return jwtAccessToken(Token, signed, jwt);
  }
  return Token.create(tokenData, options && typeof options === 'object' ? options : undefined);
}

/**
 * Whether an email or password change ends the user's other sessions. On by default, as in LB3
 * 3.x. `logoutSessionsOnSensitiveChanges: false` (LB3 2.x's app setting, also read on the user
 * model) turns it off for the whole app or model; `{preserveAccessTokens: true}` (LB3 3.x's
 * option) keeps the sessions for one call.
 */
export function logsOutOnSensitiveChanges(User: AnyModel, options: any): boolean {
  if (options?.preserveAccessTokens) return false;
  if (User.settings?.logoutSessionsOnSensitiveChanges === false) return false;
  return User.app?.get?.('logoutSessionsOnSensitiveChanges') !== false;
}

/**
 * The where of the tokens of these users of this model. A token names the user model it was made for
 * (`principalType`): Member 1's tokens are not Staff 1's. A token without one (made by server
 * code) is the single user model's, if the app has one (principal.ts).
 */
export function tokensOfUsers(
  User: AnyModel,
  userIds: unknown[],
  Token: AnyModel = tokenModelOf(User),
): Record<string, unknown> {
  const where: Record<string, unknown> = { userId: { inq: userIds } };
  if (Token.definition?.properties?.principalType) {
    const own = appUserModels(User.app);
    where.or =
      own.length === 1 && own[0] === User
        ? [{ principalType: User.modelName }, { principalType: null }]
        : [{ principalType: User.modelName }];
  }
  return where;
}

/** Ends the sessions of `userIds` except the one making the change (LB3: `options.accessToken`). */
export async function endOtherSessions(User: AnyModel, userIds: unknown[], options: any): Promise<void> {
  if (userIds.length === 0 || !logsOutOnSensitiveChanges(User, options)) return;
  const current = options?.accessToken;
  // A single-use reset token is not kept: setPassword ends it too.
  const keepCurrent =
    !!current?.id && !(Array.isArray(current.scopes) && current.scopes.includes('reset-password'));
  revokeJwts(User, userIds, keepCurrent ? current.id : undefined);
  const Token = tokenModelOf(User);
  if (!Token?.dataSource) return;
  const where = tokensOfUsers(User, userIds, Token);
  if (keepCurrent) where.id = { neq: current.id };
  await Token.destroyAll(where, options);
}

/**
 * Ends one session (logout, a used reset token): a stored token is deleted, a valid JWT is
 * revoked until it expires. Whether there was such a session.
 */
export async function endSession(User: AnyModel, tokenId: string): Promise<boolean> {
  const jwt = looksLikeJwt(tokenId) ? jwtServiceOf(User.app) : undefined;
  if (jwt) {
    const token = await jwt.verify(tokenId).catch(() => undefined);
    if (token) jwt.revoke(token);
    return !!token;
  }
  const info = await tokenModelOf(User).destroyById(tokenId);
  return !!info && info.count !== 0;
}

/** The JWTs of these users made until now end too (all but the one making the change, if given). */
function revokeJwts(User: AnyModel, userIds: unknown[], keepTokenId?: unknown): void {
  const jwt = jwtServiceOf(User.app);
  if (!jwt || userIds.length === 0) return;
  let keep: string | undefined;
  if (looksLikeJwt(keepTokenId)) {
    try {
      keep = (
        JSON.parse(Buffer.from(keepTokenId.split('.')[1], 'base64url').toString('utf8')) as { jti?: unknown }
      ).jti as string | undefined;
    } catch {
      keep = undefined;
    }
  }
  jwt.revokeUsers(User.modelName, userIds, typeof keep === 'string' ? keep : undefined);
}

/**
 * Deleting users deletes their tokens (LB3 does, in `before delete`): by id, by a where, and an
 * instance's destroy. The tokens go first and the delete is narrowed to the users found, so a
 * failing delete leaves users signed out rather than tokens of deleted users signed in.
 */
export function installDeleteHook(User: AnyModel): void {
  User.observe('before delete', async (ctx: any) => {
    const Model = ctx.Model ?? User;
    const Token = tokenModelOf(Model);
    if (!Model.relations?.accessTokens || !Token?.dataSource) return;
    const idName: string = Model.definition.idName ?? 'id';
    const found = await Model.find({ where: ctx.where ?? {}, fields: [idName] }, ctx.options);
    const ids = found.map((u: any) => u[idName]);
    ctx.where = { [idName]: { inq: ids } };
    revokeJwts(Model, ids);
    if (ids.length) await Token.destroyAll(tokensOfUsers(Model, ids, Token));
  });
}

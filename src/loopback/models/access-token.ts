import type { Request } from 'express';
import { withCallback } from '../../util/callback';
import { generateTokenId, safeEqual } from '../security/token-id';
import { tokenIdForRequest, TokenOptions } from '../security/token-middleware';
import { JwtAccessTokens, JwtTokenData, jwtServiceOf, looksLikeJwt } from '../security/jwt-tokens';

type AnyModel = any;

/** AccessToken: random ids, expiry by ttl, and the lookup the token middleware uses. */
export function setupAccessToken(AccessToken: AnyModel): void {
  AccessToken.observe('before save', async (ctx: any) => {
    if (!ctx.isNewInstance || !ctx.instance) return;
    if (!ctx.instance.id) ctx.instance.id = generateTokenId();
    if (!ctx.instance.created) ctx.instance.created = new Date();
  });

  const statics: Record<string, (...args: any[]) => unknown> = {
    createAccessTokenId(cb?: (err: Error | null, id?: string) => void) {
      return withCallback(Promise.resolve(generateTokenId()), cb);
    },
    getIdForRequest(req: Request, options?: TokenOptions) {
      return tokenIdForRequest(req, options);
    },
    /** `resolve(id, cb)`: the stored, valid token with exactly this id, or null (an expired one is deleted). */
    resolve(this: AnyModel, id: unknown, cb?: (err: Error | null, token?: unknown) => void) {
      const run = async () => {
        // A JWT is checked by its signature and claims, with no store lookup; a bad one is a 401.
        const jwt = looksLikeJwt(id) ? jwtServiceOf(this.app) : undefined;
        if (jwt) return jwtAccessToken(this, await jwt.verify(id as string), jwt);
        if (typeof id !== 'string' || !id || id.length > 512) return null;
        const token = await this.findById(id);
        // The store found it; the ids are compared again in constant time, so a store that
        // matches case-insensitively (some SQL collations) cannot accept a different token.
        if (!token || !safeEqual(String(token.id), id)) return null;
        return (await token.validate()) ? token : null;
      };
      return withCallback(run(), cb);
    },
    /**
     * `findForRequest(req, [options], [cb])`: the valid token a request presents, or null. Goes
     * through `getIdForRequest` and `resolve`, so a token model may replace either (as in LB3).
     */
    findForRequest(
      this: AnyModel,
      req: Request,
      options?: TokenOptions | ((err: Error | null, token?: unknown) => void),
      cb?: (err: Error | null, token?: unknown) => void,
    ) {
      if (typeof options === 'function') {
        cb = options;
        options = undefined;
      }
      const opts = options ?? {};
      const run = async () => {
        const id = this.getIdForRequest(req, opts);
        if (id === undefined || id === null || id === '') return null;
        // An app's `resolve` may answer through the callback only, or return a promise.
        const found = await new Promise((resolve, reject) => {
          const ret = this.resolve(id, (err: Error | null, token?: unknown) =>
            err ? reject(err) : resolve(token),
          );
          if (ret && typeof ret.then === 'function') ret.then(resolve, reject);
        });
        return found ?? null;
      };
      return withCallback(run(), cb);
    },
  };
  for (const [name, fn] of Object.entries(statics))
    Object.defineProperty(AccessToken, name, { value: fn, writable: true, configurable: true });

  Object.defineProperty(AccessToken.prototype, 'validate', {
    value(this: any, cb?: (err: Error | null, ok?: boolean) => void) {
      const run = async () => {
        const created =
          this.created instanceof Date ? this.created.getTime() : new Date(this.created).getTime();
        const ttl = Number(this.ttl);
        const Model = this.constructor;
        const eternal =
          ttl === -1 &&
          (Model.app?.models?.User?.settings?.allowEternalTokens || Model.settings?.allowEternalTokens);
        const valid =
          eternal ||
          (Number.isFinite(created) && Number.isFinite(ttl) && ttl > 0 && Date.now() < created + ttl * 1000);
        if (!valid) {
          await Model.destroyById(this.id).catch(() => undefined);
          return false;
        }
        return true;
      };
      return withCallback(run(), cb);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * An unsaved AccessToken instance carrying a verified JWT's data, as a stored token reads. Its
 * `destroy()` (LB3 server code ends a session so) revokes the JWT until it expires.
 */
export function jwtAccessToken(Token: AnyModel, data: JwtTokenData, service: JwtAccessTokens): AnyModel {
  const { id, userId, principalType, scopes, ttl, created } = data;
  const token = new Token({
    id,
    userId,
    ttl,
    created,
    ...(principalType ? { principalType } : {}),
    ...(scopes ? { scopes } : {}),
  });
  const destroy = (...args: unknown[]) => {
    const cb =
      typeof args[args.length - 1] === 'function'
        ? (args.pop() as (err: Error | null, info?: unknown) => void)
        : undefined;
    service.revoke(data);
    return withCallback(Promise.resolve({ count: 1 }), cb);
  };
  for (const name of ['destroy', 'remove', 'delete'])
    Object.defineProperty(token, name, { value: destroy, writable: true, configurable: true });
  return token;
}

/**
 * loopline records every token's user model in `principalType` and hides it, so a token reads
 * `{id, ttl, created, userId}` as in LB3. An LB3 app with several user models declares the token's
 * `user` as a polymorphic belongsTo with `principalType` as discriminator, and LB3 then shows it:
 * once such a relation is defined on a token model, its `principalType` is shown too.
 */
export function showPrincipalTypeOfPolymorphicTokens(builder: any, AccessToken: AnyModel): void {
  builder.on('relation', (rel: any) => {
    const Token = rel?.modelFrom;
    if (rel?.type !== 'belongsTo' || rel.polymorphic?.discriminator !== 'principalType') return;
    if (!Token || (Token !== AccessToken && !(Token.prototype instanceof AccessToken))) return;
    const hidden = Token.settings?.hidden;
    if (!Array.isArray(hidden) || !hidden.includes('principalType')) return;
    Token.settings.hidden = hidden.filter((p: string) => p !== 'principalType');
    builder.compile(Token);
  });
}

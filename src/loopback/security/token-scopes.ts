import type { RemotingContext } from '../../remoting/context';
import type { SharedMethod } from '../../remoting/shared-method';

/** A token's `scopes` against the `accessScopes` a remote method declares. */

import type { ModelClass } from '../model-api/registry';

/** A token with `scopes` (e.g. a password-reset token) only opens methods declaring one of them. */
export function tokenScopeAllows(token: any, method: SharedMethod | undefined): boolean {
  if (!token) return true;
  const scopes: string[] = Array.isArray(token.scopes) && token.scopes.length ? token.scopes : ['DEFAULT'];
  const declared = method?.options?.accessScopes;
  const allowed: string[] = Array.isArray(declared) && declared.length ? (declared as string[]) : ['DEFAULT'];
  return scopes.some((s) => allowed.includes(s));
}

/**
 * A token may supply the error for a method its scopes do not open (an OAuth token answers RFC
 * 6750's 403 `insufficient_scope`); other tokens get the ACL denial, as in LB3.
 */
export function scopeRefusalOf(
  token: any,
  method: SharedMethod | undefined,
  rctx: RemotingContext,
): Error | undefined {
  const refuse = token?.scopeRefusal;
  return typeof refuse === 'function' ? refuse.call(token, method, rctx) : undefined;
}

/**
 * Such a token is held to its scopes on what a call reaches through a relation or an include too
 * (the target's method must be open to it); LB3 checked scopes on the invoked method only, which
 * other tokens keep.
 */
export function checkTargetScope(
  token: any,
  Target: ModelClass,
  property: string,
  rctx: RemotingContext,
): void {
  if (typeof token?.scopeRefusal !== 'function') return;
  const method: SharedMethod | undefined = Target?.sharedClass?.findMethodByName?.(property);
  if (!tokenScopeAllows(token, method)) throw scopeRefusalOf(token, method, rctx);
}

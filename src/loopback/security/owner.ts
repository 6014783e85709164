import { AccessContext } from './access-context';
import { isReferencedUser, isSameUser, isUserModel, sameId, UserPrincipal } from './principal';

/**
 * The `$owner` role: whether the request's principal owns the record an access context names.
 */

import type { ModelClass } from '../model-api/registry';

function userModelOf(ctx: AccessContext): ModelClass | undefined {
  return ctx.registry?.findModel?.('User');
}

/**
 * The belongsTo relations to user models that make an owner: all of them, or with LB3's
 * `ownerRelations: ["sender"]` setting only those named (`ownerRelations: true` keeps all, and,
 * like a list, turns off the userId/owner property fallback).
 */
export function ownerRelationsOf<R extends { name: string }>(Model: ModelClass, relations: R[]): R[] {
  const named = Model.settings?.ownerRelations;
  return Array.isArray(named) ? relations.filter((r) => named.includes(r.name)) : relations;
}

/** Keys LB3 reads as the owner when a model has no relation to a user model. */
const LEGACY_OWNER_KEYS = ['userId', 'ownerId', 'owner'];

/**
 * LB3's rule without `ownerRelations`: only the first belongsTo that could name this principal
 * (to its user model, or in a single-user app to a base of it) decides; a second relation to a
 * user (a message's receiver) owns nothing.
 */
function legacyOwnerRelation(principal: UserPrincipal, candidates: any[]): any[] {
  const model = principal.model;
  const first = candidates.find(
    (r) => !model || r.modelTo === model || (principal.isUser && model.prototype instanceof r.modelTo),
  );
  return first ? [first] : [];
}

/**
 * `$owner`: the instance is the token's user (same user model, same id), or points at it through
 * a belongsTo relation whose target is the token's user model (or, in a single-user app, a base
 * of it: principal.ts). Without a relation to a user model, LB3's
 * `userId`/`ownerId`/`owner` property counts only in a single-user app (which user model the
 * id is of is known there and nowhere else), and only when no relation claims that key.
 */
export async function isOwner(ctx: AccessContext): Promise<boolean> {
  const principal = ctx.principal;
  if (!principal || ctx.modelId === undefined || ctx.modelId === null) return false;
  const User = userModelOf(ctx);
  if (isUserModel(ctx.model, User)) return isSameUser(principal, ctx.model, ctx.modelId);
  const inst = await ctx.getInstance();
  if (!inst) return false;
  const belongsTo = Object.values((ctx.model.relations ?? {}) as Record<string, any>).filter(
    (r) => r.type === 'belongsTo',
  );
  const candidates = belongsTo.filter((r) => r.modelTo && isUserModel(r.modelTo, User));
  const toUsers = ctx.model.settings?.ownerRelations
    ? ownerRelationsOf(ctx.model, candidates)
    : legacyOwnerRelation(principal, candidates);
  if (toUsers.length) return toUsers.some((r) => isReferencedUser(principal, r.modelTo, inst[r.keyFrom]));
  if (candidates.length || !principal.isUser || ctx.model.settings?.ownerRelations) return false;
  const claimed = new Set(belongsTo.map((r) => String(r.keyFrom)));
  const key = LEGACY_OWNER_KEYS.find(
    (k) => !claimed.has(k) && inst[k] !== undefined && inst[k] !== null && typeof inst[k] !== 'function',
  );
  return key !== undefined && sameId(inst[key], principal.id);
}

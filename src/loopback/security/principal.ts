/**
 * Who a token's user is, as the pair (user model, id): an app may have several user models
 * (`Member` and `Staff` both based on User), each with its own user 1. Every access decision that
 * compares a token with a user (`$owner`, a RoleMapping, an ACL rule naming a user, the owner key
 * of a write, the User methods acting on "the current user") goes through here, so none compares
 * ids alone.
 *
 * LB3's rules, kept: a user principal is typed by its model's name; the type `USER` is the user of
 * an app with a single user model (LB3 called that app "single user" and typed all its tokens
 * USER); with several user models `USER` names nobody, and mappings and rules name the model
 * (`principalType: "Member"`), compared exactly (LB3 compares names, not the inheritance chain).
 * Which models count: the User-based models attached to the app, less those another attached one
 * extends (the built-in User beside the app's own `user` model, as LB3 apps attach both).
 */

import type { ModelClass } from '../model-api/registry';

export interface UserPrincipal {
  /** The token's user model; undefined when the token names none the app knows. */
  model: ModelClass | undefined;
  id: unknown;
  /** LB3's `USER` principal: the app has one user model and the token is one of its users. */
  isUser: boolean;
}

export function sameId(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  return String(a) === String(b);
}

export function isUserModel(M: ModelClass, User: ModelClass | undefined): boolean {
  return !!User && typeof M === 'function' && (M === User || M.prototype instanceof User);
}

function builtinUser(app: any, Model?: ModelClass): ModelClass | undefined {
  return (app?.registry ?? Model?.app?.registry)?.findModel?.('User');
}

const cached = new WeakMap<object, { count: number; models: ModelClass[] }>();

/** The app's user models: attached, User-based, and extended by no other attached one. */
export function appUserModels(app: any, User: ModelClass | undefined = builtinUser(app)): ModelClass[] {
  if (!app?.models || !User) return [];
  const count = Object.keys(app.models).length;
  const hit = cached.get(app);
  if (hit && hit.count === count) return hit.models;
  const attached = [...new Set(Object.values(app.models as Record<string, ModelClass>))].filter((M) =>
    isUserModel(M, User),
  );
  const models = attached.filter(
    (M) => !attached.some((Other) => Other !== M && Other.prototype instanceof M),
  );
  cached.set(app, { count, models });
  return models;
}

/**
 * The principal of a token: its user model is the one its `principalType` names (tokens made by
 * `createAccessToken` record it); a token without one (made by server code) belongs to the app's
 * user model when the app has exactly one, else to no model (LB3's bare `USER`).
 */
export function tokenPrincipal(app: any, token: any): UserPrincipal | undefined {
  if (!token || token.userId === undefined || token.userId === null) return undefined;
  const User = builtinUser(app);
  const own = appUserModels(app, User);
  const named =
    typeof token.principalType === 'string' && token.principalType ? token.principalType : undefined;
  if (named) {
    const Named = app?.registry?.findModel?.(named) ?? (app?.models?.[named] as ModelClass | undefined);
    const model = Named && Named.modelName === named && isUserModel(Named, User) ? Named : undefined;
    return { model, id: token.userId, isUser: !!model && own.length === 1 && own[0] === model };
  }
  return { model: own.length === 1 ? own[0] : undefined, id: token.userId, isUser: own.length <= 1 };
}

/** Whether the principal is the user `id` of `Target` (a user model): same model, same id. */
export function isSameUser(principal: UserPrincipal | undefined, Target: ModelClass, id: unknown): boolean {
  if (!principal || !sameId(principal.id, id)) return false;
  // A bare USER token in an app with no user model of its own: LB3's single-user rule, ids alone.
  if (!principal.model) return principal.isUser && typeof Target === 'function';
  return principal.model === Target;
}

/**
 * Whether a foreign key to `Target` (a belongsTo to a user model) names the principal. As
 * `isSameUser`, except that in a single-user app a relation to a base of the user model (the
 * `belongsTo: "User"` of an app whose users are its own `user`) counts too, as LB3's single-user
 * rule has it; with several user models only the model itself does.
 */
export function isReferencedUser(
  principal: UserPrincipal | undefined,
  Target: ModelClass,
  id: unknown,
): boolean {
  if (isSameUser(principal, Target, id)) return true;
  const model = principal?.model;
  return (
    !!model &&
    principal.isUser &&
    sameId(principal.id, id) &&
    typeof Target === 'function' &&
    model.prototype instanceof Target
  );
}

/**
 * Whether a principal type (of a RoleMapping or an ACL rule) with an id names this principal:
 * the model's name exactly, or `USER` for the user of a single-user app.
 */
export function principalTypeNames(
  principal: UserPrincipal | undefined,
  type: unknown,
  id: unknown,
): boolean {
  if (!principal || typeof type !== 'string' || !sameId(principal.id, id)) return false;
  if (principal.model && type === principal.model.modelName) return true;
  return type.toUpperCase() === 'USER' && principal.isUser;
}

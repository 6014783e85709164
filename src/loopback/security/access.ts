import { LooplineError, ModelNotFoundError } from '../../errors';
import { tokenRefusalOf } from './jwt-tokens';
import type { RemotingContext } from '../../remoting/context';
import type { SharedMethod } from '../../remoting/shared-method';
import {
  AccessRequest,
  AclRule,
  ALLOW,
  APP,
  AUTHENTICATED,
  DENY,
  DEFAULT,
  EVERYONE,
  OWNER,
  READ,
  resolvePermission,
  ROLE,
  UNAUTHENTICATED,
  normalizeRules,
  ALL,
  matchingScore,
  SCOPE,
} from './acl-resolver';
import {
  isReferencedUser,
  isSameUser,
  isUserModel,
  principalTypeNames,
  sameId,
  UserPrincipal,
} from './principal';
import { AccessContext } from './access-context';
import { withCallback } from '../../util/callback';
import { checkPolymorphicRelationMethod, isPolymorphicBelongsTo } from './polymorphic-access';
import { checkIncludes } from './include-access';

/**
 * Access checks: who the request is (user, application, roles), which rules apply (the model's
 * JSON `acls` plus rows of the ACL model), and the decision. The REST adapter calls the
 * authorizer after the arguments are read and before any before-remote hook.
 */

type ModelClass = any;

export { AccessContext };

export function createAccessContext(init: {
  app: any;
  model: ModelClass;
  modelId?: unknown;
  property: string;
  methodNames?: string[];
  accessType?: string;
  accessToken?: any;
  remotingContext?: RemotingContext;
}): AccessContext {
  return new AccessContext({
    ...init,
    app: init.app ?? init.model.app,
    accessToken: init.accessToken ?? null,
  });
}

export { isUserModel, sameId };

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

export type RoleResolver = (
  role: string,
  context: AccessContext,
  cb?: (err: unknown, yes?: boolean) => void,
) => unknown;

/** Calls a resolver written in either style: callback `(role, ctx, cb)` or returning a value/promise. */
function callResolver(fn: RoleResolver, role: string, ctx: AccessContext): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const cb = (err: unknown, yes?: boolean) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(!!yes);
    };
    try {
      const ret = fn(role, ctx, cb) as any;
      if (ret !== undefined && !settled) {
        if (ret && typeof ret.then === 'function')
          ret.then(
            (v: unknown) => cb(null, !!v),
            (e: unknown) => cb(e ?? new Error('role resolver failed')),
          );
        else cb(null, !!ret);
      }
    } catch (err) {
      cb(err);
    }
  });
}

/** Is the request's principal in `role`? Built-in roles, registered resolvers, then Role+RoleMapping. */
export async function isInRole(role: string, ctx: AccessContext, depth = 0): Promise<boolean> {
  switch (role) {
    case EVERYONE:
      return true;
    case AUTHENTICATED:
      return ctx.isAuthenticated();
    case UNAUTHENTICATED:
      return !ctx.isAuthenticated();
    case OWNER:
      return isOwner(ctx);
  }
  const Role = ctx.app?.models?.Role ?? ctx.registry?.findModel?.('Role');
  const resolver = Role?.resolvers?.[role] as RoleResolver | undefined;
  if (resolver) return callResolver(resolver, role, ctx);
  if (depth > 8 || !Role?.dataSource) return false;
  const RoleMapping = ctx.app?.models?.RoleMapping ?? ctx.registry?.findModel?.('RoleMapping');
  if (!RoleMapping?.dataSource) return false;
  const found = await Role.findOne({ where: { name: role } });
  if (!found) return false;
  const mappings: any[] = await RoleMapping.find({ where: { roleId: found.id } });
  for (const m of mappings) {
    const type = String(m.principalType ?? '').toUpperCase();
    if (principalTypeNames(ctx.principal, m.principalType, m.principalId)) return true;
    if ((type === APP || type === 'APPLICATION') && sameId(m.principalId, ctx.appId)) return true;
    if (type === ROLE) {
      if (ctx.principals.some((p) => p.type === ROLE && sameId(p.id, m.principalId))) return true;
      const inner = await Role.findById(m.principalId).catch(() => null);
      if (inner && inner.name !== role && (await isInRole(inner.name, ctx, depth + 1))) return true;
    }
  }
  return false;
}

async function hasPrincipal(rule: AclRule, ctx: AccessContext): Promise<boolean> {
  const id = rule.principalId;
  switch (rule.principalType) {
    case APP:
      return sameId(id, ctx.appId);
    case ROLE:
      if (ctx.principals.some((p) => p.type === ROLE && sameId(p.id, id))) return true;
      return typeof id === 'string' ? isInRole(id, ctx) : false;
    case SCOPE:
      return ctx.principals.some((p) => p.type === SCOPE && sameId(p.id, id));
    default:
      return principalTypeNames(ctx.principal, rule.principalType, id);
  }
}

/** The rules a property's definition carries (`properties.name.acls`), for that property. */
export function propertyRules(Model: ModelClass): unknown[] {
  const out: unknown[] = [];
  for (const [name, def] of Object.entries((Model?.definition?.properties ?? {}) as Record<string, any>)) {
    const acls = def?.raw?.acls;
    if (Array.isArray(acls))
      for (const a of acls) if (a && typeof a === 'object') out.push({ ...a, property: name });
  }
  return out;
}

/**
 * The model's rules: JSON `acls` (accumulated through `base`), those of its properties, and the
 * ACL model's rows for it (`ACL` is the app's unless given, as `ACL.checkAccessForContext` does).
 */
export async function rulesFor(
  ctx: AccessContext,
  ACL: ModelClass = ctx.app?.models?.ACL,
): Promise<AclRule[]> {
  const rules = normalizeRules(
    [...(ctx.model?.settings?.acls ?? []), ...propertyRules(ctx.model)],
    ctx.modelName,
  );
  if (ACL?.dataSource && typeof ACL.find === 'function') {
    const rows: any[] = await ACL.find({ where: { model: { inq: [ctx.modelName, ALL] } } });
    rules.push(
      ...normalizeRules(
        rows.map((r) => (typeof r.toJSON === 'function' ? r.toJSON() : r)),
        ctx.modelName,
      ),
    );
  }
  return rules;
}

export interface AccessDecision {
  allowed: boolean;
  permission: string;
  rule?: AclRule;
  /** With `checkAccess(ctx, {authorizedRoles: true})`: the roles that granted the access. */
  authorizedRoles?: Record<string, boolean>;
}

export async function checkAccess(
  ctx: AccessContext,
  options: { authorizedRoles?: boolean; acl?: ModelClass } = {},
): Promise<AccessDecision> {
  const rules = await rulesFor(ctx, options.acl);
  const req: AccessRequest = {
    model: ctx.modelName,
    property: ctx.property,
    methodNames: ctx.methodNames,
    accessType: ctx.accessType,
  };
  const defaultPermission = String(
    ctx.model?.settings?.defaultPermission ?? ctx.app?.get?.('defaultPermission') ?? ALLOW,
  ).toUpperCase();
  const known = new Map<AclRule, Promise<boolean>>();
  const has = (rule: AclRule): Promise<boolean> => {
    let p = known.get(rule);
    if (!p) known.set(rule, (p = hasPrincipal(rule, ctx)));
    return p;
  };
  const decision = await resolvePermission(rules, req, has, defaultPermission);
  const allowed = decision.permission !== DENY;
  const out: AccessDecision = { allowed, permission: decision.permission, rule: decision.rule };
  if (options.authorizedRoles)
    out.authorizedRoles = allowed
      ? await authorizedRoles(rules, req, has, ctx.model?.settings?.defaultPermission)
      : {};
  return out;
}

/**
 * LB3's `authorizedRoles`: every role of a rule that applies to the request, allows it (a
 * DEFAULT rule by the model's default permission) and holds for the caller.
 */
async function authorizedRoles(
  rules: AclRule[],
  req: AccessRequest,
  has: (rule: AclRule) => Promise<boolean>,
  modelDefault: unknown,
): Promise<Record<string, boolean>> {
  const roles: Record<string, boolean> = {};
  for (const rule of rules) {
    if (rule.principalType !== ROLE || typeof rule.principalId !== 'string' || matchingScore(rule, req) < 0)
      continue;
    const permission =
      rule.permission === DEFAULT ? String(modelDefault ?? ALLOW).toUpperCase() : rule.permission;
    if (permission !== DENY && (await has(rule))) roles[rule.principalId] = true;
  }
  return roles;
}

/**
 * LB3's denial: 401 AUTHORIZATION_REQUIRED without a token; with one, the status `aclErrorStatus`
 * (model, else app setting) names: 403 ACCESS_DENIED, 404 MODEL_NOT_FOUND (the record is not
 * revealed to exist), any other 4xx/5xx with ACCESS_DENIED's code, as LB3 answered.
 */
export function denialError(Model: ModelClass, app: any, accessToken: any, modelId?: unknown): LooplineError {
  const configured = Number(Model.settings?.aclErrorStatus ?? app?.get?.('aclErrorStatus') ?? 401);
  if (
    !accessToken ||
    typeof accessToken !== 'object' ||
    configured === 401 ||
    !Number.isInteger(configured) ||
    configured < 400 ||
    configured > 599
  ) {
    return new LooplineError('AUTHORIZATION_REQUIRED', 401, 'Authorization Required');
  }
  if (configured === 404)
    return new ModelNotFoundError(
      Model.modelName,
      modelId,
      `could not find ${Model.modelName} with id ${String(modelId)}`,
    );
  return new LooplineError('ACCESS_DENIED', configured, 'Access Denied');
}

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
function scopeRefusalOf(
  token: any,
  method: SharedMethod | undefined,
  rctx: RemotingContext,
): Error | undefined {
  const refuse = token?.scopeRefusal;
  return typeof refuse === 'function' ? refuse.call(token, method, rctx) : undefined;
}

/**
 * A refused token's error may name the `WWW-Authenticate` challenge its 401 carries (an OAuth
 * token's RFC 6750 `Bearer error="invalid_token"`); it is set where the request is refused.
 */
function challenged(refusal: Error | undefined, rctx: RemotingContext): Error | undefined {
  const challenge = (refusal as { challenge?: unknown } | undefined)?.challenge;
  const res = rctx.res as
    { headersSent?: boolean; setHeader?(name: string, value: string): void } | undefined;
  if (typeof challenge === 'string' && res && !res.headersSent && typeof res.setHeader === 'function')
    res.setHeader('WWW-Authenticate', challenge);
  return refusal;
}

/**
 * Such a token is held to its scopes on what a call reaches through a relation or an include too
 * (the target's method must be open to it); LB3 checked scopes on the invoked method only, which
 * other tokens keep.
 */
function checkTargetScope(token: any, Target: ModelClass, property: string, rctx: RemotingContext): void {
  if (typeof token?.scopeRefusal !== 'function') return;
  const method: SharedMethod | undefined = Target?.sharedClass?.findMethodByName?.(property);
  if (!tokenScopeAllows(token, method)) throw scopeRefusalOf(token, method, rctx);
}

export const RELATION_METHOD = /^__([a-zA-Z]+)__(.+)$/;
export const TARGET_PROPERTY: Record<string, [string, string]> = {
  get: ['find', READ],
  findById: ['findById', READ],
  count: ['count', READ],
  exists: ['exists', READ],
  create: ['create', 'WRITE'],
  update: ['patchAttributes', 'WRITE'],
  updateById: ['patchAttributes', 'WRITE'],
  destroy: ['deleteById', 'WRITE'],
  destroyById: ['deleteById', 'WRITE'],
  delete: ['deleteById', 'WRITE'],
  link: ['create', 'WRITE'],
  unlink: ['deleteById', 'WRITE'],
};

export const TARGET_ALIASES: Record<string, string[]> = {
  patchAttributes: ['updateAttributes'],
  deleteById: ['destroyById', 'removeById'],
};

async function check(ctx: AccessContext): Promise<void> {
  const decision = await checkAccess(ctx);
  if (!decision.allowed) throw denialError(ctx.model, ctx.app, ctx.accessToken, ctx.modelId);
}

/** LB3 hands the roles that granted a remote call to the method's `options` argument, when it has one. */
function optionsOf(remotingContext: unknown): Record<string, unknown> | undefined {
  const options = (remotingContext as RemotingContext | undefined)?.args?.options;
  return options && typeof options === 'object' ? (options as Record<string, unknown>) : undefined;
}

/**
 * Decides an access context and, when it carries a remoting context whose method takes options,
 * records there the roles that granted it (an empty object when denied), as LB3's
 * `ACL.checkAccessForContext` does.
 */
export async function checkAccessRecordingRoles(
  ctx: AccessContext,
  acl?: ModelClass,
): Promise<AccessDecision> {
  const options = optionsOf(ctx.remotingContext);
  const decision = await checkAccess(ctx, { authorizedRoles: !!options, acl });
  if (options) options.authorizedRoles = decision.authorizedRoles;
  return decision;
}

type AllowedCallback = (err: Error | null, allowed?: boolean) => void;

/**
 * The access type a method is checked with, as LB3's `checkAccess` asks the model's
 * `_getAccessTypeForMethod`: the declared one, else READ for a GET or HEAD route (a custom
 * `GET /projects/list` is a read) and the DAO's readers, WRITE for its writers, else EXECUTE.
 */
export function accessTypeOf(Model: ModelClass, sharedMethod: any): string {
  const named = typeof sharedMethod === 'string' || typeof sharedMethod?.name === 'string';
  if (named && typeof Model?._getAccessTypeForMethod === 'function')
    return Model._getAccessTypeForMethod(sharedMethod);
  return (typeof sharedMethod === 'object' && sharedMethod?.accessType) || 'EXECUTE';
}

/**
 * The built-in `Model.checkAccess(token, modelId, sharedMethod, ctx, cb)`: whether the token may
 * invoke the method by the model's ACLs and the ACL model's rows. The REST authorizer calls
 * `Model.checkAccess`, so an app that overrides it decides its models' calls, as in LB3.
 */
export function modelCheckAccess(
  this: ModelClass,
  token: any,
  modelId: unknown,
  sharedMethod: any,
  ctx?: any,
  cb?: AllowedCallback,
): Promise<boolean> {
  if (typeof ctx === 'function') [cb, ctx] = [ctx, undefined];
  const name = typeof sharedMethod === 'string' ? sharedMethod : (sharedMethod?.name ?? ALL);
  const aliases: string[] =
    typeof sharedMethod === 'object' && Array.isArray(sharedMethod?.aliases) ? sharedMethod.aliases : [];
  const access = createAccessContext({
    app: this.app,
    model: this,
    modelId,
    property: name,
    methodNames: [name, ...aliases],
    accessType: accessTypeOf(this, sharedMethod),
    accessToken: token,
    remotingContext: ctx,
  });
  return withCallback(
    checkAccessRecordingRoles(access).then((d) => d.allowed),
    cb,
  );
}

/** Calls a model's `checkAccess`, the built-in one or an app's, in callback or promise style. */
function askModel(
  Model: ModelClass,
  token: any,
  modelId: unknown,
  method: SharedMethod,
  rctx: RemotingContext,
): Promise<boolean> {
  if (Model.checkAccess === modelCheckAccess)
    return modelCheckAccess.call(Model, token, modelId, method, rctx);
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const done: AllowedCallback = (err, allowed) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(!!allowed);
    };
    try {
      const ret = Model.checkAccess(token, modelId, method, rctx, done);
      if (ret && typeof ret.then === 'function')
        ret.then(
          (allowed: unknown) => done(null, !!allowed),
          (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        );
    } catch (err) {
      done(err as Error);
    }
  });
}

/** The static methods that write exactly the one record whose id their data carries. */
const WRITES_RECORD_OF_DATA_ID = new Set(['replaceOrCreate', 'patchOrCreate']);

/**
 * The record `PUT /Models` and `PATCH /Models` write: the id in their data, so `$owner` rules
 * apply to them as LB3 applied them (it took the id from the body). Only these methods: LB3 read
 * `id` from the body or query of any call, so a user's own id in a `find`'s query or an
 * `updateAll`'s data made that call pass as one on the user's own record.
 */
function idOfWrittenRecord(Model: ModelClass, method: SharedMethod, data: unknown): unknown {
  if (!WRITES_RECORD_OF_DATA_ID.has(method.name) || !data || typeof data !== 'object' || Array.isArray(data))
    return undefined;
  const idName: string | undefined = Model.definition?.idName;
  const id = idName ? (data as Record<string, unknown>)[idName] : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** What the REST adapter calls for every remote invocation once auth is enabled. */
export function createAuthorizer(app: any): (ctx: RemotingContext) => Promise<void> {
  return async (rctx: RemotingContext) => {
    const method = rctx.method;
    const Model = method.sharedClass.ctor as ModelClass;
    if (!Model || typeof Model !== 'function' || !Model.modelName) return;
    const req = rctx.req as any;
    const token = req?.accessToken ?? null;
    const modelId = method.isStatic
      ? (rctx.args.id ?? idOfWrittenRecord(Model, method, rctx.args.data))
      : (rctx.ctorArgs?.id ?? req?.params?.id);
    if (!tokenScopeAllows(token, method))
      throw scopeRefusalOf(token, method, rctx) ?? denialError(Model, app, token, modelId);
    const base = { app, accessToken: token, remotingContext: rctx };
    // Without a token because the one sent was refused (a JWT, an OAuth token): the 401 says why.
    if (!(await askModel(Model, token, modelId, method, rctx)))
      throw (
        (token ? undefined : challenged(tokenRefusalOf(req), rctx)) ?? denialError(Model, app, token, modelId)
      );
    const m = RELATION_METHOD.exec(method.name);
    const rel = m && !method.isStatic ? Model.relations?.[m[2]] : undefined;
    if (isPolymorphicBelongsTo(rel)) {
      await checkPolymorphicRelationMethod(rel, Model, modelId, token, (Target, property, targetId) =>
        check(createAccessContext({ ...base, model: Target, modelId: targetId, property, accessType: READ })),
      );
    }
    if (m && rel?.modelTo) {
      const [property, accessType] = TARGET_PROPERTY[m[1]] ?? ['find', method.accessType ?? READ];
      const targetId = rctx.args.fk;
      const target = m[1] === 'link' || m[1] === 'unlink' ? (rel.modelThrough ?? rel.modelTo) : rel.modelTo;
      checkTargetScope(token, target, property, rctx);
      await check(
        createAccessContext({
          ...base,
          model: target,
          modelId: targetId,
          property,
          methodNames: [property, ...(TARGET_ALIASES[property] ?? [])],
          accessType,
        }),
      );
    }
    const filter = rctx.args.filter as Record<string, unknown> | undefined;
    if (filter && typeof filter === 'object') {
      const readable = async (Target: ModelClass) => {
        checkTargetScope(token, Target, 'find', rctx);
        await check(createAccessContext({ ...base, model: Target, property: 'find', accessType: READ }));
      };
      await checkIncludes(app, m && rel?.modelTo ? rel.modelTo : Model, filter.include, readable);
    }
  };
}

export { ALLOW, DENY };

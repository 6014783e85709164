import { LooplineError } from '../../errors';
import { withCallback } from '../../util/callback';
import * as C from '../security/acl-resolver';
import { checkAccess, checkAccessRecordingRoles } from '../security/access-decision';
import { AccessContext, AccessRequest, toAccessContext } from '../security/access-context';

type AnyModel = any;
type Callback<T> = (err: Error | null, result?: T) => void;

/** An ACL rule as a model's JSON (or a property's) writes it: `property` may name several. */
interface StaticRule {
  property?: string | string[];
}

/** Where the ACL model finds models by name: its app, else the registry it was built in. */
function registryOf(ACL: AnyModel): { findModel(name: string): AnyModel } {
  const app = ACL.app;
  return app?.registry ?? { findModel: (name: string) => ACL.modelBuilder?.getModel?.(name) };
}

function modelNamed(ACL: AnyModel, name: unknown): AnyModel {
  if (typeof name === 'function') return name;
  return typeof name === 'string' ? (ACL.app?.models?.[name] ?? registryOf(ACL).findModel(name)) : undefined;
}

/** A model based on the User model, by name; anything else is no user principal. */
function userModelNamed(ACL: AnyModel, name: unknown): AnyModel {
  const Model = typeof name === 'string' ? modelNamed(ACL, name) : undefined;
  const User = companion(ACL, 'User');
  return Model && User && (Model === User || Model.prototype instanceof User) ? Model : undefined;
}

function companion(ACL: AnyModel, name: string): AnyModel {
  return ACL[`${name.charAt(0).toLowerCase()}${name.slice(1)}Model`] ?? modelNamed(ACL, name);
}

function toRequest(req: unknown, registry: unknown): AccessRequest {
  if (req instanceof AccessRequest) return req;
  return new AccessRequest({ ...(req as Record<string, unknown>), registry });
}

function toRule(acl: any): C.AclRule {
  const plain = typeof acl?.toJSON === 'function' ? acl.toJSON() : acl;
  return C.normalizeRules([plain], plain?.model ?? C.ALL)[0];
}

/** The permission the model's default gives when no rule decided. */
function settle(request: AccessRequest, Model: AnyModel, ACL: AnyModel): AccessRequest {
  request.settleDefaultPermission(
    String(
      Model?.settings?.defaultPermission ?? ACL.app?.get?.('defaultPermission') ?? C.ALLOW,
    ).toUpperCase(),
  );
  return request;
}

/** ACL: LB3's constants and its static API (`checkPermission`, `checkAccessForContext`, scoring, principals). */
export function setupAcl(ACL: AnyModel): void {
  Object.assign(ACL, {
    ALL: C.ALL,
    DEFAULT: C.DEFAULT,
    ALLOW: C.ALLOW,
    ALARM: 'ALARM',
    AUDIT: 'AUDIT',
    DENY: C.DENY,
    READ: C.READ,
    WRITE: C.WRITE,
    EXECUTE: C.EXECUTE,
    REPLICATE: C.REPLICATE,
    USER: C.USER,
    APP: C.APP,
    ROLE: C.ROLE,
    SCOPE: C.SCOPE,
    DEFAULT_SCOPE: C.DEFAULT,
  });

  /** How specifically a rule matches a request; -1 when it does not apply (higher wins). */
  ACL.getMatchingScore = function (rule: any, req: any) {
    return C.matchingScore(toRule(rule), toRequest(req, undefined));
  };

  /** The permission among `acls` for `req`, all principals taken as given (LB3's helper). */
  ACL.resolvePermission = function (this: AnyModel, acls: any[], req: any) {
    const request = toRequest(req, registryOf(this));
    const permission = C.resolveRulesPermission((acls ?? []).map(toRule), request);
    const resolved = new AccessRequest({
      model: request.model,
      property: request.property,
      accessType: request.accessType,
      permission,
      registry: request.registry,
    });
    // As LB3: no rule decided, so the model's defaultPermission (ALLOW without one).
    return settle(resolved, modelNamed(this, request.model), this);
  };

  /** The rules a model's definition carries for `property` (model-level and property-level), as ACL instances. */
  ACL.getStaticACLs = function (this: AnyModel, modelName: string, property?: string) {
    const Model = modelNamed(this, modelName);
    const out: any[] = [];
    for (const a of (Model?.settings?.acls ?? []) as StaticRule[]) {
      const props = Array.isArray(a.property) ? a.property : [a.property ?? C.ALL];
      const named = property ? props.find((p: string) => p === property || p === C.ALL) : props[0];
      if (property && named === undefined) continue;
      out.push(new this({ ...a, model: Model.modelName, property: named ?? C.ALL }));
    }
    const def = property ? Model?.definition?.properties?.[property] : undefined;
    for (const a of (def?.raw?.acls ?? []) as StaticRule[])
      out.push(new this({ ...a, model: Model.modelName, property }));
    return out;
  };

  /** Whether an access context (LB3's `{principals, model, property, accessType, accessToken}`) is allowed: an AccessRequest. */
  ACL.checkAccessForContext = function (this: AnyModel, context: unknown, cb?: Callback<AccessRequest>) {
    const run = async () => {
      const ctx = toAccessContext(context, { app: this.app, registry: registryOf(this) });
      const decision = await checkAccessRecordingRoles(ctx, this);
      return new AccessRequest({
        model: ctx.modelName,
        property: ctx.property,
        accessType: ctx.accessType,
        permission: decision.permission,
        methodNames: ctx.methodNames,
        registry: ctx.registry,
      });
    };
    return withCallback(run(), cb);
  };

  /**
   * `checkPermission(principalType, principalId, model, property, accessType, cb)`: first, as LB3,
   * a model's own (static) rules that deny the request whoever asks deny it; then the rules for
   * this one principal (a role principal counts as a member of that role), settled by the model's
   * default. Unlike LB3, the second step matches the model's own rules against the principal too
   * (LB3 let a static ALLOW for one user answer for everyone).
   */
  ACL.checkPermission = function (
    this: AnyModel,
    principalType: string,
    principalId: unknown,
    model: string,
    property: string,
    accessType: string,
    cb?: Callback<AccessRequest>,
  ) {
    const run = async () => {
      const Model = modelNamed(this, model);
      const staticOnly = ACL.resolvePermission.call(
        this,
        ACL.getStaticACLs.call(this, model, property || C.ALL),
        { model, property: property || C.ALL, accessType: accessType || C.ALL },
      );
      if (staticOnly.permission === C.DENY) return staticOnly;
      const ctx = new AccessContext({
        app: this.app,
        registry: registryOf(this),
        model: Model ?? model,
        property: property || C.ALL,
        accessType: accessType || C.ALL,
        principals: [{ type: principalType, id: principalId }],
      });
      const decision = await checkAccess(ctx, { acl: this });
      return settle(
        new AccessRequest({
          model: ctx.modelName,
          property: ctx.property,
          accessType: ctx.accessType,
          permission: decision.permission,
          registry: ctx.registry,
        }),
        Model,
        this,
      );
    };
    return withCallback(run(), cb);
  };

  /** The user (by id, username or email), application (id or name) or role (id or name) a principal names. */
  ACL.resolvePrincipal = function (this: AnyModel, type: string, id: unknown, cb?: Callback<unknown>) {
    const run = async () => {
      const upper = String(type ?? '').toUpperCase();
      const [Model, keys] =
        upper === C.USER
          ? [companion(this, 'User'), ['username', 'email']]
          : upper === C.APP || upper === C.APPLICATION
            ? [companion(this, 'Application'), ['name', 'email']]
            : upper === C.ROLE || !type
              ? [companion(this, 'Role'), ['name']]
              : [userModelNamed(this, type), ['username', 'email']];
      // As LB3, a type that names no principal model is refused; unlike LB3, only a user model
      // counts beside USER/APP/ROLE (LB3 looked any model up, tokens included).
      if (!Model)
        throw new LooplineError(
          'INVALID_PRINCIPAL_TYPE',
          `Invalid principal type: ${String(type)} (one of USER, APP, ROLE or a user model's name)`,
        );
      if (!Model.dataSource) return null;
      if (id === undefined || id === null) {
        // An absent id names no principal. LB3 queried `{or: [{username: id}, {email: id}, {id: id}]}`
        // with it, which matches the first row lacking any of them (a user without a username), so
        // `isMappedToRole('Member', user.username, 'admin')` for a user without one asked about
        // whichever member came first; `matchAbsentPrincipalId: true` on the ACL model restores it.
        if (this.settings?.matchAbsentPrincipalId !== true) return null;
        const props = Model.definition?.properties ?? {};
        const names = [...(keys as string[]).filter((k) => props[k]), Model.definition?.idName ?? 'id'];
        return Model.findOne({ where: { or: names.map((k) => ({ [k]: id })) } });
      }
      const byId = await Model.findById(id).catch(() => null);
      if (byId) return byId;
      const props = Model.definition?.properties ?? {};
      const or = (keys as string[]).filter((k) => props[k]).map((k) => ({ [k]: String(id) }));
      return or.length ? Model.findOne({ where: { or } }) : null;
    };
    return withCallback(run(), cb);
  };

  /** Whether the principal (resolved as `resolvePrincipal` does) is mapped to the role named `role`. */
  ACL.isMappedToRole = function (
    this: AnyModel,
    principalType: string,
    principalId: unknown,
    role: string,
    cb?: Callback<boolean>,
  ) {
    const run = async () => {
      const principal = await ACL.resolvePrincipal.call(this, principalType, principalId);
      const id = principal ? principal.id : principalId;
      const Role = companion(this, 'Role');
      const RoleMapping = companion(this, 'RoleMapping');
      if (!Role?.dataSource || !RoleMapping?.dataSource) return false;
      const found = await Role.findOne({ where: { name: role } });
      if (!found) return false;
      const type = String(principalType).toUpperCase() === C.APPLICATION ? C.APP : principalType;
      const mapping = await RoleMapping.findOne({
        where: { roleId: found.id, principalType: type, principalId: String(id) },
      });
      return !!mapping;
    };
    return withCallback(run(), cb);
  };
}

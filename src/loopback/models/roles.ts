import { withCallback } from '../../util/callback';
import * as C from '../security/acl-resolver';
import { AccessContext, checkAccess, createAccessContext, isInRole, RoleResolver } from '../security/access';

type AnyModel = any;

/** Role: LB3's constants, `registerResolver` and `isInRole`. RoleMapping: principal type names. */
export function setupRole(Role: AnyModel): void {
  Object.assign(Role, {
    OWNER: C.OWNER,
    RELATED: C.RELATED,
    AUTHENTICATED: C.AUTHENTICATED,
    UNAUTHENTICATED: C.UNAUTHENTICATED,
    EVERYONE: C.EVERYONE,
  });
  Object.defineProperty(Role, 'resolvers', { value: Object.create(null), writable: true, configurable: true });
  Role.registerResolver = function registerResolver(this: AnyModel, name: string, fn: RoleResolver) {
    if (!Object.prototype.hasOwnProperty.call(this, 'resolvers')) Object.defineProperty(this, 'resolvers', { value: Object.create(this.resolvers ?? null), writable: true, configurable: true });
    this.resolvers[name] = fn;
  };
  Role.isInRole = function (this: AnyModel, role: string, context: AccessContext | PlainContext, cb?: (err: Error | null, yes?: boolean) => void) {
    return withCallback(isInRole(role, accessContextOf(this, context)), cb);
  };
}

/** LB3's plain form of an access context: `{principalType, principalId, model, id, accessType}`. */
interface PlainContext {
  principalType?: string;
  principalId?: unknown;
  model?: AnyModel | string;
  id?: unknown;
  property?: string;
  accessType?: string;
  accessToken?: unknown;
}

/**
 * An access context from either form. The plain form's principal becomes a token of that type:
 * a user model's name or `USER` types the user (so `{principalType: "OneUser", principalId: 1}`
 * is OneUser 1, and `USER` is the single user model's user, principal.ts), `APP`/`APPLICATION`
 * the application.
 */
function accessContextOf(Role: AnyModel, context: AccessContext | PlainContext): AccessContext {
  if (context && typeof (context as AccessContext).getInstance === 'function') return context as AccessContext;
  const plain = (context ?? {}) as PlainContext;
  const app = Role.app;
  const Model = typeof plain.model === 'string' ? (app?.models?.[plain.model] ?? Role.modelBuilder?.getModel(plain.model)) : plain.model;
  const type = typeof plain.principalType === 'string' ? plain.principalType : C.USER;
  const upper = type.toUpperCase();
  let token = plain.accessToken ?? null;
  if (!token && plain.principalId !== undefined && plain.principalId !== null) {
    if (upper === C.APP || upper === C.APPLICATION) token = { appId: plain.principalId };
    else if (upper === C.USER) token = { userId: plain.principalId };
    else if (upper !== C.ROLE) token = { userId: plain.principalId, principalType: type };
  }
  return createAccessContext({ app, model: Model ?? Role, modelId: plain.id, property: plain.property ?? C.ALL, accessType: plain.accessType, accessToken: token });
}

export function setupRoleMapping(RoleMapping: AnyModel): void {
  Object.assign(RoleMapping, { USER: 'USER', APP: 'APP', APPLICATION: 'APP', ROLE: 'ROLE' });
}

/** ACL: constants and `checkPermission` / `checkAccessForContext`. */
export function setupAcl(ACL: AnyModel): void {
  Object.assign(ACL, {
    ALL: C.ALL,
    DEFAULT: C.DEFAULT,
    ALLOW: C.ALLOW,
    DENY: C.DENY,
    READ: C.READ,
    WRITE: C.WRITE,
    EXECUTE: C.EXECUTE,
    REPLICATE: C.REPLICATE,
    USER: C.USER,
    APP: C.APP,
    ROLE: C.ROLE,
    SCOPE: C.SCOPE,
  });
  /** Whether an access context (`{model, property, accessType, modelId, accessToken}`) is allowed. */
  ACL.checkAccessForContext = function (this: AnyModel, context: any, cb?: (err: Error | null, decision?: unknown) => void) {
    const app = this.app;
    const Model = typeof context.model === 'string' ? (app?.models?.[context.model] ?? this.modelBuilder.getModel(context.model)) : context.model;
    const ctx = createAccessContext({ app, model: Model, modelId: context.modelId, property: context.property ?? C.ALL, accessType: context.accessType, accessToken: context.accessToken });
    return withCallback(checkAccess(ctx), cb);
  };
  /** LB3's `checkPermission(principalType, principalId, model, property, accessType)`: rules for one principal. */
  ACL.checkPermission = function (this: AnyModel, principalType: string, principalId: unknown, model: string, property: string, accessType: string, cb?: (err: Error | null, decision?: unknown) => void) {
    const app = this.app;
    const Model = app?.models?.[model] ?? this.modelBuilder.getModel(model);
    const token = principalType === C.USER ? { userId: principalId } : principalType === C.APP ? { appId: principalId } : null;
    const ctx = createAccessContext({ app, model: Model, property, accessType, accessToken: token });
    return withCallback(checkAccess(ctx), cb);
  };
}

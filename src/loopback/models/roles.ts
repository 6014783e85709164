import { withCallback } from '../../util/callback';
import * as C from '../security/acl-resolver';
import { isOwner } from '../security/owner';
import { isInRole, RoleResolver } from '../security/role-membership';
import { AccessContext, toAccessContext } from '../security/access-context';
import { sameId } from '../security/principal';

type AnyModel = any;
type Callback<T> = (err: Error | null, result?: T) => void;

/** The model a built-in model's companion is in its app (app-local registries have their own). */
function companion(Model: AnyModel, name: string): AnyModel {
  return Model.app?.models?.[name] ?? Model.modelBuilder?.getModel?.(name);
}

/** The model a RoleMapping principal type names: USER (the app's User), APP, ROLE, or a user model's name. */
function principalModel(Model: AnyModel, type: unknown): AnyModel {
  switch (type) {
    case C.USER:
      return companion(Model, 'User');
    case C.APP:
    case C.APPLICATION:
      return companion(Model, 'Application');
    case C.ROLE:
      return companion(Model, 'Role');
    default:
      return typeof type === 'string' ? companion(Model, type) : undefined;
  }
}

/** A user model by name (one based on the app's User), else undefined: another model is no user principal. */
function userModelNamed(Model: AnyModel, name: string): AnyModel {
  const Target = companion(Model, name);
  const User = Model.modelBuilder?.getModel?.('User');
  return Target && User && (Target === User || Target.prototype instanceof User) ? Target : undefined;
}

/** `LB3`'s last-argument callback among optional ones: `(a, [b], cb)`. */
function splitCallback<T>(args: unknown[]): [unknown[], Callback<T> | undefined] {
  const last = args[args.length - 1];
  return typeof last === 'function' ? [args.slice(0, -1), last as Callback<T>] : [args, undefined];
}

/** The built-in roles in the order LB3's `getRoles` lists them. */
const BUILTIN_ROLES = [C.OWNER, C.AUTHENTICATED, C.UNAUTHENTICATED, C.EVERYONE];

/** Role: LB3's constants, `registerResolver`, `isInRole`, `getRoles`, `isOwner` and the principal lists. */
export function setupRole(Role: AnyModel): void {
  Object.assign(Role, {
    OWNER: C.OWNER,
    RELATED: C.RELATED,
    AUTHENTICATED: C.AUTHENTICATED,
    UNAUTHENTICATED: C.UNAUTHENTICATED,
    EVERYONE: C.EVERYONE,
  });
  Role.validatesUniquenessOf('name', { message: 'already exists' });
  Object.defineProperty(Role, 'resolvers', {
    value: Object.create(null),
    writable: true,
    configurable: true,
  });
  Role.registerResolver = function registerResolver(this: AnyModel, name: string, fn: RoleResolver) {
    if (!Object.prototype.hasOwnProperty.call(this, 'resolvers'))
      Object.defineProperty(this, 'resolvers', {
        value: Object.create(this.resolvers ?? null),
        writable: true,
        configurable: true,
      });
    this.resolvers[name] = fn;
  };
  const contextOf = (R: AnyModel, context: unknown) =>
    toAccessContext(context, { app: R.app, registry: R.app?.registry });
  /** `isInRole(role, context)`: `context` an AccessContext or LB3's `{principalType, principalId, model, id}`. */
  Role.isInRole = function (this: AnyModel, role: string, context: unknown, cb?: Callback<boolean>) {
    return withCallback(isInRole(role, contextOf(this, context)), cb);
  };
  /**
   * `getRoles(context, [options], cb)`: the built-in and registered roles the principal is in,
   * then the ids (names with `returnOnlyRoleNames`) of the roles RoleMappings give its principals.
   */
  Role.getRoles = function (this: AnyModel, context: unknown, ...rest: unknown[]) {
    const [[options], cb] = splitCallback<unknown[]>(rest);
    const ctx = contextOf(this, context);
    const namesOnly = !!(
      options &&
      typeof options === 'object' &&
      (options as Record<string, unknown>).returnOnlyRoleNames === true
    );
    const run = async () => {
      const roles: unknown[] = [];
      const add = (r: unknown) => {
        if (r !== undefined && r !== null && !roles.some((x) => sameId(x, r))) roles.push(r);
      };
      const names = [
        ...BUILTIN_ROLES.filter((r) => r !== C.OWNER || (ctx.modelId !== undefined && ctx.modelId !== null)),
        ...Object.keys(this.resolvers ?? {}),
      ];
      for (const name of names) if (await isInRole(name, ctx)) add(name);
      const RoleMapping = companion(this, 'RoleMapping');
      for (const p of ctx.principals) {
        if (p.id === undefined || p.id === null || !p.type) continue;
        if (p.type === C.ROLE) add(p.id);
        if (!RoleMapping?.dataSource) continue;
        const mappings: any[] = await RoleMapping.find({
          where: { principalType: p.type, principalId: String(p.id) },
        });
        for (const m of mappings) {
          if (!namesOnly) add(m.roleId);
          else add((await this.findById(m.roleId))?.name);
        }
      }
      return roles;
    };
    return withCallback(run(), cb);
  };
  /** `isOwner(Model, modelId, userId, [principalType], [options], cb)`: the `$owner` decision. */
  Role.isOwner = function (
    this: AnyModel,
    Model: AnyModel,
    modelId: unknown,
    userId: unknown,
    ...rest: unknown[]
  ) {
    const [[principalType, options], cb] = splitCallback<boolean>(rest);
    const accessToken =
      options && typeof options === 'object' ? (options as Record<string, unknown>).accessToken : undefined;
    const ctx = new AccessContext({
      app: this.app ?? Model.app,
      model: Model,
      modelId,
      principalType: typeof principalType === 'string' ? principalType : C.USER,
      principalId: userId,
      accessToken,
    });
    return withCallback(isOwner(ctx), cb);
  };

  // role.users(), role.applications(), role.roles(): the principals of one type mapped to the role.
  const lists: Array<[string, string]> = [
    ['users', C.USER],
    ['applications', C.APP],
    ['roles', C.ROLE],
  ];
  for (const [name, type] of lists) {
    Object.defineProperty(Role.prototype, name, {
      value(this: AnyModel, ...args: unknown[]) {
        const [[query], cb] = splitCallback<unknown[]>(args);
        const Self = this.constructor as AnyModel;
        const run = async () => {
          // LB3 adds the id condition to the caller's query object, and hands that object to find.
          const q = (query && typeof query === 'object' ? query : {}) as Record<string, any>;
          const where = { ...(q.where && typeof q.where === 'object' ? q.where : {}) };
          // As LB3: `users({where: {principalType: 'Member'}})` lists the mappings of that user model.
          const asked = name === 'users' ? where.principalType : undefined;
          delete where.principalType;
          const customUserType = typeof asked === 'string' && asked !== C.USER;
          const mappedType = customUserType ? asked : type;
          const Target = customUserType ? userModelNamed(Self, asked) : principalModel(Self, type);
          const RoleMapping = companion(Self, 'RoleMapping');
          if (!Target?.dataSource || !RoleMapping) return [];
          const mappings: any[] = await RoleMapping.find({
            where: { roleId: this.id, principalType: mappedType },
          });
          const ids = mappings.map((m) => m.principalId);
          const idName = Target.getIdName?.() ?? 'id';
          q.where = { ...where, [idName]: { inq: ids } };
          return Target.find(q);
        };
        return withCallback(run(), cb);
      },
      writable: true,
      configurable: true,
    });
  }
}

/** RoleMapping: principal type names, and the principal of a mapping (`user()`, `application()`, `childRole()`). */
export function setupRoleMapping(RoleMapping: AnyModel): void {
  Object.assign(RoleMapping, { USER: C.USER, APP: C.APP, APPLICATION: C.APP, ROLE: C.ROLE });
  const principals: Array<[string, (type: unknown, M: AnyModel) => boolean]> = [
    // `user()` also resolves a mapping typed with a user model's name (several user models).
    [
      'user',
      (type, M) =>
        type === C.USER ||
        (typeof type === 'string' &&
          !!principalModel(M, type) &&
          principalModel(M, type).prototype instanceof companion(M, 'User')),
    ],
    ['application', (type) => type === C.APP || type === C.APPLICATION],
    ['childRole', (type) => type === C.ROLE],
  ];
  for (const [name, accepts] of principals) {
    Object.defineProperty(RoleMapping.prototype, name, {
      value(this: AnyModel, cb?: Callback<unknown>) {
        const Self = this.constructor as AnyModel;
        const run = async () => {
          if (!accepts(this.principalType, Self)) return null;
          const Target = principalModel(Self, this.principalType);
          return Target ? Target.findById(this.principalId) : null;
        };
        return withCallback(run(), cb);
      },
      writable: true,
      configurable: true,
    });
  }
}

import type { RemotingContext } from '../../remoting/context';
import { ALL, ALLOW, APP, DEFAULT, DENY, ROLE, SCOPE, USER } from './acl-resolver';
import { appUserModels, isUserModel, tokenPrincipal, UserPrincipal } from './principal';

/**
 * LB3's access-control classes, `require('loopline').AccessContext`, `Principal` and
 * `AccessRequest`, with LB3's constructors and methods. Every access decision loopline takes
 * runs on an `AccessContext`, so a role resolver sees the same object whether the request came
 * over REST or from `Role.isInRole(role, {principalType, principalId, model, id})`.
 */

import type { ModelClass } from '../model-api/registry';

export class Principal {
  static readonly USER = USER;
  static readonly APP = APP;
  static readonly APPLICATION = APP;
  static readonly ROLE = ROLE;
  static readonly SCOPE = SCOPE;

  type: string;
  id: unknown;
  name: string | undefined;

  constructor(type: string, id: unknown, name?: string) {
    this.type = type;
    this.id = id;
    this.name = name;
  }

  /** Same type and the same id (compared as strings, as ids arrive as numbers or strings). */
  equals(p: { type?: unknown; id?: unknown } | null | undefined): boolean {
    return (
      !!p && p.type === this.type && p.id !== undefined && p.id !== null && String(p.id) === String(this.id)
    );
  }
}

export class AccessRequest {
  model: string;
  property: string;
  accessType: string;
  permission: string;
  methodNames: string[];
  registry: unknown;

  /** `new AccessRequest(model, property, accessType, permission, methodNames, registry)` or one object. */
  constructor(
    model: string | Record<string, any>,
    property?: string,
    accessType?: string,
    permission?: string,
    methodNames?: string[],
    registry?: unknown,
  ) {
    if (model && typeof model === 'object') {
      const o = model;
      ({ model, property, accessType, permission, methodNames, registry } = o);
    }
    this.model = (model as string) || ALL;
    this.property = property || ALL;
    this.accessType = accessType || ALL;
    this.permission = permission || DEFAULT;
    this.methodNames = methodNames || [];
    this.registry = registry;
  }

  /** Whether the request names no model, property or access type in particular. */
  isWildcard(): boolean {
    return this.model === ALL || this.property === ALL || this.accessType === ALL;
  }

  /** Whether an ACL rule names exactly this model, property (or one of the method names) and access type. */
  exactlyMatches(acl: { model?: string; property?: string; accessType?: string }): boolean {
    const matchesModel = acl.model === this.model;
    const matchesProperty = acl.property === this.property || this.methodNames.includes(String(acl.property));
    const matchesAccessType = acl.accessType === this.accessType;
    return matchesModel && matchesAccessType && matchesProperty;
  }

  /** A request still at DEFAULT takes the model's default permission. */
  settleDefaultPermission(defaultPermission?: string): void {
    if (this.permission !== DEFAULT) return;
    this.permission = defaultPermission || ALLOW;
  }

  isAllowed(): boolean {
    return this.permission !== DENY;
  }
}

export interface AccessContextInit {
  app?: any;
  registry?: any;
  model?: ModelClass | string;
  modelName?: string;
  id?: unknown;
  modelId?: unknown;
  property?: string;
  method?: string;
  methodNames?: string[];
  sharedMethod?: any;
  accessType?: string;
  principals?: Array<{ type: string; id: unknown; name?: string }>;
  principalType?: string;
  principalId?: unknown;
  principalName?: string;
  accessToken?: any;
  remotingContext?: RemotingContext;
}

export class AccessContext {
  app: any;
  registry: any;
  model: ModelClass;
  modelName: string;
  modelId: unknown;
  property: string;
  method: string | undefined;
  methodNames: string[];
  sharedMethod: any;
  accessType: string;
  principals: Principal[] = [];
  accessToken: any;
  remotingContext: RemotingContext | undefined;
  private loaded: Promise<any> | undefined;

  constructor(init: AccessContextInit = {}) {
    const given = init.model;
    const app = init.app ?? (typeof given === 'function' ? given.app : undefined);
    this.app = app;
    this.registry =
      init.registry ?? app?.registry ?? (typeof given === 'function' ? given.app?.registry : undefined);
    const Model =
      typeof given === 'string' ? (app?.models?.[given] ?? this.registry?.findModel?.(given)) : given;
    this.model = Model;
    this.modelName = Model?.modelName ?? (typeof given === 'string' ? given : init.modelName);
    this.modelId = init.id !== undefined ? init.id : init.modelId;
    this.property = init.property ?? ALL;
    this.method = init.method;
    this.sharedMethod = init.sharedMethod;
    this.methodNames =
      init.methodNames ??
      (init.sharedMethod ? [init.sharedMethod.name, ...(init.sharedMethod.aliases ?? [])] : [this.property]);
    this.accessType = String(init.accessType ?? ALL).toUpperCase();
    this.remotingContext = init.remotingContext;
    for (const p of init.principals ?? []) if (p) this.addPrincipal(p.type, p.id, p.name);
    if (init.principalId !== undefined && init.principalId !== null)
      this.addPrincipal(init.principalType ?? USER, init.principalId, init.principalName);
    const token = init.accessToken ?? null;
    this.accessToken = token;
    if (token && typeof token === 'object') {
      if (token.userId !== undefined && token.userId !== null)
        this.addPrincipal(
          typeof token.principalType === 'string' && token.principalType ? token.principalType : USER,
          token.userId,
        );
      if (token.appId !== undefined && token.appId !== null) this.addPrincipal(APP, token.appId);
    }
  }

  /** Adds a principal unless an equal one is there; true when added. */
  addPrincipal(type: string, id: unknown, name?: string): boolean {
    const p = new Principal(type, id, name);
    if (this.principals.some((q) => q.equals(p))) return false;
    this.principals.push(p);
    return true;
  }

  /** The user principal: type `USER`, or the name of one of the app's user models. */
  getUser(): { id: unknown; principalType: string } | undefined {
    const token = this.accessToken;
    if (token && typeof token === 'object' && token.userId !== undefined && token.userId !== null) {
      return {
        id: token.userId,
        principalType:
          typeof token.principalType === 'string' && token.principalType ? token.principalType : USER,
      };
    }
    const userModelNames = new Set(appUserModels(this.app).map((M) => M.modelName));
    const p = this.principals.find(
      (q) =>
        q.type === USER ||
        userModelNames.has(q.type) ||
        isUserModel(this.registry?.findModel?.(q.type), this.registry?.findModel?.('User')),
    );
    return p && p.id !== undefined && p.id !== null ? { id: p.id, principalType: p.type } : undefined;
  }

  getUserId(): unknown {
    return this.getUser()?.id;
  }

  getAppId(): unknown {
    return this.principals.find((p) => p.type === APP)?.id;
  }

  /** As LB3: a user or an application is known. */
  isAuthenticated(): boolean {
    return this.userId !== undefined || this.getAppId() !== undefined;
  }

  getScopes(): string[] {
    const scopes = this.accessToken?.scopes;
    return Array.isArray(scopes) && scopes.length ? scopes : [DEFAULT];
  }

  get userId(): unknown {
    return this.getUserId();
  }

  get appId(): unknown {
    return this.getAppId();
  }

  /**
   * The user as the pair (user model, id). A token goes through `tokenPrincipal` (its
   * `principalType` names the model); a principal given by hand is read the same way.
   */
  get principal(): UserPrincipal | undefined {
    const token = this.accessToken;
    if (token && typeof token === 'object' && token.userId !== undefined && token.userId !== null)
      return tokenPrincipal(this.app, token);
    const user = this.getUser();
    if (!user) return undefined;
    return tokenPrincipal(this.app ?? { registry: this.registry }, {
      userId: user.id,
      principalType: user.principalType === USER ? undefined : user.principalType,
    });
  }

  /** The instance, loaded once if a role ($owner, a resolver) asks for it. */
  getInstance(): Promise<any> {
    if (this.modelId === undefined || this.modelId === null || typeof this.model?.findById !== 'function')
      return Promise.resolve(null);
    const options =
      this.accessToken === null || this.accessToken === undefined ? {} : { accessToken: this.accessToken };
    return (this.loaded ??= Promise.resolve(this.model.findById(this.modelId, undefined, options)).catch(
      () => null,
    ));
  }
}

/** An `AccessContext` from what LB3 code passes: an instance, or a plain `{principalType, principalId, ...}`. */
export function toAccessContext(context: unknown, defaults: { app?: any; registry?: any }): AccessContext {
  if (context instanceof AccessContext) return context;
  const init = (context && typeof context === 'object' ? context : {}) as AccessContextInit;
  return new AccessContext({
    ...init,
    app: init.app ?? defaults.app,
    registry: init.registry ?? defaults.registry,
  });
}

/** An access context for a model's method, its app taken from the model when not given. */
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

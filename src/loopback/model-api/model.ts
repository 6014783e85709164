import { SharedClass } from '../../remoting/shared-class';
import type { RemoteMethodOptions } from '../../remoting/shared-method';
import type { RemotingContext } from '../../remoting/context';
import type { RemoteHook } from '../../remoting/remote-objects';
import { ModelBase, PersistedModel, type RelationDefinition } from '../../juggler';
import { ConfigurationError, ModelNotFoundError } from '../../errors';
import { defineHiddenIfAbsent } from '../../util/own';
import { ANSWERS_BY_PROMISE, callbackOrPromise, callForPlainAnswer } from '../../util/callback';
import { persistedModelMethods } from './model-remoting';
import { keyValueModelMethods } from '../models/key-value-model';
import { defineScopeMethods } from './scope-remoting';
import { defineRelationMethods, nestFlaggedRelation } from './relation-remoting';
import type { ModelClass, Registry } from './registry';
import { modelCheckAccess } from '../security/model-check-access';
import { NestFilter, NestRemotingOptions, nestRemoting } from './nest-remoting';
import { remoteMethodDeclarations } from './remote-method-declaration';

/**
 * LB3's model-level remoting API, defined on ModelBase when this module loads so every model
 * inherits it, and declared on every model class through ModelStatics: `Model.sharedClass`,
 * `remoteMethod`, `disableRemoteMethodByName`, `beforeRemote`/`afterRemote`/`afterRemoteError`
 * (queued until the model joins an app), `createOptionsFromRemotingContext`.
 */
export interface ModelRemotingStatics {
  /** The model's remoting face, made on first use. */
  readonly sharedClass: SharedClass;
  /** LB3's `Model.pluralModelName`: the `plural` setting, else the pluralised name. */
  readonly pluralModelName: string;
  /** Whether the app serves the model over REST (model-config.json `public`), set by `app.model()`. */
  shared?: boolean;
  /** The registry that built the model (LB3's `Model.registry`). */
  registry?: Registry;
  remoteMethod(name: string, options?: RemoteMethodOptions): void;
  setupRemoting(): void;
  nestRemoting(
    relationName: string,
    options?: NestRemotingOptions | NestFilter,
    filterCallback?: NestFilter,
  ): void;
  disableRemoteMethodByName(name: string): void;
  disableRemoteMethod(name: string, isStatic: boolean): void;
  _getAccessTypeForMethod(method: string | RemoteMethodAccess): string;
  getApp(cb: (err: Error | null, app?: any) => void): void;
  beforeRemote(name: string, fn: ModelRemoteHook): void;
  afterRemote(name: string, fn: ModelRemoteHook): void;
  afterRemoteError(name: string, fn: ModelRemoteErrorHook): void;
  createOptionsFromRemotingContext(ctx: RemotingContext): Record<string, unknown>;
  remotingOptionDefaults(): Record<string, unknown>;
  _ACL(ACL?: ModelClass | null): ModelClass;
  checkAccess: typeof modelCheckAccess;
  __attachedToApp(app: any): void;
}

declare module '../../juggler/model-base' {
  // Declaration merging: every model class gets these statics' types.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModelStatics extends ModelRemotingStatics {}
}

/** A model's before/after remote hook, as LB3 calls it: `fn(ctx, ctx.result, next)`. */
export type ModelRemoteHook = (
  ctx: RemotingContext,
  result: unknown,
  next: (err?: unknown) => void,
) => unknown;
/** A model's afterRemoteError hook: `fn(ctx, next)`. */
export type ModelRemoteErrorHook = (ctx: RemotingContext, next: (err?: unknown) => void) => unknown;

/** A remote method as `_getAccessTypeForMethod` reads it. */
interface RemoteMethodAccess {
  name: string;
  accessType?: string;
  http?: { verb?: string };
}

type HookKind = 'before' | 'after' | 'afterError';

/** What the remoting API keeps on each model class, own to it. */
interface RemotingState {
  __sharedClass?: SharedClass;
  __pendingRemoteHooks?: Array<[HookKind, string, RemoteHook]>;
  __aclModel?: ModelClass | null;
}

function stateOf(Model: ModelClass): RemotingState {
  return Model as unknown as RemotingState;
}

function sharedClassOf(Model: ModelClass): SharedClass {
  if (Object.prototype.hasOwnProperty.call(Model, '__sharedClass')) return stateOf(Model).__sharedClass!;
  const settings = Model.settings as Record<string, any>;
  const path = settings.http?.path ?? '/' + Model.definition.pluralName;
  const sharedClass = new SharedClass(Model.modelName, Model, { http: { path } });
  Object.defineProperty(Model, '__sharedClass', { value: sharedClass, configurable: true });
  if (Model.__isPersistedModel && Model !== PersistedModel) {
    sharedClass.resolveInstance = async (id: unknown, ctx: RemotingContext) => {
      // The options the method itself gets (one object per call, as the operation hooks see it).
      const given = ctx.args.options;
      const options = given && typeof given === 'object' ? given : remotingOptions(Model, ctx);
      // As LB3's shared constructor: with a callback, which a findById an app wrote in the
      // model's place may answer through alone (loopline's own answers by its promise).
      const findById = Model.findById as ((...args: unknown[]) => unknown) & {
        [ANSWERS_BY_PROMISE]?: boolean;
      };
      const inst =
        findById[ANSWERS_BY_PROMISE] === true
          ? await callForPlainAnswer(() => Model.findById(id, undefined, options))
          : await callbackOrPromise((cb) => findById.call(Model, id, undefined, options, cb));
      // LB3's shared constructor words this 404 differently from findById's.
      if (!inst)
        throw new ModelNotFoundError(Model.modelName, id, `could not find a model with id ${String(id)}`);
      return inst;
    };
    // The declarations are read now and made SharedMethods at the first look at the methods.
    sharedClass.declareLater(persistedModelMethods(Model));
    for (const scopeName of Object.keys(Model.__scopes ?? {}))
      defineScopeMethods(Model, sharedClass, scopeName);
    const relations: RelationDefinition[] = Object.values(Model.relations ?? {});
    for (const rel of relations) defineRelationMethods(sharedClass, rel);
    for (const rel of relations) nestFlaggedRelation(Model, rel);
  }
  if ((Model as { __isKeyValueModel?: boolean }).__isKeyValueModel && Model.modelName !== 'KeyValueModel') {
    sharedClass.declareLater(keyValueModelMethods());
  }
  sharedClass.declareLater(remoteMethodDeclarations(Model.modelName, Model.settings.methods));
  return sharedClass;
}

function remotingOptions(Model: ModelClass, ctx: RemotingContext): Record<string, unknown> {
  const options = Object.assign(Model.remotingOptionDefaults(), Model.createOptionsFromRemotingContext(ctx));
  defineHiddenIfAbsent(options, 'remotingContext', ctx);
  return options;
}

const ACCESS_TYPES = new Set(['READ', 'REPLICATE', 'WRITE', 'EXECUTE']);

/** LB3's access types of the DAO methods an ACL may name without a declared `accessType`. */
const DEFAULT_ACCESS_TYPES: Record<string, string> = {
  create: 'WRITE',
  updateOrCreate: 'WRITE',
  upsertWithWhere: 'WRITE',
  upsert: 'WRITE',
  exists: 'READ',
  findById: 'READ',
  find: 'READ',
  findOne: 'READ',
  count: 'READ',
  destroyById: 'WRITE',
  deleteById: 'WRITE',
  removeById: 'WRITE',
};

function registerRemoteHook(
  Model: ModelClass,
  kind: HookKind,
  name: string,
  userFn: (...args: any[]) => unknown,
): void {
  const pattern = `${Model.modelName}.${name}`;
  // LB3 calls model-level before/after hooks as fn(ctx, ctx.result, next), error hooks as fn(ctx, next).
  const fn: RemoteHook = kind === 'afterError' ? userFn : (ctx, next) => userFn(ctx, ctx.result, next);
  if (Model.app) {
    Model.app.remotes()[kind](pattern, fn);
    return;
  }
  const state = stateOf(Model);
  const queue = Object.prototype.hasOwnProperty.call(Model, '__pendingRemoteHooks')
    ? state.__pendingRemoteHooks!
    : (state.__pendingRemoteHooks = []);
  queue.push([kind, pattern, fn]);
}

const modelStatics: Omit<ModelRemotingStatics, 'shared' | 'registry'> & ThisType<ModelClass> = {
  get sharedClass(): SharedClass {
    return sharedClassOf(this);
  },
  get pluralModelName(): string {
    return this.definition.pluralName;
  },
  remoteMethod(this: ModelClass, name: string, options: RemoteMethodOptions = {}): void {
    const methodName =
      options.isStatic === false && !name.startsWith('prototype.') ? `prototype.${name}` : name;
    const sharedClass = sharedClassOf(this);
    sharedClass.defineMethod(methodName, options);
    // The app (and through it the REST handler and explorer) learns of it, as in LB3.
    this.emit('remoteMethodAdded', sharedClass);
  },
  /**
   * LB3's `Model.setupRemoting()`: defines the model's built-in remote methods again from its
   * current settings (`replaceOnPUT`, the model's name as their type), as LB3 code calls it after
   * changing them. Methods disabled stay disabled; the REST handler picks the change up.
   */
  setupRemoting(this: ModelClass): void {
    const sharedClass = sharedClassOf(this);
    if (this.__isPersistedModel) {
      for (const [name, options] of persistedModelMethods(this)) sharedClass.defineMethod(name, options);
    }
    this.emit('remoteMethodAdded', sharedClass);
  },
  nestRemoting(
    this: ModelClass,
    relationName: string,
    options?: NestRemotingOptions | NestFilter,
    filterCallback?: NestFilter,
  ): void {
    nestRemoting(this, relationName, options, filterCallback);
  },
  disableRemoteMethodByName(this: ModelClass, name: string): void {
    const sharedClass = sharedClassOf(this);
    sharedClass.disableMethodByName(name);
    this.emit('remoteMethodDisabled', sharedClass, name);
  },
  disableRemoteMethod(this: ModelClass, name: string, isStatic: boolean): void {
    const sharedClass = sharedClassOf(this);
    sharedClass.disableMethodByName(isStatic === false ? `prototype.${name}` : name);
    this.emit('remoteMethodDisabled', sharedClass, name);
  },
  /**
   * LB3's `Model._getAccessTypeForMethod(method)`: the access type an ACL check uses for a
   * remote method (by name or `{name, accessType, http}`): its declared `accessType`, else READ
   * for GET/HEAD routes and the DAO's readers, WRITE for its writers, EXECUTE for the rest.
   */
  _getAccessTypeForMethod(this: ModelClass, method: string | RemoteMethodAccess): string {
    const m = typeof method === 'string' ? { name: method } : method;
    if (!m || typeof m !== 'object' || typeof m.name !== 'string')
      throw new ConfigurationError('_getAccessTypeForMethod needs a method name or a remote method object');
    if (m.accessType) {
      const type = String(m.accessType).toUpperCase();
      if (!ACCESS_TYPES.has(type))
        throw new ConfigurationError(
          `invalid accessType ${String(m.accessType)}: it must be READ, REPLICATE, WRITE or EXECUTE`,
        );
      return type;
    }
    const verb = typeof m.http?.verb === 'string' ? m.http.verb.toUpperCase() : undefined;
    if (verb === 'GET' || verb === 'HEAD') return 'READ';
    return DEFAULT_ACCESS_TYPES[m.name] ?? 'EXECUTE';
  },
  /** LB3's `Model.getApp(cb)`: the app, now if the model is in one, else once it joins one. */
  getApp(this: ModelClass, cb: (err: Error | null, app?: any) => void): void {
    if (this.app) {
      process.nextTick(() => cb(null, this.app));
      return;
    }
    this.once('attached', (app: unknown) => cb(null, app));
  },
  beforeRemote(this: ModelClass, name: string, fn: ModelRemoteHook): void {
    registerRemoteHook(this, 'before', name, fn);
  },
  afterRemote(this: ModelClass, name: string, fn: ModelRemoteHook): void {
    registerRemoteHook(this, 'after', name, fn);
  },
  afterRemoteError(this: ModelClass, name: string, fn: ModelRemoteErrorHook): void {
    registerRemoteHook(this, 'afterError', name, fn);
  },
  /**
   * What DAO methods called over REST receive as `options` (LB3 3.x: `{accessToken}`), on top of
   * remotingOptionDefaults; the REST adapter adds the remoting context as a non-enumerable
   * `remotingContext`, whatever an app's override returns.
   */
  createOptionsFromRemotingContext(this: ModelClass, ctx: RemotingContext): Record<string, unknown> {
    const req = ctx.req as { accessToken?: unknown } | undefined;
    return { accessToken: req ? req.accessToken : null };
  },
  /**
   * LB3's protective defaults in the options of every REST call, each read from the model's
   * settings, then its data source's, then LB3's default.
   */
  remotingOptionDefaults(this: ModelClass): Record<string, unknown> {
    // The definition's settings, as LB3 reads them (code may replace `Model.definition.settings`).
    const own = (this.definition?.settings ?? this.settings) as Record<string, unknown> | undefined;
    const setting = (key: string): unknown =>
      own?.[key] ?? (this.dataSource?.settings as Record<string, unknown> | undefined)?.[key];
    const prohibit = setting('prohibitHiddenPropertiesInQuery');
    return {
      prohibitHiddenPropertiesInQuery: prohibit === undefined || prohibit === null ? true : !!prohibit,
      maxDepthOfQuery: Number(setting('maxDepthOfQuery') ?? 12),
      maxDepthOfData: Number(setting('maxDepthOfData') ?? 32),
    };
  },
  /**
   * LB3's `Model._ACL([ACL])`: the ACL model this model's rules are read from — the most specific
   * model extending `ACL` in the model's registry, found once and kept. Given a class it keeps
   * that one; given null it forgets, so the next call looks again.
   */
  _ACL(this: ModelClass, ACL?: ModelClass | null): ModelClass {
    if (ACL !== undefined)
      Object.defineProperty(this, '__aclModel', { value: ACL, writable: true, configurable: true });
    const kept = Object.prototype.hasOwnProperty.call(this, '__aclModel') ? stateOf(this).__aclModel : null;
    if (kept) return kept;
    const models = this.modelBuilder?.models as Record<string, ModelClass> | undefined;
    let found = models?.ACL;
    if (!found)
      throw new ConfigurationError(`${this.modelName} has no ACL model in its registry`, 'MODEL_NOT_DEFINED');
    for (const M of Object.values(models!)) if (M.prototype instanceof found) found = M;
    Object.defineProperty(this, '__aclModel', { value: found, writable: true, configurable: true });
    return found;
  },
  /** LB3's `Model.checkAccess(token, modelId, sharedMethod, ctx, cb)`: whether the token may invoke the method. */
  checkAccess: modelCheckAccess,
  /** Called by `app.model()` once the app owns the model: queued remote hooks are registered. */
  __attachedToApp(this: ModelClass, app: any): void {
    const state = stateOf(this);
    const queue = Object.prototype.hasOwnProperty.call(this, '__pendingRemoteHooks')
      ? state.__pendingRemoteHooks!
      : [];
    for (const [kind, pattern, fn] of queue) app.remotes()[kind](pattern, fn);
    state.__pendingRemoteHooks = [];
  },
};

// Defined on the root class once, as this module is first loaded (by `loopback` and by the app):
// every model class, built before or after, inherits them.
for (const key of Object.getOwnPropertyNames(modelStatics)) {
  Object.defineProperty(ModelBase, key, {
    ...Object.getOwnPropertyDescriptor(modelStatics, key)!,
    enumerable: false,
    configurable: true,
  });
}

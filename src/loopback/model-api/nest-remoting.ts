import { ConfigurationError } from '../../errors';
import type { RemoteMethodOptions, SharedMethod } from '../../remoting/shared-method';
import type { SharedClass } from '../../remoting/shared-class';
import type { RelationDefinition } from '../../juggler';
import type { RemotingContext } from '../../remoting/context';
import { runChain } from '../../remoting/remote-hooks';
import type { ModelClass } from './registry';

export interface NestRemotingOptions {
  /** The URL segment of the relation (default: the relation's `http.path`, else its name). */
  pathName?: string;
  /** The name of the related id's path parameter (default `nk`). */
  paramName?: string;
  /** The prototype method that fetches the related instance (default `__findById__<rel>` / `__get__<rel>`). */
  getterName?: string;
  /** `false`: the nested endpoints do not run the related model's remote hooks. */
  hooks?: boolean;
  /** Chooses the nested method's name for a related method, or skips it (falsy). */
  filterMethod?: NestFilter;
}

export type NestFilter = (
  method: SharedMethod,
  relation: RelationDefinition,
) => string | undefined | null | false;

const processed = new WeakSet<RelationDefinition>();
const RELATION_METHOD = /^__([^_]+)__([^_]+)$/;

/**
 * LB3's `Model.nestRemoting(relation)`: the related model's own relation endpoints one level down,
 * e.g. `Customer.nestRemoting('orders')` serves `GET /Customers/:id/orders/:nk/shipments` as
 * `Customer.prototype.__get__orders__shipments`. The related instance is fetched through the
 * relation (so an order of another customer is not reached), then the related method runs on it;
 * remote hooks registered by exact name on the related method run for the nested one too.
 */
export function nestRemoting(
  Model: ModelClass,
  relationName: string,
  options: NestRemotingOptions | NestFilter = {},
  filterCallback?: NestFilter,
): void {
  if (typeof options === 'function') [filterCallback, options] = [options, {}];
  const rel = (Model.relations as Record<string, RelationDefinition>)[relationName];
  if (!rel)
    throw new ConfigurationError(
      `Relation \`${relationName}\` does not exist for model \`${Model.modelName}\``,
      'UNKNOWN_RELATION',
    );
  // A relation already nested stops circular traversals (A nests B nests A).
  if (processed.has(rel) || !rel.modelTo) return;
  processed.add(rel);
  const To = rel.modelTo as ModelClass;
  const sharedClass: SharedClass = Model.sharedClass;
  const toShared: SharedClass = To.sharedClass;
  const proto = Model.prototype as unknown as Record<string, unknown>;
  const pathName = options.pathName || rel.options?.http?.path || rel.options?.path || relationName;
  const paramName = options.paramName || 'nk';
  const prefix = `/${String(pathName).replace(/^\//, '')}${rel.multiple ? `/:${paramName}` : ''}`;
  const getterName = options.getterName || `${rel.multiple ? '__findById__' : '__get__'}${relationName}`;
  const choose: NestFilter =
    filterCallback ??
    options.filterMethod ??
    ((method) => {
      const m = RELATION_METHOD.exec(method.name);
      return m ? `__${m[1]}__${relationName}__${m[2]}` : undefined;
    });

  const nested = new Set<string>();
  const nestNew = (): boolean => {
    let added = false;
    for (const method of toShared.methods()) {
      const name = method.isStatic ? undefined : choose(method, rel);
      if (!name || nested.has(name)) continue;
      if (typeof proto[getterName] !== 'function')
        throw new ConfigurationError(`Invalid remote method: \`${getterName}\``, 'INVALID_REMOTE_METHOD');
      nested.add(name);
      nestMethod(Model, rel, method, name, { prefix, paramName, getterName, hooks: options.hooks });
      added = true;
    }
    return added;
  };
  nestNew();
  // As LB3: the app (REST handler, explorer) learns of the nested methods.
  Model.emit('remoteMethodAdded', sharedClass);
  // LB3 nests when the API is described, after every model is set up; here the related model's
  // methods added later (its own relations defined after this one) are nested as they come.
  To.on('remoteMethodAdded', () => {
    if (nestNew()) Model.emit('remoteMethodAdded', sharedClass);
  });
}

interface NestPlan {
  prefix: string;
  paramName: string;
  getterName: string;
  hooks?: boolean;
}

/** Defines `prototype.<name>` on Model: fetch the related instance through the relation, then run `method` on it. */
function nestMethod(
  Model: ModelClass,
  rel: RelationDefinition,
  method: SharedMethod,
  name: string,
  plan: NestPlan,
): void {
  const To = rel.modelTo as ModelClass;
  const proto = Model.prototype as unknown as Record<string, unknown>;
  const { prefix, paramName, getterName } = plan;
  const accepts = [
    ...(rel.multiple
      ? [
          {
            arg: paramName,
            type: 'any',
            http: { source: 'path' },
            description: `Foreign key for ${rel.name}.`,
            required: true,
          },
        ]
      : []),
    ...method.accepts,
  ];
  const lastArg = method.accepts[method.accepts.length - 1];
  const takesOptions = lastArg?.arg === 'options' && lastArg.type === 'object' && !!lastArg.http;
  const opts: RemoteMethodOptions = {
    ...method.options,
    isStatic: false,
    accepts,
    returns: method.returns,
    description: method.description,
    accessType: method.accessType as RemoteMethodOptions['accessType'],
    http: method.routes.map((r) => ({
      verb: r.verb,
      path: prefix + r.path,
      status: r.status,
      errorStatus: r.errorStatus,
    })),
  };
  proto[name] = function nestedMethod(this: any, ...args: unknown[]) {
    const cb = args.pop() as (err: unknown, ...results: unknown[]) => void;
    const fk = rel.multiple ? args.shift() : undefined;
    const contextOptions = (takesOptions && args[args.length - 1]) || {};
    // A to-one getter takes (refresh, options, cb): the cached value is fine, as LB3's.
    const getterArgs = rel.multiple ? [fk, contextOptions] : [false, contextOptions];
    this[getterName](...getterArgs, (err: unknown, inst: unknown) => {
      if (err) return cb(err);
      if (!(inst instanceof To)) return cb(null, null);
      try {
        (inst as unknown as Record<string, (...a: unknown[]) => unknown>)[method.name](...args, cb);
      } catch (e) {
        cb(e);
      }
    });
  };
  Model.sharedClass.defineMethod(`prototype.${name}`, opts);
  if (plan.hooks !== false) inheritHooks(Model, name, `${To.modelName}.prototype.${method.name}`);
}

/** Runs, for the nested method, the hooks registered by exact name on the method it delegates to. */
function inheritHooks(Model: ModelClass, nestedName: string, delegateName: string): void {
  const run =
    (kind: 'before' | 'after') => (ctx: RemotingContext, _result: unknown, next: (err?: unknown) => void) => {
      const hooks = Model.app?.remotes().hooks.named(kind, delegateName) ?? [];
      runChain(hooks.length ? hooks : null, ctx).then(() => next(), next);
    };
  Model.beforeRemote(`prototype.${nestedName}`, run('before'));
  Model.afterRemote(`prototype.${nestedName}`, run('after'));
}

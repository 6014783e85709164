import { ConfigurationError } from '../../../errors';

/**
 * The relation accessors of a remote model (`customer.orders(...)`, `customer.orders.create()`,
 * `order.customer()`), as LB3's remote connector redefined them: each calls the relation's route on
 * the server through the model's relation methods (`__get__orders`, `__create__orders`, …, already
 * proxies), so the server's relation, scope and access control decide — the related model need not
 * be a remote model here, nor even exist on the client.
 */

type Inst = Record<string, any>;
type Fn = (...args: unknown[]) => unknown;

interface RelationShape {
  name: string;
  type: string;
  modelTo?: (new (data?: unknown) => unknown) & { modelName?: string };
  modelThrough?: unknown;
  isThrough?: boolean;
}

function call(owner: Inst, verb: string, rel: RelationShape, args: unknown[]): unknown {
  const fn = owner[`__${verb}__${rel.name}`] as Fn | undefined;
  if (typeof fn !== 'function') {
    throw new ConfigurationError(
      `${String((owner.constructor as { modelName?: string }).modelName)}.${rel.name}: the server's REST API has no "${verb}" method for this relation (__${verb}__${rel.name})`,
      'REMOTE_METHOD_UNAVAILABLE',
    );
  }
  return fn.apply(owner, args);
}

/** `exists(fk)` where the server has no exists route (a plain hasMany): a findById that answers. */
function existsByFind(owner: Inst, rel: RelationShape, args: unknown[]): unknown {
  const cb = typeof args[args.length - 1] === 'function' ? (args.pop() as Fn) : undefined;
  const found = Promise.resolve(call(owner, 'findById', rel, args)).then(
    (x) => x !== null && x !== undefined,
  );
  if (cb)
    found.then(
      (v) => cb(null, v),
      (e: unknown) => cb(e),
    );
  return cb ? undefined : found;
}

function accessorFor(rel: RelationShape, owner: Inst): Fn {
  const cached = () =>
    owner.__cachedRelations && rel.name in owner.__cachedRelations
      ? owner.__cachedRelations[rel.name]
      : undefined;
  const get = (...args: unknown[]) => call(owner, 'get', rel, args);
  const accessor = (...args: unknown[]) => {
    const hit = cached();
    return args.length === 0 && hit !== undefined ? hit : get(...args);
  };
  const build = (data?: unknown) => new rel.modelTo!(data ?? {});
  const verb =
    (v: string) =>
    (...args: unknown[]) =>
      call(owner, v, rel, args);
  if (rel.type === 'belongsTo')
    return Object.assign(accessor, { get, build, _targetClass: rel.modelTo?.modelName });
  if (rel.type === 'hasOne' || rel.type === 'embedsOne') {
    return Object.assign(accessor, {
      get,
      build,
      create: verb('create'),
      update: verb('update'),
      destroy: verb('destroy'),
      _targetClass: rel.modelTo?.modelName,
    });
  }
  const linked = rel.isThrough || rel.modelThrough !== undefined || rel.type === 'referencesMany';
  return Object.assign(accessor, {
    find: get,
    build,
    findById: verb('findById'),
    count: verb('count'),
    create: verb('create'),
    updateById: verb('updateById'),
    destroyById: verb('destroyById'),
    deleteById: verb('destroyById'),
    destroyAll: verb('delete'),
    exists: linked ? verb('exists') : (...args: unknown[]) => existsByFind(owner, rel, args),
    add: verb('link'),
    remove: verb('unlink'),
    _targetClass: rel.modelTo?.modelName,
  });
}

/** Gives the remote model's prototype an accessor per relation (the local ones read a store). */
export function installRemoteRelations(Model: {
  prototype: object;
  relations?: Record<string, RelationShape>;
}): void {
  for (const rel of Object.values(Model.relations ?? {})) {
    Object.defineProperty(Model.prototype, rel.name, {
      get(this: Inst) {
        return accessorFor(rel, this);
      },
      configurable: true,
      enumerable: false,
    });
  }
}

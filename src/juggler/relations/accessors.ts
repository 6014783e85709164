import { splitCallback, withCallback, type NodeCallback } from '../../util/callback';
import { defineHidden } from '../../util/own';
import * as many from './many';
import * as single from './single';
import * as embedded from './embedded';
import type { RelationDefinition } from './relation-definition';

/**
 * The relation API on instances (`customer.orders.create()`, `order.customer()`, ...) and the
 * prototype methods LB3's REST layer calls (`__get__orders`, `__findById__orders`, ...). Every
 * method takes an optional node-style callback last and otherwise returns a Bluebird promise.
 */

type Inst = Record<string, any>;
type Impl = (...args: any[]) => Promise<unknown>;

/** Wraps an async implementation as an LB3-style method: trailing callback or promise. */
function method(impl: Impl, arity: number) {
  return (...args: unknown[]) => {
    const { args: p, cb } = splitCallback(args);
    const padded = p.slice(0, arity);
    while (padded.length < arity) padded.push(undefined);
    let promise: Promise<unknown>;
    try {
      promise = impl(...padded);
    } catch (err) {
      promise = Promise.reject(err);
    }
    return withCallback(promise, cb);
  };
}

const opts = (o: unknown): object => (o && typeof o === 'object' ? (o as object) : {});

/** `customer.orders(filter?, options?, cb?)`: with no arguments, what an include cached (LB3). */
function collectionAccessor(rel: RelationDefinition, owner: Inst) {
  const find = method((filter, options) => {
    if (filter === true || filter === false) filter = undefined;
    return many.findRelated(rel, owner, filter, opts(options));
  }, 2);
  const accessor = (...args: unknown[]) => {
    if (args.length === 0 && owner.__cachedRelations && rel.name in owner.__cachedRelations)
      return owner.__cachedRelations[rel.name];
    return find(...args);
  };
  return Object.assign(accessor, {
    find,
    findOne: method((filter, options) => many.findOneRelated(rel, owner, filter, opts(options)), 2),
    findById: method((fk, filter, options) => many.findRelatedById(rel, owner, fk, filter, opts(options)), 3),
    count: method((where, options) => many.countRelated(rel, owner, where, opts(options)), 2),
    exists: method((fk, options) => many.existsRelated(rel, owner, fk, opts(options)), 2),
    create: method((data, options) => many.createRelated(rel, owner, data, opts(options)), 2),
    build: (data?: unknown) => many.buildRelated(rel, owner, data),
    updateById: method((fk, data, options) => many.updateRelatedById(rel, owner, fk, data, opts(options)), 3),
    destroyById: method((fk, options) => many.destroyRelatedById(rel, owner, fk, opts(options)), 2),
    updateAll: method(
      (where, data, options) => many.updateAllRelated(rel, owner, where, data, opts(options)),
      3,
    ),
    destroyAll: method((where, options) => many.destroyAllRelated(rel, owner, where, opts(options)), 2),
    add: method((target, data, options) => many.addLink(rel, owner, target, data, opts(options)), 3),
    remove: method((target, options) => many.removeLink(rel, owner, target, opts(options)), 2),
    _targetClass: rel.modelTo?.modelName,
  });
}

function cachedOr(rel: RelationDefinition, owner: Inst, args: unknown[], load: (...a: unknown[]) => unknown) {
  const refresh = args[0] === true;
  const hasArgs = args.some((a) => a !== undefined && typeof a !== 'function');
  if (!refresh && owner.__cachedRelations && rel.name in owner.__cachedRelations) {
    const cached = owner.__cachedRelations[rel.name];
    if (!hasArgs && args.length === 0) return cached;
    const cb = args.find((a) => typeof a === 'function') as ((e: null, v: unknown) => void) | undefined;
    return withCallback(Promise.resolve(cached), cb as NodeCallback<unknown> | undefined);
  }
  return load(...args);
}

function isModelInstance(value: unknown): value is Inst {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof ((value as Inst).constructor as Inst | undefined)?.modelName === 'string' &&
    '__data' in (value as Inst)
  );
}

/**
 * LB3's setter form, `order.customer(aCustomer)`: points the key at the given instance (and, when
 * polymorphic, names its model), copies the relation's `properties` from it when
 * `invertProperties` is set (`{name: 'name'}` denormalises the target's name). Nothing is saved:
 * the owner's next save writes it.
 */
function setParent(rel: RelationDefinition, owner: Inst, target: Inst): Inst {
  const Target = target.constructor as Inst;
  owner[rel.keyFrom] = target[rel.keyTo === 'id' ? (Target.definition?.idName ?? 'id') : rel.keyTo];
  if (rel.polymorphic) owner[rel.polymorphic.discriminator] = Target.modelName;
  if (rel.properties && rel.options.invertProperties) {
    for (const [targetProp, ownerProp] of Object.entries(rel.properties))
      owner[ownerProp] = target[targetProp];
  }
  return target;
}

function belongsToAccessor(rel: RelationDefinition, owner: Inst) {
  const get = method((_refresh, options) => single.getParent(rel, owner, opts(options)), 2);
  const accessor = (...args: unknown[]) =>
    isModelInstance(args[0]) ? setParent(rel, owner, args[0]) : cachedOr(rel, owner, args, get);
  return Object.assign(accessor, {
    get,
    create: method((data, options) => single.createParent(rel, owner, data, opts(options)), 2),
    build: (data?: unknown) => new rel.modelTo!(data ?? {}),
    update: method((data, options) => single.updateParent(rel, owner, data, opts(options)), 2),
    destroy: method((options) => single.destroyParent(rel, owner, opts(options)), 1),
    _targetClass: rel.modelTo?.modelName,
  });
}

function hasOneAccessor(rel: RelationDefinition, owner: Inst) {
  const get = method((_refresh, options) => single.getChild(rel, owner, opts(options)), 2);
  const accessor = (...args: unknown[]) => cachedOr(rel, owner, args, get);
  return Object.assign(accessor, {
    get,
    create: method((data, options) => single.createChild(rel, owner, data, opts(options)), 2),
    build: (data?: unknown) => single.buildChild(rel, owner, data),
    update: method((data, options) => single.updateChild(rel, owner, data, opts(options)), 2),
    destroy: method((options) => single.destroyChild(rel, owner, opts(options)), 1),
    _targetClass: rel.modelTo?.modelName,
  });
}

function embedsOneAccessor(rel: RelationDefinition, owner: Inst) {
  const accessor = () => embedded.embeddedValue(rel, owner);
  return Object.assign(accessor, {
    value: () => embedded.embeddedValue(rel, owner),
    build: (data?: unknown) => embedded.buildEmbedded(rel, owner, data ?? {}),
    create: method((data, options) => embedded.setEmbedded(rel, owner, data, opts(options)), 2),
    update: method((data, options) => embedded.updateEmbedded(rel, owner, data, opts(options)), 2),
    destroy: method((options) => embedded.unsetEmbedded(rel, owner, opts(options)), 1),
    unset: method((options) => embedded.unsetEmbedded(rel, owner, opts(options)), 1),
    _targetClass: rel.modelTo?.modelName,
  });
}

function embedsManyAccessor(rel: RelationDefinition, owner: Inst) {
  const accessor = () => embedded.embeddedList(rel, owner);
  return Object.assign(accessor, {
    value: () => embedded.embeddedList(rel, owner),
    at: (index: number) => embedded.embeddedList(rel, owner)[index],
    find: method(async (filter) => embedded.findEmbedded(rel, owner, filter), 1),
    findById: method(async (fk) => embedded.findEmbeddedById(rel, owner, fk), 1),
    exists: method(
      async (fk) =>
        embedded
          .embeddedList(rel, owner)
          .some((x) => String(x[rel.modelTo!.definition.idName ?? 'id']) === String(fk)),
      1,
    ),
    count: method(async (where) => embedded.countEmbedded(rel, owner, where), 1),
    build: (data?: unknown) => embedded.buildEmbeddedItem(rel, owner, data ?? {}),
    create: method((data, options) => embedded.addEmbedded(rel, owner, data, opts(options)), 2),
    add: method((data, options) => embedded.addEmbedded(rel, owner, data, opts(options)), 2),
    updateById: method(
      (fk, data, options) => embedded.updateEmbeddedById(rel, owner, fk, data, opts(options)),
      3,
    ),
    destroyById: method((fk, options) => embedded.destroyEmbeddedById(rel, owner, fk, opts(options)), 2),
    remove: method((fk, options) => embedded.destroyEmbeddedById(rel, owner, fk, opts(options)), 2),
    destroyAll: method((options) => embedded.clearEmbedded(rel, owner, opts(options)), 1),
    // LB3's other names for the by-id methods of an embedded list.
    get: method(async (fk) => embedded.findEmbeddedById(rel, owner, fk), 1),
    set: method((fk, data, options) => embedded.updateEmbeddedById(rel, owner, fk, data, opts(options)), 3),
    unset: method((fk, options) => embedded.destroyEmbeddedById(rel, owner, fk, opts(options)), 2),
    _targetClass: rel.modelTo?.modelName,
  });
}

export function accessorFor(rel: RelationDefinition, owner: Inst): unknown {
  switch (rel.type) {
    case 'belongsTo':
      return belongsToAccessor(rel, owner);
    case 'hasOne':
      return hasOneAccessor(rel, owner);
    case 'embedsOne':
      return embedsOneAccessor(rel, owner);
    case 'embedsMany':
      return embedsManyAccessor(rel, owner);
    default:
      return collectionAccessor(rel, owner);
  }
}

/**
 * Installs `inst[rel.name]` (a getter building the accessor) and the `__verb__name` prototype
 * methods the REST layer exposes, as LB3 names them.
 */
export function installAccessors(rel: RelationDefinition): void {
  const proto = rel.modelFrom.prototype as Inst;
  Object.defineProperty(proto, rel.name, {
    get(this: Inst) {
      return accessorFor(rel, this);
    },
    configurable: true,
    enumerable: false,
  });
  const define = (verb: string, fn: (this: Inst, ...args: any[]) => unknown) =>
    defineHidden(proto, `__${verb}__${rel.name}`, fn);
  const a = (self: Inst) => accessorFor(rel, self) as any;
  switch (rel.type) {
    case 'belongsTo':
      define('get', function (refresh?: unknown, options?: unknown, cb?: unknown) {
        return a(this).get(refresh, options, cb);
      });
      return;
    case 'hasOne':
    case 'embedsOne':
      define('get', function (refresh?: unknown, options?: unknown, cb?: unknown) {
        return rel.type === 'hasOne'
          ? a(this).get(refresh, options, cb)
          : withCallback(Promise.resolve(a(this).value()), cb as any);
      });
      define('create', function (data: unknown, options?: unknown, cb?: unknown) {
        return a(this).create(data, options, cb);
      });
      define('update', function (data: unknown, options?: unknown, cb?: unknown) {
        return a(this).update(data, options, cb);
      });
      define('destroy', function (options?: unknown, cb?: unknown) {
        return a(this).destroy(options, cb);
      });
      return;
    default:
      define('get', function (filter?: unknown, options?: unknown, cb?: unknown) {
        return a(this).find(filter, options, cb);
      });
      define('create', function (data: unknown, options?: unknown, cb?: unknown) {
        return a(this).create(data, options, cb);
      });
      define('delete', function (where?: unknown, options?: unknown, cb?: unknown) {
        return rel.type === 'embedsMany'
          ? a(this).destroyAll(options, cb)
          : a(this).destroyAll(where, options, cb);
      });
      define('count', function (where?: unknown, options?: unknown, cb?: unknown) {
        return a(this).count(where, options, cb);
      });
      define('findById', function (fk: unknown, options?: unknown, cb?: unknown) {
        return a(this).findById(fk, undefined, options, cb);
      });
      define('updateById', function (fk: unknown, data: unknown, options?: unknown, cb?: unknown) {
        return a(this).updateById(fk, data, options, cb);
      });
      define('destroyById', function (fk: unknown, options?: unknown, cb?: unknown) {
        return a(this).destroyById(fk, options, cb);
      });
      define('exists', function (fk: unknown, options?: unknown, cb?: unknown) {
        return a(this).exists(fk, options, cb);
      });
      // LB3's REST `__link__` takes through-model data only for hasMany-through.
      define('link', function (fk: unknown, ...rest: unknown[]) {
        return rel.isThrough ? a(this).add(fk, ...rest) : a(this).add(fk, undefined, ...rest);
      });
      define('unlink', function (fk: unknown, options?: unknown, cb?: unknown) {
        return a(this).remove(fk, options, cb);
      });
  }
}

import { markAnswersByPromise, splitCallback, takePlainAnswer, withCallback } from '../util/callback';
import { ModelBase } from './model-base';
import { observe, Observer, removeObserver, clearObservers, ownObserverLists } from './operation-hooks';
import { createChangeStream, type ChangeStreamOptions } from './change-stream';
import type { PassThrough } from 'stream';
import { create, instanceOfFailedCreate } from './dao/create';
import { count, exists, find, findById, findByIds, findOne } from './dao/find';
import { destroyAll, destroyById, destroyInstance } from './dao/delete';
import { patchInstance, replaceById, saveInstance, updateAll } from './dao/update';
import { findOrCreate, replaceOrCreate, upsert, upsertWithWhere } from './dao/upsert';
import { DaoModel, normalizeOptions, storeOf } from './dao/support';
import { defineScope } from './named-scope';
import { includeRelated } from './relations/include';
import { normalizeInclude } from './filter/include';
import { resolveLimits, type FilterLimits } from './filter/limits';
import type { ModelDataSource } from './store/model-data-source';
import type { Filter, Where } from './filter/types';
import type { NodeCallback } from '../util/callback';
import type Bluebird from 'bluebird';

type Args = unknown[];

/** A model class: the `this` of the typed statics, so `Customer.find()` resolves to `Customer[]`. */
type ModelCtor = abstract new (...args: any[]) => PersistedModel;
/** The data properties of a model's instances (methods and internals left out). */
export type Props<M extends ModelCtor> = {
  [
    K in keyof InstanceType<M> as InstanceType<M>[K] extends (...a: any[]) => any
      ? never
      : K extends `__${string}`
        ? never
        : K
  ]: InstanceType<M>[K];
};
type Data<M extends ModelCtor> = Partial<Props<M>> & Record<string, unknown>;
/** The relation names of a model class typed by ModelOf (any string otherwise). */
export type RelationsOf<M> = M extends { readonly __relationNames?: infer R }
  ? R extends string
    ? string extends R
      ? string
      : R
    : string
  : string;

function run<T>(
  args: Args,
  arity: number,
  impl: (...params: any[]) => Promise<T>,
  spread = false,
  resultOfError?: (err: Error) => T | undefined,
): Bluebird<T> {
  // Taken before the method's own code (and any observer of the app's it calls) runs.
  const plain = takePlainAnswer();
  const { args: params, cb } = splitCallback(args);
  let promise: Promise<T>;
  try {
    promise = impl(...params.slice(0, arity));
  } catch (err) {
    promise = Promise.reject(err);
  }
  return withCallback(promise, cb, spread, resultOfError, plain);
}

/**
 * PersistedModel: a model backed by a data source, with LB3's data access API. Every method takes
 * an optional node-style callback last and otherwise returns a Bluebird promise.
 */
export class PersistedModel extends ModelBase {
  static override readonly __isPersistedModel = true;
  declare static dataSource: ModelDataSource | undefined;
  declare static app: any;

  // ---- operation hooks ----
  static observe(this: any, operation: string, fn: Observer): void {
    observe(this, operation, fn);
  }
  static removeObserver(this: any, operation: string, fn: Observer): void {
    removeObserver(this, operation, fn);
  }
  static clearObservers(this: any, operation?: string): void {
    clearObservers(this, operation);
  }
  /** LB3's `Model._observers`: the model's own observers by operation (a copy, for inspection). */
  static get _observers(): Record<string, Observer[]> {
    return ownObserverLists(this);
  }

  /** A readable object stream of this model's writes (see change-stream.ts); the stream comes on the next tick, as LB3. */
  static createChangeStream(
    this: any,
    options?: ChangeStreamOptions | NodeCallback<PassThrough>,
    cb?: NodeCallback<PassThrough>,
  ): Bluebird<PassThrough>;
  static createChangeStream(this: any, ...args: Args): Bluebird<PassThrough> {
    return run(args, 1, async (options) => {
      const { stream, ready } = createChangeStream(this, options ?? undefined);
      await new Promise((resolve) => process.nextTick(resolve));
      // Listening to the store's feed too (other processes' writes) before the stream is handed out.
      await ready.catch((err) => {
        stream.destroy();
        throw err;
      });
      return stream;
    });
  }

  // ---- data access: statics ----
  static create<M extends ModelCtor>(
    this: M,
    data: Data<M>[],
    options?: object | NodeCallback<InstanceType<M>[]>,
    cb?: NodeCallback<InstanceType<M>[]>,
  ): Bluebird<InstanceType<M>[]>;
  static create<M extends ModelCtor>(
    this: M,
    data?: Data<M>,
    options?: object | NodeCallback<InstanceType<M>>,
    cb?: NodeCallback<InstanceType<M>>,
  ): Bluebird<InstanceType<M>>;
  static create(this: any, ...args: Args): Bluebird<any> {
    // As LB3, a create refused by validation, the store or an 'after save' observer calls back the instance with the error.
    return run(args, 2, (data, options) => create(this, data, options), false, instanceOfFailedCreate);
  }

  static find<M extends ModelCtor>(
    this: M,
    filter?: Filter<Props<M>, RelationsOf<M>> | string | NodeCallback<InstanceType<M>[]>,
    options?: object | NodeCallback<InstanceType<M>[]>,
    cb?: NodeCallback<InstanceType<M>[]>,
  ): Bluebird<InstanceType<M>[]>;
  static find(this: any, ...args: Args): Bluebird<any> {
    return run(args, 2, (filter, options) => find(this, filter, options));
  }

  static findOne<M extends ModelCtor>(
    this: M,
    filter?: Filter<Props<M>, RelationsOf<M>> | string | NodeCallback<InstanceType<M> | null>,
    options?: object | NodeCallback<InstanceType<M> | null>,
    cb?: NodeCallback<InstanceType<M> | null>,
  ): Bluebird<InstanceType<M> | null>;
  static findOne(this: any, ...args: Args): Bluebird<any> {
    return run(args, 2, (filter, options) => findOne(this, filter, options));
  }

  static findById<M extends ModelCtor>(
    this: M,
    id: unknown,
    filter?: Filter<Props<M>, RelationsOf<M>> | string | NodeCallback<InstanceType<M> | null>,
    options?: object | NodeCallback<InstanceType<M> | null>,
    cb?: NodeCallback<InstanceType<M> | null>,
  ): Bluebird<InstanceType<M> | null>;
  static findById(this: any, ...args: Args): Bluebird<any> {
    return run(args, 3, (id, filter, options) => findById(this, id, filter, options));
  }

  static findByIds(this: DaoModel, ...args: Args): Bluebird<any[]> {
    return run(args, 3, (ids, filter, options) => findByIds(this, ids as unknown[], filter, options));
  }

  static count<M extends ModelCtor>(
    this: M,
    where?: Where<Props<M>> | NodeCallback<number>,
    options?: object | NodeCallback<number>,
    cb?: NodeCallback<number>,
  ): Bluebird<number>;
  static count(this: any, ...args: Args): Bluebird<number> {
    return run(args, 2, (where, options) => count(this, where, options));
  }

  static exists(this: DaoModel, ...args: Args): Bluebird<boolean> {
    return run(args, 2, (id, options) => exists(this, id, options));
  }

  static updateAll(this: DaoModel, ...args: Args): Bluebird<{ count: number }> {
    const plain = takePlainAnswer();
    const { args: params, cb } = splitCallback(args);
    // updateAll(data) updates every instance, as LB3.
    const [where, data, options] = params.length === 1 ? [undefined, params[0], undefined] : params;
    return withCallback(
      Promise.resolve().then(() => updateAll(this, where, data, options)),
      cb,
      false,
      undefined,
      plain,
    );
  }

  static destroyAll(this: DaoModel, ...args: Args): Bluebird<{ count: number }> {
    return run(args, 2, (where, options) => destroyAll(this, where, options));
  }

  static destroyById(this: DaoModel, ...args: Args): Bluebird<{ count: number }> {
    return run(args, 2, (id, options) => destroyById(this, id, options));
  }

  static upsert(this: DaoModel, ...args: Args): Bluebird<any> {
    return run(args, 2, (data, options) => upsert(this, data, options));
  }

  static replaceOrCreate(this: DaoModel, ...args: Args): Bluebird<any> {
    return run(args, 2, (data, options) => replaceOrCreate(this, data, options));
  }

  static upsertWithWhere(this: DaoModel, ...args: Args): Bluebird<any> {
    return run(args, 3, (where, data, options) => upsertWithWhere(this, where, data, options));
  }

  static findOrCreate(this: DaoModel, ...args: Args): Bluebird<[any, boolean]> {
    const { args: params, cb } = splitCallback(args);
    const [filter, data, options] =
      params.length === 1 ? [{ where: params[0] }, params[0], undefined] : params;
    return withCallback(
      Promise.resolve().then(() => findOrCreate(this, filter, data, options)),
      cb,
      true,
    );
  }

  static replaceById(this: DaoModel, ...args: Args): Bluebird<any> {
    return run(args, 3, (id, data, options) => replaceById(this, id, data, options));
  }

  /** Defines a named scope: `Model.scope('vips', {where: {vip: true}})` → `Model.vips(filter)`. */
  /** Fills each instance's included relations (batched: one query per relation per level). */
  static include(
    this: DaoModel,
    instances: any[],
    include: unknown,
    options?: object,
    cb?: NodeCallback<any[]>,
  ): Bluebird<any[]> {
    const promise = (async () => {
      const specs =
        normalizeInclude(
          include,
          resolveLimits(this.dataSource?.settings.filterLimits as FilterLimits | undefined),
        ) ?? [];
      await includeRelated(this, instances, specs, options ?? {});
      return instances;
    })();
    return withCallback(promise, cb);
  }

  /** LB3's isolation level names: `Model.beginTransaction({isolationLevel: Model.Transaction.READ_COMMITTED})`. */
  static readonly Transaction = Object.freeze({
    READ_UNCOMMITTED: 'READ UNCOMMITTED',
    READ_COMMITTED: 'READ COMMITTED',
    REPEATABLE_READ: 'REPEATABLE READ',
    SERIALIZABLE: 'SERIALIZABLE',
  });

  /**
   * `Model.beginTransaction({isolationLevel, timeout})`: a transaction on the model's store, to
   * pass as `{transaction: tx}` in the options of DAO calls; `tx.commit()` / `tx.rollback()`.
   */
  static beginTransaction(
    this: DaoModel,
    options?: { isolationLevel?: string; timeout?: number } | string | NodeCallback<any>,
    cb?: NodeCallback<any>,
  ): Bluebird<any> {
    if (typeof options === 'function') [cb, options] = [options, undefined];
    const opts = typeof options === 'string' ? { isolationLevel: options } : (options ?? {});
    const promise = (async () => {
      const { store } = await storeOf(this, 'beginTransaction');
      return store.beginTransaction(opts);
    })();
    return withCallback(promise, cb);
  }

  static scope(this: DaoModel, name: string, filter: Record<string, unknown>): void {
    defineScope(this, name, filter);
  }

  /** The model's data source; null when it has none (LB3). */
  static getDataSource(this: DaoModel): ModelDataSource | null {
    return this.dataSource ?? null;
  }

  static async ready(this: DaoModel): Promise<void> {
    await storeOf(this, 'ready');
  }

  // LB3's aliases: the same functions under their other names, inherited by every model.
  static patchOrCreate = PersistedModel.upsert;
  static updateOrCreate = PersistedModel.upsert;
  static patchOrCreateWithWhere = PersistedModel.upsertWithWhere;
  static update = PersistedModel.updateAll;
  static deleteAll = PersistedModel.destroyAll;
  static remove = PersistedModel.destroyAll;
  static deleteById = PersistedModel.destroyById;
  static removeById = PersistedModel.destroyById;
  static all = PersistedModel.find;

  // ---- data access: instances ----
  save(options?: object | NodeCallback<this>, cb?: NodeCallback<this>): Bluebird<this>;
  save(...args: Args): Bluebird<this> {
    return run(args, 1, (options) => saveInstance(this.constructor as DaoModel, this, options));
  }

  updateAttributes(...args: Args): Bluebird<this> {
    return run(args, 2, (data, options) => patchInstance(this.constructor as DaoModel, this, data, options));
  }

  // LB3's patchAttributes is updateAttributes under a second name (one function), not a call of it.
  patchAttributes(...args: Args): Bluebird<this> {
    return run(args, 2, (data, options) => patchInstance(this.constructor as DaoModel, this, data, options));
  }

  updateAttribute(name: string, value: unknown, ...rest: Args): Bluebird<this> {
    return this.updateAttributes({ [name]: value }, ...rest);
  }

  replaceAttributes(...args: Args): Bluebird<this> {
    return run(args, 2, async (data, options) => {
      const replaced = await replaceById(this.constructor as DaoModel, this.getId(), data, options);
      this.__data = replaced.__data;
      return this;
    });
  }

  destroy(...args: Args): Bluebird<{ count: number }> {
    return run(args, 1, (options) => destroyInstance(this.constructor as DaoModel, this, options));
  }

  delete(...args: Args): Bluebird<{ count: number }> {
    return this.destroy(...args);
  }

  remove(...args: Args): Bluebird<{ count: number }> {
    return this.destroy(...args);
  }

  reload(...args: Args): Bluebird<this> {
    return run(args, 1, async (options) => {
      normalizeOptions(options);
      return findById(this.constructor as DaoModel, this.getId(), undefined, options);
    });
  }
}

/**
 * A model class as code that handles any model sees it: LB3 code calls the data access API on
 * every model it is handed (a model without a store refuses at the call), so this is the class of
 * PersistedModel, with every static of ModelBase and the layers above (ModelStatics); its
 * instances are ModelInstance.
 */
export type ModelClass = typeof PersistedModel & (abstract new (...args: any[]) => ModelInstance);

/** An instance of a model whose properties the type system does not know: any of them may be read. */
export type ModelInstance = PersistedModel & Record<string, any>;

/**
 * The class of a model whose instances carry `P`: `ds.createModel('Customer', {...}) as
 * ModelOf<{name: string}>` gives `Customer.find()` the type `Promise<(PersistedModel & {name})[]>`.
 */
export type ModelOf<P extends object, R extends string = string> = typeof PersistedModel &
  (abstract new (...args: any[]) => PersistedModel & P) & {
    /** Type-level only: the names `include` accepts. */
    readonly __relationNames?: R;
  };

// The methods that answer through run() or withCallback() without spreading their result: the same
// value by promise as by callback (see ANSWERS_BY_PROMISE). Aliases share the function, and the mark.
for (const name of [
  'create',
  'find',
  'findOne',
  'findById',
  'findByIds',
  'count',
  'exists',
  'updateAll',
  'destroyAll',
  'destroyById',
  'upsert',
  'replaceOrCreate',
  'upsertWithWhere',
  'replaceById',
] as const)
  markAnswersByPromise(PersistedModel[name]);
for (const name of ['save', 'updateAttributes', 'patchAttributes', 'replaceAttributes', 'destroy'] as const)
  markAnswersByPromise(PersistedModel.prototype[name]);

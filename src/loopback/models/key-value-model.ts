import type Bluebird from 'bluebird';
import { NodeCallback, withCallback } from '../../util/callback';
import {
  checkKey,
  checkTtl,
  checkValue,
  keyNotFound,
  KeyValueModelLike,
  kvStore,
  matchOfFilter,
  ttlOfSetOptions,
} from '../../juggler';
import type { RemotingContext } from '../../remoting/context';
import type { RemoteMethodOptions } from '../../remoting/shared-method';
import type { SharedClass } from '../../remoting/shared-class';

type AnyModel = any;
type Callback<T> = NodeCallback<T> | undefined;

/** `options` or the callback in its place (LB3's optional-argument shuffle). */
function lastCallback<T>(options: unknown, cb: unknown): Callback<T> {
  if (typeof cb === 'function') return cb as NodeCallback<T>;
  return typeof options === 'function' ? (options as NodeCallback<T>) : undefined;
}

/** LB3's key iterator: `next([cb])` resolves to the next key, undefined once all were given; also `for await`. */
export interface KeyIterator {
  next(cb?: NodeCallback<string | undefined>): Bluebird<string | undefined>;
  [Symbol.asyncIterator](): AsyncIterator<string>;
}

/**
 * KeyValueModel: LB3's model for key-value stores (`kv-memory`, `kv-redis`). Its statics check
 * their arguments (INVALID_KEY, INVALID_TTL, INVALID_ARGUMENT: 400, the store untouched) and
 * speak to the data source's key-value connector; TTLs are in milliseconds.
 */
export function setupKeyValueModel(KeyValueModel: AnyModel): void {
  Object.defineProperty(KeyValueModel, '__isKeyValueModel', { value: true });
  const statics = {
    /** The value under `key`, null when there is none. */
    get(this: KeyValueModelLike, key: unknown, options?: unknown, cb?: unknown) {
      const run = async () => (await kvStore(this, 'get')).get(this.modelName, checkKey(key));
      return withCallback(run(), lastCallback(options, cb));
    },
    /** Stores `value` under `key`; `options` is a TTL in ms or `{ttl}`. */
    set(this: KeyValueModelLike, key: unknown, value: unknown, options?: unknown, cb?: unknown) {
      const run = async () => {
        const k = checkKey(key);
        const ttl = ttlOfSetOptions(typeof options === 'function' ? undefined : options);
        await (await kvStore(this, 'set')).set(this.modelName, k, checkValue(value), ttl);
      };
      return withCallback(run(), lastCallback(options, cb));
    },
    /** Gives an existing key a TTL; 404 KEY_NOT_FOUND when it does not exist. */
    expire(this: KeyValueModelLike, key: unknown, ttl: unknown, options?: unknown, cb?: unknown) {
      const run = async () => {
        const k = checkKey(key);
        const ms = checkTtl(ttl);
        if (!(await (await kvStore(this, 'expire')).expire(this.modelName, k, ms)))
          throw keyNotFound(this, k);
      };
      return withCallback(run(), lastCallback(options, cb));
    },
    /** The ms left before `key` expires, undefined when it never does; 404 KEY_NOT_FOUND when it does not exist. */
    ttl(this: KeyValueModelLike, key: unknown, options?: unknown, cb?: unknown) {
      const run = async () => {
        const k = checkKey(key);
        const left = await (await kvStore(this, 'ttl')).ttl(this.modelName, k);
        if (left === null) throw keyNotFound(this, k);
        return left;
      };
      return withCallback(run(), lastCallback(options, cb));
    },
    /** Every key matching `filter.match` (a glob), in one list; `iterateKeys` for large stores. */
    keys(this: AnyModel, filter?: unknown, options?: unknown, cb?: unknown) {
      const callback =
        typeof filter === 'function'
          ? (filter as NodeCallback<string[]>)
          : lastCallback<string[]>(options, cb);
      const run = async () => {
        const iterator = await keyIterator(this, typeof filter === 'function' ? undefined : filter);
        const keys: string[] = [];
        for (let r = await iterator.next(); !r.done; r = await iterator.next()) keys.push(r.value);
        return keys;
      };
      return withCallback(run(), callback);
    },
    iterateKeys(this: AnyModel, filter?: unknown): KeyIterator {
      // Checked now, so a bad filter fails at the call as in LB3, not at the first next().
      const match = matchOfFilter(filter);
      let inner: Promise<AsyncIterator<string>> | undefined;
      const step = async (): Promise<IteratorResult<string>> => {
        inner ??= kvStore(this, 'iterateKeys').then((store) => store.iterateKeys(this.modelName, match));
        return (await inner).next();
      };
      return {
        next: (cb) =>
          withCallback(
            step().then((r) => (r.done ? undefined : r.value)),
            cb,
          ),
        [Symbol.asyncIterator]: () => ({ next: step }),
      };
    },
    delete(this: KeyValueModelLike, key: unknown, options?: unknown, cb?: unknown) {
      const run = async () => (await kvStore(this, 'delete')).delete(this.modelName, checkKey(key));
      return withCallback(run(), lastCallback(options, cb));
    },
    deleteAll(this: KeyValueModelLike, options?: unknown, cb?: unknown) {
      const run = async () => (await kvStore(this, 'deleteAll')).deleteAll(this.modelName);
      return withCallback(run(), lastCallback(options, cb));
    },
  };
  Object.assign(KeyValueModel, statics);
}

async function keyIterator(Model: AnyModel, filter: unknown): Promise<AsyncIterator<string>> {
  const match = matchOfFilter(filter);
  return (await kvStore(Model, 'keys')).iterateKeys(Model.modelName, match);
}

/** LB3 answers GET /:key with 404 KEY_NOT_FOUND when there is no value. */
function nullToKeyNotFound(ctx: RemotingContext, next: (err?: unknown) => void): void {
  if (ctx.result !== null && ctx.result !== undefined) return next();
  next(keyNotFound({ modelName: (ctx.method.sharedClass as SharedClass).name }, String(ctx.args.key)));
}

const keyArg = { arg: 'key', type: 'string', required: true, http: { source: 'path' } } as const;

/** The REST face LB3 gives a KeyValueModel: GET/PUT /:key, PUT /:key/expire, GET /:key/ttl, GET /keys. */
export function keyValueModelMethods(): Array<[string, RemoteMethodOptions]> {
  return [
    [
      'get',
      {
        accessType: 'READ',
        accepts: [keyArg],
        returns: { arg: 'value', type: 'any', root: true },
        http: { path: '/:key', verb: 'get' },
        rest: { after: nullToKeyNotFound },
      },
    ],
    [
      'set',
      {
        accessType: 'WRITE',
        accepts: [
          keyArg,
          { arg: 'value', type: 'any', required: true, http: { source: 'body' } },
          {
            arg: 'ttl',
            type: 'number',
            http: { source: 'query' },
            description: 'time to live in milliseconds',
          },
        ],
        http: { path: '/:key', verb: 'put' },
      },
    ],
    [
      'expire',
      {
        accessType: 'WRITE',
        accepts: [keyArg, { arg: 'ttl', type: 'number', required: true, http: { source: 'form' } }],
        http: { path: '/:key/expire', verb: 'put' },
      },
    ],
    [
      'ttl',
      {
        accessType: 'READ',
        accepts: [keyArg],
        returns: { arg: 'value', type: 'any', root: true },
        http: { path: '/:key/ttl', verb: 'get' },
      },
    ],
    [
      'keys',
      {
        accessType: 'READ',
        accepts: [{ arg: 'filter', type: 'object', required: false, http: { source: 'query' } }],
        returns: { arg: 'keys', type: ['string'], root: true },
        http: { path: '/keys', verb: 'get' },
      },
    ],
  ];
}

import { ConfigurationError, InvalidArgumentError, InvalidFilterError, LooplineError } from '../errors';
import { isPlainObject } from '../util/own';
import type { ModelDataSource } from './store/model-data-source';
import { isKeyValueConnector, KeyValueConnector } from './connectors/store-kinds';

/** A model that may be attached to a key-value data source (KeyValueModel and its subclasses). */
export interface KeyValueModelLike {
  modelName: string;
  dataSource?: ModelDataSource | null;
}

/** Longest key accepted: Redis keys may be huge, but a key is an identifier, not a payload. */
export const MAX_KEY_LENGTH = 1024;
/** Longest TTL accepted (100 years, in ms): beyond it the expiry time overflows Redis' clock. */
export const MAX_TTL = 100 * 365 * 24 * 3600 * 1000;

/**
 * LB3's key-value access object: arguments checked (a bad one is a 400 with a stable code and the
 * store untouched), then the model's key-value connector, connected on first use.
 */
export async function kvStore(Model: KeyValueModelLike, method: string): Promise<KeyValueConnector> {
  const ds = Model.dataSource;
  const connector = ds?.connector;
  if (!ds || !isKeyValueConnector(connector)) {
    throw new ConfigurationError(
      `Cannot call ${Model.modelName}.${method}(). The ${method} method has not been setup. ` +
        'The KeyValueModel has not been correctly attached to a DataSource!' +
        (ds
          ? ` (data source "${ds.name}" uses the ${connector!.name} connector; use kv-memory or kv-redis)`
          : ''),
      ds ? 'WRONG_STORE_KIND' : 'MODEL_NOT_ATTACHED',
    );
  }
  if (!ds.connected) await ds.ready();
  return connector;
}

export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '')
    throw new LooplineError('INVALID_KEY', 'The key must be a non-empty string');
  if (key.length > MAX_KEY_LENGTH)
    throw new LooplineError(
      'INVALID_KEY',
      `The key is ${key.length} characters long; the most is ${MAX_KEY_LENGTH}`,
    );
  return key;
}

export function checkTtl(ttl: unknown, what = 'ttl'): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_TTL) {
    throw new LooplineError(
      'INVALID_TTL',
      `${what} must be a positive number of milliseconds, at most ${MAX_TTL} (given: ${String(ttl)})`,
    );
  }
  return ttl;
}

/** `set`'s third argument: a TTL number, or `{ttl}` (LB3). */
export function ttlOfSetOptions(options: unknown): number | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options === 'number') return checkTtl(options);
  if (!isPlainObject(options))
    throw new InvalidArgumentError(
      'The options of set must be an object such as {ttl: 1000}',
      'INVALID_OPTIONS',
    );
  return 'ttl' in options && options.ttl !== undefined ? checkTtl(options.ttl, 'options.ttl') : undefined;
}

export function checkValue(value: unknown): unknown {
  if (value === undefined || value === null)
    throw new InvalidArgumentError('The value to set must be given and not null');
  return value;
}

/** The `match` glob of a keys/iterateKeys filter. */
export function matchOfFilter(filter: unknown): string | undefined {
  if (filter === undefined || filter === null) return undefined;
  if (!isPlainObject(filter))
    throw new InvalidFilterError('The keys filter must be an object such as {match: "user:*"}');
  const match = filter.match;
  if (match === undefined || match === null) return undefined;
  if (typeof match !== 'string')
    throw new InvalidFilterError('filter.match must be a glob string such as "user:*"');
  if (match.length > MAX_KEY_LENGTH)
    throw new InvalidFilterError(`filter.match is over ${MAX_KEY_LENGTH} characters`);
  return match;
}

export function keyNotFound(Model: KeyValueModelLike, key: string): LooplineError {
  return new LooplineError('KEY_NOT_FOUND', `Unknown "${Model.modelName}" key "${key}".`);
}

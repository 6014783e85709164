import { ForeignKeyViolationError, InvalidValueError, StoreUnavailableError } from '../../../errors';
import { errorText } from '../../../util/error-text';
import type { ModelDefinition } from '../../model-definition';
import type { DeclaredIndex } from './schema-dialect';

/** A kind of store error: the driver's `code`s that mean it, or a test of the error where codes do not say. */
export type ErrorMatch = readonly string[] | ((err: unknown) => boolean);

/** The store's foreign-key refusal: a written key naming no parent row, or rows still pointing at a deleted one. */
export interface ForeignKeyRefusal {
  kind: 'missing' | 'referenced';
  constraint?: string;
}

/** What a duplicate-key reading may look at: the models the connector knows and the indexes they declare. */
export interface DeclaredModels {
  definitions(): Iterable<ModelDefinition>;
  indexes(def: ModelDefinition): DeclaredIndex[];
}

/**
 * A SQL store's errors, as a table: which codes mean the store cannot be reached, a duplicate
 * key, a deadlock victim, a value the column refuses… SqlConnector turns each kind into the same
 * loopline error on every store (storeError below, and its duplicate-key and deadlock handling).
 */
export interface SqlErrorTable {
  /** The store cannot be reached (refused, reset, timed out, shut down): 503. */
  readonly connectionLost: ErrorMatch;
  /** A unique index or the primary key refused a value: 409 DUPLICATE_ID. */
  readonly duplicateKey: ErrorMatch;
  /** The store chose an autocommit statement as a deadlock's victim: it is run again. */
  readonly deadlock?: ErrorMatch;
  /** The store's regular expressions cannot read a pattern JavaScript compiled: 400 INVALID_FILTER. */
  readonly invalidRegexp?: ErrorMatch;
  /** The store cannot keep a character of a text (PostgreSQL: NUL): 400 UNSUPPORTED_CHARACTER. */
  readonly unsupportedCharacter?: ErrorMatch;
  /** The column refuses a value (out of range, too long, wrong text for the type): 400 INVALID_VALUE. */
  readonly invalidValue?: ErrorMatch;
  /** The store refused the data source's credentials: 503 STORE_AUTH_FAILED. */
  readonly badCredentials?: ErrorMatch;
  /** The store has no database of the data source's name: 503 STORE_DATABASE_NOT_FOUND. */
  readonly unknownDatabase?: ErrorMatch;
  /** The name of the index (or primary key) a duplicate-key error names, when the store says (else the id is named). */
  duplicateKeyName?(err: unknown, models: DeclaredModels): string | undefined;
  /** The foreign-key refusal an error is (409 FOREIGN_KEY_VIOLATION), undefined for any other error. */
  foreignKeyViolation?(err: unknown): ForeignKeyRefusal | undefined;
}

/** The driver's code of an error, when it has one. */
export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error is of the kind `match` describes (never for an absent kind). */
export function matches(match: ErrorMatch | undefined, err: unknown): boolean {
  if (!match) return false;
  if (typeof match === 'function') return match(err);
  const code = codeOf(err);
  return code !== undefined && match.includes(code);
}

/**
 * A store fault as thrown to the DAO: 409 for a foreign-key refusal, 400 INVALID_VALUE when the
 * store refused a value the client sent (the client's to fix, no server fault), 503 when the store
 * cannot be reached or refused the data source's credentials or database; any other error unchanged.
 */
export function storeError(store: string, errors: SqlErrorTable, err: unknown): unknown {
  const refused = errors.foreignKeyViolation?.(err);
  if (refused) return new ForeignKeyViolationError(store, refused.kind, refused.constraint);
  if (matches(errors.invalidValue, err))
    return new InvalidValueError(
      `The ${store} store cannot hold a value of this request: ${(err as Error).message}`,
    );
  if (matches(errors.badCredentials, err))
    return new StoreUnavailableError(
      `The ${store} store refused the data source's credentials (${errorText(err)})`,
      'STORE_AUTH_FAILED',
      err,
    );
  if (matches(errors.unknownDatabase, err))
    return new StoreUnavailableError(
      `The ${store} store has no database of the data source's name (${errorText(err)})`,
      'STORE_DATABASE_NOT_FOUND',
      err,
    );
  if (!matches(errors.connectionLost, err)) return err;
  return new StoreUnavailableError(
    `The ${store} store cannot be reached (${errorText(err)}); retry later`,
    'STORE_UNAVAILABLE',
    err,
  );
}

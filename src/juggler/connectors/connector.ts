import { ModelDefinition } from '../model-definition';
import { NormalizedFilter, WhereClause } from '../filter/types';
import type { StoreChangeFeed } from './change-feed';
import type { Catalog } from './sql/catalog';

/**
 * THE connector contract. The DAO speaks only this; the memory, PostgreSQL and MySQL connectors
 * implement it and nothing else.
 *
 * Rows are plain objects keyed by property name, holding values in loopline's canonical forms
 * (Date, Buffer, plain objects/arrays for object and embedded types, `{lat, lng}` for GeoPoint).
 * A connector maps names to columns itself. Every where clause it receives has been validated and
 * coerced by `normalizeFilter`/`normalizeWhere`: operators are known, values are of the property's type.
 */
export type Row = Record<string, unknown>;

export interface OperationOptions {
  [key: string]: unknown;
  /** A transaction handle from `beginTransaction`, for connectors that support them. */
  transaction?: unknown;
}

export interface UpsertResult {
  row: Row;
  created: boolean;
}

export interface ConnectorCapabilities {
  /** Type of ids the connector generates when a model has none declared. */
  readonly defaultIdType: 'Number' | 'String';
  /** The `regexp` operator is supported. */
  readonly regexp: boolean;
  /** `near` on GeoPoint properties is supported. */
  readonly geo: boolean;
  /** Transactions via `beginTransaction`. */
  readonly transactions: boolean;
  /** Properties not in the model definition can be stored (strict: false). */
  readonly freeformProperties: boolean;
}

/** What `beginTransaction` takes: LB3's isolation level names, and a timeout (ms) after which the transaction rolls back. */
export interface TransactionOptions {
  isolationLevel?: string;
  timeout?: number;
}

/** A transaction a connector began: passed on as `options.transaction`, ended by one of these. */
export interface Transaction {
  commit(cb?: (err?: Error | null) => void): Promise<void>;
  rollback(cb?: (err?: Error | null) => void): Promise<void>;
}

export interface Connector {
  /** Absent or 'data': a store of model rows (the key-value and mail kinds are in store-kinds.ts). */
  readonly kind?: 'data';
  readonly name: string;
  readonly capabilities: ConnectorCapabilities;

  /** Open the store (pool, file). Called once, lazily, before the first operation. */
  connect(): Promise<void>;
  /** Release every resource; pending writes are flushed first. */
  disconnect(): Promise<void>;
  /** Tell the connector about a model; called when the model is attached to the data source. */
  define(model: ModelDefinition): void;

  /** Insert one row; the store generates ids the row lacks. Resolves to the id. */
  create(model: ModelDefinition, data: Row, options: OperationOptions): Promise<unknown>;
  /** Rows matching the filter, honouring where, fields, order, skip and limit (not include). */
  find(model: ModelDefinition, filter: NormalizedFilter, options: OperationOptions): Promise<Row[]>;
  /** The row with this id, or null. Must not scan. */
  findById(model: ModelDefinition, id: unknown, options: OperationOptions): Promise<Row | null>;
  count(model: ModelDefinition, where: WhereClause | undefined, options: OperationOptions): Promise<number>;
  /** Set `data`'s properties on every matching row. Resolves to the number of rows matched. */
  updateAll(
    model: ModelDefinition,
    where: WhereClause | undefined,
    data: Row,
    options: OperationOptions,
  ): Promise<number>;
  /** Delete every matching row. Resolves to the number deleted. */
  destroyAll(
    model: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number>;
  /**
   * Merge `data` into the row with this id; resolves to a row (the full row afterwards, or at least
   * its id: the DAO merges the patch into the instance it holds), or null if absent.
   */
  patchById(model: ModelDefinition, id: unknown, data: Row, options: OperationOptions): Promise<Row | null>;
  /** Replace the row with this id by `data` (properties absent from data become absent); null if absent. */
  replaceById(model: ModelDefinition, id: unknown, data: Row, options: OperationOptions): Promise<Row | null>;
  /**
   * Atomic upsert: inserts `insertRow`, or — when a row with its id exists — sets `updateRow`'s
   * properties on that row, as one step no concurrent writer can split (no lost update, no
   * duplicate). Resolves to the row afterwards and whether it was inserted.
   */
  upsert?(
    model: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult>;
  /** Atomic replaceOrCreate: inserts `row`, or replaces the row with its id whole (absent properties become null). */
  replaceOrCreate?(model: ModelDefinition, row: Row, options: OperationOptions): Promise<UpsertResult>;
  /**
   * Runs `fn` holding an exclusive lock named by `key` (held by every process on the store), in a
   * transaction — the caller's `options.transaction`, or one of its own committed when `fn`
   * resolves. `fn` gets the options to pass on. findOrCreate and upsertWithWhere use it so that
   * concurrent callers for the same where make one row.
   */
  exclusive?<T>(
    model: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T>;
  /**
   * A new id for a row of `model` that the store itself will not write (LB3's `generateId`):
   * embedded models ask the store they are attached to for their items' ids.
   */
  generateId?(model: ModelDefinition, data: Row, idName: string): unknown;
  /**
   * True when every row `find` returns for this model holds only properties the model defines
   * (SQL rows are built from the columns); the DAO then adopts rows without looking at their keys.
   */
  rowsHoldOnlyDefinedKeys?(model: ModelDefinition): boolean;
  /**
   * The store's change feed (change-feed.ts): carries the writes made through this data source to
   * the change streams of other processes on the same store. Undefined when the store has none or
   * the data source turned it off (`changeFeed: false`).
   */
  changeFeed?(): StoreChangeFeed | undefined;

  /*
   * Optional features: the store (store/) calls each only where the connector has it, and says
   * what LB3 said when it has not (a ping and the schema calls do nothing; a transaction or a
   * discovery is refused).
   */
  /** Checks the store answers (LB3's `dataSource.ping`). */
  ping?(): Promise<void>;
  /** Drops and recreates the stores of these models (tables, collections). */
  automigrate?(models: ModelDefinition[]): Promise<void>;
  /** Brings the stores of these models up to date, keeping their rows. */
  autoupdate?(models: ModelDefinition[]): Promise<void>;
  /** True when autoupdate would change nothing for these models. */
  isActual?(models: ModelDefinition[]): Promise<boolean>;
  /** A new transaction; offered when `capabilities.transactions` is true. */
  beginTransaction?(options?: TransactionOptions): Promise<Transaction>;
  /** The store's catalog of tables, columns and keys, which discovery reads (SQL stores). */
  readonly catalog?: Catalog;
  /** The model's table as the store's statements name it (SQL stores; the CLI shows it). */
  table?(model: ModelDefinition): string;
  /**
   * An LB3 connector's own data-access methods (`connector.DataAccessObject`), mixed into every
   * model attached (lb3-bridge/connector-dao.ts).
   */
  readonly DataAccessObject?: unknown;
  /**
   * Called once with the data source built over the connector: an LB3 connector's functions on
   * its own data source (operations, `invoke`) are offered on it too (lb3-bridge).
   */
  adoptDataSource?(dataSource: object): void;
}

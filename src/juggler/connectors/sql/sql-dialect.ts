import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { StoreChangeFeed } from '../change-feed';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import type { Catalog, CatalogQuery } from './catalog';
import type { SqlErrorTable } from './error-table';
import type { SchemaDialect } from './schema-dialect';
import type { SqlBuilder } from './sql-where';
import type { QueryResult, SqlRunner, SqlTransaction, TransactionConnection } from './sql-transaction';
import type { SqlSyntax, SqlSyntaxSpec } from './syntax';

/**
 * A SQL store, as data: SqlConnector is written once and built from one of these (as Kysely
 * builds its query builder from a dialect). A new SQL store is a folder that exports a function
 * from its data source's settings to a SqlDialect, and one line in connectors/registry.ts.
 */
export interface SqlDialect {
  /** The store's name: the connector's name, the key of per-model and per-property settings, the name in messages. */
  readonly name: string;
  /** How statements are written (what standard SQL has may be left out: syntax.ts). */
  readonly syntax: SqlSyntaxSpec;
  /** Which of the store's errors mean what. */
  readonly errors: SqlErrorTable;
  /** The statements each store writes its own way. */
  readonly statements: SqlStatements;
  /** The connections: made once per connector. */
  createDriver(context: DriverContext): SqlDriver;
  /** How autoupdate reads and changes this store's tables, over the connector's statements. */
  createSchema(query: CatalogQuery): SchemaDialect;
  /** The store's catalog in the shapes of LB3's discovery, over the connector's statements. */
  createCatalog(query: CatalogQuery): Catalog;
  /** The store's change feed (change-feed.ts), when it has one. */
  createChangeFeed?(context: ChangeFeedContext): StoreChangeFeed;
}

export interface DriverContext {
  /** The connector's debug log (`connector:<name>`). */
  debug(format: string, ...args: unknown[]): void;
}

export interface ChangeFeedContext extends DriverContext {
  /** Runs a statement as the connector does (on the transaction given in options). */
  run(sql: string, params: unknown[], options?: OperationOptions): Promise<QueryResult>;
  /** Every model's writes announce themselves (`changeFeed: true`). */
  everyModel: boolean;
}

/** A store's connections: a pool (or one connection) for statements, and connections of their own for transactions. */
export interface SqlDriver {
  /** Where statements outside a transaction run; made on first use. */
  readonly pool: SqlRunner;
  /** Reaches the store once (the connector turns a failure into 503). */
  connect(): Promise<void>;
  /** Closes every connection. */
  close(): Promise<void>;
  /**
   * A connection of its own: in a transaction at `isolationLevel` when given (already checked
   * against the four SQL names), else in autocommit mode (a session that `exclusive` locks on).
   */
  checkout(isolationLevel: string | undefined): Promise<TransactionConnection>;
  /** The tables changed (automigrate, autoupdate): statements prepared before are prepared anew. */
  schemaChanged?(): void;
}

/** What a store's own statements may use of the connector. */
export interface SqlStatementHost {
  readonly name: string;
  readonly syntax: SqlSyntax;
  readonly settings: Readonly<Record<string, unknown>>;
  run(sql: string, params: unknown[], options?: OperationOptions): Promise<QueryResult>;
  table(def: ModelDefinition): string;
  col(def: ModelDefinition, property: string): string;
  /** The value bound for a property's value. */
  toDb(prop: PropertyDefinition, value: unknown): unknown;
  rowFromDb(def: ModelDefinition, record: Row, fields?: readonly string[]): Row;
  findById(def: ModelDefinition, id: unknown, options: OperationOptions): Promise<Row | null>;
  /** A duplicate-key error as 409 DUPLICATE_ID naming the property; any other error unchanged. */
  duplicate(def: ModelDefinition, err: unknown, row: Row): unknown;
  /** The columns and placeholders of an INSERT of the row's set properties, bound on `b`. */
  insertColumns(def: ModelDefinition, row: Row, b: SqlBuilder): { cols: string[]; vals: string[] };
  /** A builder of statements on the model's table. */
  builder(def: ModelDefinition): SqlBuilder;
  /**
   * Runs `fn` on one connection: the caller's transaction's, or a session of its own given back
   * when `fn` is done (so a session lock and the statements under it share the connection).
   */
  onOwnConnection<T>(
    options: OperationOptions,
    fn: (conn: SqlTransaction, options: OperationOptions, inCallerTransaction: boolean) => Promise<T>,
  ): Promise<T>;
}

/** The atomic writes, which each store makes of its own statements and locks. */
export interface SqlStatements {
  /** Inserts `insertRow`, or sets `updateRow`'s properties on the row with its id, as one step. */
  upsert(
    host: SqlStatementHost,
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult>;
  /** Runs `fn` while no other writer of the same key (of any process on the store) runs. */
  exclusive<T>(
    host: SqlStatementHost,
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T>;
}

/**
 * What a store declares about itself for the connector suite. Where stores differ, a case reads
 * one of these (or the connector's own `capabilities`), never the store's name: a third-party
 * connector states what it does and runs the same suite.
 */
export interface StoreFeatures {
  /** Transactions through `beginTransaction` (must agree with `connector.capabilities.transactions`). */
  readonly transactions: boolean;
  /**
   * The store is a server at `settings.host`/`settings.port` that the suite may cut off (through a
   * Relay) to check the 503 answers and the recovery. Embedded stores (memory, SQLite) have none.
   */
  readonly server: boolean;
  /**
   * Two data sources with the same settings reach the same rows (a server, a file), as two
   * processes would. The memory store is one data source's own.
   */
  readonly shared: boolean;
  /**
   * Text the store keeps as given. A store that cannot hold some refuses it with 400
   * UNSUPPORTED_CHARACTER and writes nothing: half a surrogate pair has no UTF-8 form (SQL stores),
   * PostgreSQL's text has no NUL.
   */
  readonly text: { readonly loneSurrogates: boolean; readonly nul: boolean };
  /**
   * The years a date may have: every JavaScript date, or a range (MySQL's DATETIME holds 1000 to
   * 9999) outside which a date is refused with 400 INVALID_VALUE without writing.
   */
  readonly dateYears: 'any' | { readonly min: number; readonly max: number };
  /**
   * Ordering and patterns on a whole document (an object or array property) are refused with 400
   * INVALID_FILTER, having no portable meaning on the store (SQL); the memory store compares them.
   */
  readonly refusesDocumentOrdering: boolean;
  /** Settings a `number` property with decimals needs (LB3's SQL packages make an integer column otherwise). */
  readonly fractionalNumber?: Readonly<Record<string, unknown>>;
  /**
   * The store keeps a schema of tables: automigrate/autoupdate alter it, and its connector answers
   * `isActual(models)`, `existingIndexes(model)` and `catalog.columns(owner, table)`.
   */
  readonly schema?: SchemaFeatures;
  /** The store runs raw SQL through `connector.execute(sql, params[, callback])` (LB3's API). */
  readonly sql?: SqlFeatures;
}

export interface SchemaFeatures {
  /** The name a model's table or column gets by default: PostgreSQL folds it to lower case. */
  defaultName(name: string): string;
  /** The names `existingIndexes` gives a table's primary-key index (`PRIMARY`, `<table>_pkey`, none). */
  primaryKeyIndexes(table: string): string[];
  /**
   * A statement listing a table's indexes, one row each with `def`: `UNIQUE ` before a unique
   * index's description, which names its column. Absent: the case reads `existingIndexes` only.
   */
  indexDefinitions?(table: string): string;
}

export interface SqlFeatures {
  /** The n-th (1-based) bound parameter as the dialect writes it: `$1` or `?`. */
  parameter(n: number): string;
  /** An identifier (a table's default name) as written in a statement. */
  quote(identifier: string): string;
}

/** A store the suite runs against: its data source settings, its features, and the cases it skips. */
export interface SuiteStore {
  /** Shown in the suite's title (`<name> store`). */
  readonly name: string;
  /** The data source settings, `connector` included (a registered name, a module or a connector). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly features: StoreFeatures;
  /** Cases this store does not run, by title, each with its reason (shown in the skipped title). */
  readonly skips?: Readonly<Record<string, string>>;
}

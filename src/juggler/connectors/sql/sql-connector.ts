import { randomUUID } from 'crypto';
import {
  DuplicateIdError,
  ForeignKeyViolationError,
  InvalidFilterError,
  InvalidValueError,
  LooplineError,
  StoreUnavailableError,
} from '../../../errors';
import type Bluebird from 'bluebird';
import { splitCallback, withCallback } from '../../../util/callback';
import { debugFor } from '../../../util/debug';
import type { NormalizedFilter, WhereClause } from '../../filter/types';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { Connector, ConnectorCapabilities, OperationOptions, Row, UpsertResult } from '../connector';
import { Dialect, halfSurrogatePair, isJsonProperty, jsonDocument } from './dialect';
import { FilterShape, filterShape, sameParams, StatementCache } from './statement-shapes';
import { SqlBuilder } from './sql-where';
import { openTransaction, SqlRunner, SqlTransaction, TransactionConnection } from './sql-transaction';
import type { Catalog } from './catalog';
import { DeclaredIndex, SchemaDialect, SqlSchema } from './sql-schema';
import { errorText } from '../../../util/error-text';

export { isolationLevelOf } from './sql-transaction';
export type { SqlRunner, SqlTransaction, TransactionConnection } from './sql-transaction';

interface ColumnReader {
  name: string;
  column: string;
  read: (value: unknown) => unknown;
}

interface ColumnLayout {
  all: ColumnReader[];
  byName: Map<string, ColumnReader>;
}

/**
 * The SQL connectors' shared implementation of the Connector contract. A dialect subclass
 * supplies the pool (`runner`), transactions and the error classification; everything else —
 * statements, row mapping, schema — is here, once.
 */
/** ES2024's String#isWellFormed, on Node 20 ahead of the TypeScript lib this project targets. */
type WellFormed = string & { isWellFormed(): boolean };

export abstract class SqlConnector implements Connector {
  abstract readonly name: string;
  readonly capabilities: ConnectorCapabilities = Object.freeze({
    defaultIdType: 'Number' as const,
    regexp: true,
    geo: false,
    transactions: true,
    freeformProperties: false,
  });
  protected readonly defs = new Map<string, ModelDefinition>();
  protected readonly debug;

  constructor(
    readonly dialect: Dialect,
    protected readonly settings: Record<string, unknown>,
  ) {
    this.debug = debugFor(`connector:${dialect.name}`);
  }

  abstract connect(): Promise<void>;
  abstract disconnect(): Promise<void>;
  /** The pool's runner. */
  protected abstract get pool(): SqlRunner;
  /** True when the error means the store is unreachable (refused, reset, timed out). */
  protected abstract isConnectionError(err: unknown): boolean;
  protected abstract isDuplicateKey(err: unknown): boolean;
  /** The name of the index (or primary key) a duplicate-key error names, when the store says. */
  protected abstract duplicateKeyName(err: unknown): string | undefined;
  abstract beginTransaction(options?: { isolationLevel?: string; timeout?: number }): Promise<SqlTransaction>;

  /** A transaction handle over a connection taken from the pool (sql-transaction.ts). */
  protected transaction(conn: TransactionConnection, timeout: number | undefined): SqlTransaction {
    return openTransaction(
      this,
      conn,
      timeout,
      (err) => this.isConnectionError(err),
      (err) => this.unavailable(err),
    );
  }

  define(def: ModelDefinition): void {
    this.defs.set(def.name, def);
  }

  /** Runs a statement on the transaction given in options, or on the pool; store faults become 503. */
  /**
   * A statement run in autocommit mode that the store chose as a deadlock's victim was rolled
   * back whole, so it is run again (up to three more times). MariaDB picks such victims among
   * concurrent inserts of one value under a long (hashed) unique key; the retry then meets the
   * winner's row and fails as a duplicate. Inside a caller's transaction the error stands: the
   * store rolled back the whole transaction.
   */
  private async queryRetryingDeadlocks(
    runner: SqlRunner,
    autocommit: boolean,
    sql: string,
    params: unknown[],
  ): Promise<{ rows: Row[]; affected: number; insertId?: unknown }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runner.query(sql, params);
      } catch (err) {
        if (!autocommit || attempt >= 4 || !this.isDeadlock(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
      }
    }
  }

  /** The store's "deadlock, statement rolled back" error. */
  protected isDeadlock(_err: unknown): boolean {
    return false;
  }

  async run(
    sql: string,
    params: unknown[],
    options?: OperationOptions,
  ): Promise<{ rows: Row[]; affected: number; insertId?: unknown }> {
    const tx = options?.transaction as SqlTransaction | undefined;
    const runner: SqlRunner = tx && tx.connector === this ? tx : this.pool;
    if (tx && tx.connector === this && tx.finished)
      throw new LooplineError('TRANSACTION_FINISHED', 'The transaction is already committed or rolled back');
    // Statements only: the values bound to them carry access tokens, hashes and user data.
    this.debug('%s (%d values)', sql, params.length);
    for (const p of params) {
      // UTF-8 has no form for half a surrogate pair: the driver would store U+FFFD in its place.
      if (typeof p === 'string' && !(p as WellFormed).isWellFormed()) {
        throw halfSurrogatePair(this.dialect.name);
      }
      if (p instanceof Date) this.checkDate(p);
    }
    try {
      return await this.queryRetryingDeadlocks(runner, runner !== tx, sql, params);
    } catch (err) {
      if (this.isUnsupportedCharacter(err)) {
        throw new LooplineError(
          'UNSUPPORTED_CHARACTER',
          `The ${this.dialect.name} store cannot keep this text (it holds the NUL character, \\u0000): remove it and send again`,
        );
      }
      if (this.isRegexpError(err)) {
        throw new InvalidFilterError(
          `The ${this.dialect.name} store's regular expressions cannot read this pattern: ${(err as Error).message}`,
        );
      }
      throw this.unavailable(err);
    }
  }

  /** Throws 400 INVALID_VALUE for a date the store's date type cannot hold (each dialect knows its range). */
  protected checkDate(_date: Date): void {}

  /**
   * True when the store's regular expression engine refused a pattern that JavaScript compiled
   * (the dialects differ: PostgreSQL has no named groups, PCRE no `\u`): the filter's fault, 400.
   */
  protected isRegexpError(_err: unknown): boolean {
    return false;
  }

  /** True when the store refused a value's text for a character it cannot hold (PostgreSQL: NUL). */
  protected isUnsupportedCharacter(_err: unknown): boolean {
    return false;
  }

  /**
   * A store fault as thrown to the DAO: 503 STORE_UNAVAILABLE when the store cannot be reached,
   * 400 INVALID_VALUE when it refused a value the client sent (text it cannot hold, a number out
   * of the column's range), which is the client's to fix and no server fault.
   */
  protected unavailable(err: unknown): unknown {
    const refused = this.foreignKeyViolation(err);
    if (refused) return new ForeignKeyViolationError(this.dialect.name, refused.kind, refused.constraint);
    if (this.isValueError(err))
      return new InvalidValueError(
        `The ${this.dialect.name} store cannot hold a value of this request: ${(err as Error).message}`,
      );
    const refusal = this.refusal(err);
    if (refusal === 'credentials')
      return new StoreUnavailableError(
        `The ${this.dialect.name} store refused the data source's credentials (${errorText(err)})`,
        'STORE_AUTH_FAILED',
        err,
      );
    if (refusal === 'database')
      return new StoreUnavailableError(
        `The ${this.dialect.name} store has no database of the data source's name (${errorText(err)})`,
        'STORE_DATABASE_NOT_FOUND',
        err,
      );
    if (!this.isConnectionError(err)) return err;
    return new StoreUnavailableError(
      `The ${this.dialect.name} store cannot be reached (${errorText(err)}); retry later`,
      'STORE_UNAVAILABLE',
      err,
    );
  }

  /** Why the store refused a connection that reached it: the credentials, the database name, or neither. */
  protected refusal(_err: unknown): 'credentials' | 'database' | undefined {
    return undefined;
  }

  /**
   * The store's foreign-key refusal: `missing` when a written key names no parent row,
   * `referenced` when other rows still point at a deleted or re-keyed one; undefined for any
   * other error. Each dialect reads its own codes (and the constraint's name when it has one).
   */
  protected foreignKeyViolation(
    _err: unknown,
  ): { kind: 'missing' | 'referenced'; constraint?: string } | undefined {
    return undefined;
  }

  /** True for the store's "this value does not fit" errors; each dialect names its own. */
  protected isValueError(_err: unknown): boolean {
    return false;
  }

  // ---- names ---------------------------------------------------------------------------------

  table(def: ModelDefinition): string {
    const schema = this.dialect.schemaName(def);
    const table = this.dialect.quote(this.dialect.tableName(def));
    return schema ? `${this.dialect.quote(schema)}.${table}` : table;
  }

  col(def: ModelDefinition, property: string): string {
    return this.dialect.quote(this.dialect.columnName(def, property));
  }

  private idName(def: ModelDefinition): string {
    if (!def.idName) throw new LooplineError('MODEL_WITHOUT_ID', `${def.name} has no id property`);
    return def.idName;
  }

  // ---- values ------------------------------------------------------------------------------

  protected toDb(prop: PropertyDefinition, value: unknown): unknown {
    if (value === undefined || value === null) return null;
    if (isJsonProperty(prop)) return jsonDocument(value, this.dialect.name);
    return value;
  }

  /** How a column's value becomes the property's (chosen once per property, not per value). */
  protected readerFor(prop: PropertyDefinition): (value: unknown) => unknown {
    switch (prop.kind.name) {
      case 'Boolean':
        return (v) =>
          v === null || v === undefined
            ? null
            : typeof v === 'boolean'
              ? v
              : v === 1 || v === '1' || v === 'true';
      case 'Number':
        return (v) => (v === null || v === undefined ? null : typeof v === 'number' ? v : Number(v));
      case 'Date':
        return (v) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));
      case 'String':
        return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
      default:
        if (!isJsonProperty(prop)) return (v) => (v === undefined ? null : v);
        return (v) => {
          if (v === null || v === undefined) return null;
          if (typeof v !== 'string') return v;
          try {
            return JSON.parse(v);
          } catch {
            return v;
          }
        };
    }
  }

  /**
   * Per model definition, computed once: each property with its column and reader, in property
   * order (a NULL column is a null property, as LB3's SQL connectors return it).
   */
  private readonly layouts = new WeakMap<ModelDefinition, ColumnLayout>();

  private layout(def: ModelDefinition): ColumnLayout {
    let layout = this.layouts.get(def);
    if (!layout) {
      const all = def.propertyNames.map((name) => ({
        name,
        column: this.dialect.columnName(def, name),
        read: this.readerFor(def.properties[name]),
      }));
      layout = { all, byName: new Map(all.map((c) => [c.name, c])) };
      this.layouts.set(def, layout);
    }
    return layout;
  }

  protected rowFromDb(def: ModelDefinition, record: Row, fields?: readonly string[]): Row {
    const out: Row = {};
    const layout = this.layout(def);
    if (!fields) {
      const all = layout.all;
      for (let i = 0; i < all.length; i++) {
        const c = all[i];
        out[c.name] = c.read(record[c.column]);
      }
      return out;
    }
    for (const name of fields) {
      const c = layout.byName.get(name);
      if (c) out[name] = c.read(record[c.column]);
    }
    return out;
  }

  // ---- the Connector contract -------------------------------------------------------------

  /** Rows are built from the mapped columns only (rowFromDb). */
  rowsHoldOnlyDefinedKeys(): boolean {
    return true;
  }

  async create(def: ModelDefinition, data: Row, options: OperationOptions): Promise<unknown> {
    const idName = def.idName;
    const row = { ...data };
    if (
      idName &&
      (row[idName] === undefined || row[idName] === null) &&
      def.properties[idName]?.kind.name === 'String'
    )
      row[idName] = randomUUID();
    const names = def.propertyNames.filter((n) => row[n] !== undefined);
    const b = new SqlBuilder(this.dialect, def);
    const cols = names.map((n) => this.col(def, n));
    const vals = names.map((n) => b.param(this.toDb(def.properties[n], row[n])));
    try {
      return await this.insert(def, cols, vals, b.params, idName, row, options);
    } catch (err) {
      throw this.duplicate(def, err, row);
    }
  }

  /**
   * A duplicate-key error as 409 DUPLICATE_ID naming the property whose unique index (or the id)
   * refused the value; any other error unchanged.
   */
  protected duplicate(def: ModelDefinition, err: unknown, row: Row): unknown {
    if (!this.isDuplicateKey(err)) return err;
    const key = this.duplicateKeyName(err);
    const property =
      (key && this.indexes(def).find((i) => i.unique && i.name === key)?.properties[0]) || def.idName || 'id';
    return new DuplicateIdError(def.name, property, row[property]);
  }

  // ---- atomic writes (each dialect's statement in its connector) ----------------------------

  /** Inserts `insertRow`, or sets `updateRow`'s properties on the row with its id, as one step. */
  abstract upsert(
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult>;

  /** Inserts the row, or replaces the row with its id whole: every property absent is written NULL. */
  async replaceOrCreate(def: ModelDefinition, row: Row, options: OperationOptions): Promise<UpsertResult> {
    const full: Row = {};
    for (const n of def.propertyNames) full[n] = row[n] ?? null;
    return this.upsert(def, full, full, options);
  }

  abstract exclusive<T>(
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T>;

  /**
   * A connection of its own from the pool in autocommit mode, as a handle shaped like a
   * transaction's (passed in options the same way; commit or rollback gives it back).
   */
  protected abstract session(): Promise<SqlTransaction>;

  /**
   * Runs `fn` on one connection: the caller's transaction's, or a session of its own given back
   * when `fn` is done. Every statement of `fn` then runs where a session lock was taken, and the
   * work never waits for a second connection from a pool its waiters may have drained.
   */
  protected async onOwnConnection<T>(
    options: OperationOptions,
    fn: (conn: SqlTransaction, options: OperationOptions, inCallerTransaction: boolean) => Promise<T>,
  ): Promise<T> {
    const given = options.transaction as SqlTransaction | undefined;
    if (given && given.connector === this) return fn(given, options, true);
    const own = await this.session();
    try {
      return await fn(own, { ...options, transaction: own }, false);
    } finally {
      await own.commit().catch(() => undefined);
    }
  }

  /** The columns and placeholders of an INSERT of the row's set properties, bound on `b`. */
  protected insertColumns(def: ModelDefinition, row: Row, b: SqlBuilder): { cols: string[]; vals: string[] } {
    const names = def.propertyNames.filter((n) => row[n] !== undefined);
    return {
      cols: names.map((n) => this.col(def, n)),
      vals: names.map((n) => b.param(this.toDb(def.properties[n], row[n]))),
    };
  }

  /** INSERT and the id the row got (RETURNING on PostgreSQL, insertId on MySQL). */
  protected abstract insert(
    def: ModelDefinition,
    cols: string[],
    vals: string[],
    params: unknown[],
    idName: string | undefined,
    row: Row,
    options: OperationOptions,
  ): Promise<unknown>;

  /** Statement text that depends only on the model definition, built once per definition. */
  private readonly fixed = new WeakMap<ModelDefinition, { all: string; byId?: string }>();

  private fixedFor(def: ModelDefinition): { all: string; byId?: string } {
    let f = this.fixed.get(def);
    if (!f) {
      const all = this.buildSelectList(def, undefined);
      const byId = def.idName
        ? `SELECT ${all} FROM ${this.table(def)} WHERE ${this.col(def, def.idName)} = ${this.dialect.placeholder(1)}`
        : undefined;
      f = { all, byId };
      this.fixed.set(def, f);
    }
    return f;
  }

  private selectList(def: ModelDefinition, fields: readonly string[] | undefined): string {
    return fields ? this.buildSelectList(def, fields) : this.fixedFor(def).all;
  }

  private buildSelectList(def: ModelDefinition, fields: readonly string[] | undefined): string {
    const names = fields ?? def.propertyNames;
    // Fields naming no known property still select a real column (the row then comes back empty).
    return (
      names
        .filter((n) => def.properties[n])
        .map((n) => this.col(def, n))
        .join(', ') || this.col(def, def.idName ?? def.propertyNames[0])
    );
  }

  async find(def: ModelDefinition, filter: NormalizedFilter, options: OperationOptions): Promise<Row[]> {
    const shape = filterShape(def, filter);
    const key = shape && 'find' + shape.key;
    const cached = key !== undefined ? this.shapes.get(def, key) : undefined;
    let sql: string;
    let params: unknown[];
    if (cached !== undefined) {
      sql = cached;
      params = this.shapedParams(def, shape!, filter);
    } else {
      const b = new SqlBuilder(this.dialect, def);
      sql = `SELECT ${this.selectList(def, filter.fields)} FROM ${this.table(def)}${b.where(filter.where)}`;
      const order =
        filter.order ?? (def.idName ? [{ property: def.idName, direction: 'ASC' as const }] : undefined);
      sql += b.orderBy(order);
      sql += this.limitClause(b, filter.limit, filter.skip);
      params = b.params;
      // Kept for the shape only if the shape binds exactly what the builder bound.
      if (key !== undefined && sameParams(params, this.shapedParams(def, shape!, filter)))
        this.shapes.set(def, key, sql);
    }
    const { rows } = await this.run(sql, params, options);
    return rows.map((r) => this.rowFromDb(def, r, filter.fields));
  }

  /** Statement texts by filter shape (statement-shapes.ts). */
  private readonly shapes = new StatementCache();

  /** The parameters of a shaped filter: its values, then what the limit clause binds. */
  private shapedParams(
    def: ModelDefinition,
    shape: FilterShape,
    filter: Pick<NormalizedFilter, 'limit' | 'skip'>,
  ): unknown[] {
    const b = new SqlBuilder(this.dialect, def);
    b.params.push(...shape.values);
    this.limitClause(b, filter.limit, filter.skip);
    return b.params;
  }

  protected limitClause(b: SqlBuilder, limit: number | undefined, skip: number | undefined): string {
    if (limit !== undefined) return ` LIMIT ${b.param(limit)}${skip ? ` OFFSET ${b.param(skip)}` : ''}`;
    return skip ? this.offsetOnly(b, skip) : '';
  }

  protected offsetOnly(b: SqlBuilder, skip: number): string {
    return ` OFFSET ${b.param(skip)}`;
  }

  async findById(def: ModelDefinition, id: unknown, options: OperationOptions): Promise<Row | null> {
    if (id === undefined || id === null) return null;
    this.idName(def);
    const { rows } = await this.run(this.fixedFor(def).byId!, [id], options);
    return rows.length ? this.rowFromDb(def, rows[0]) : null;
  }

  async count(
    def: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number> {
    const shape = filterShape(def, { where });
    const key = shape && 'count' + shape.key;
    const cached = key !== undefined ? this.shapes.get(def, key) : undefined;
    let sql: string;
    let params: unknown[];
    if (cached !== undefined) {
      sql = cached;
      params = shape!.values;
    } else {
      const b = new SqlBuilder(this.dialect, def);
      sql = `SELECT COUNT(*) AS cnt FROM ${this.table(def)}${b.where(where)}`;
      params = b.params;
      if (key !== undefined && sameParams(params, shape!.values)) this.shapes.set(def, key, sql);
    }
    const { rows } = await this.run(sql, params, options);
    return Number(rows[0]?.cnt ?? 0);
  }

  async updateAll(
    def: ModelDefinition,
    where: WhereClause | undefined,
    data: Row,
    options: OperationOptions,
  ): Promise<number> {
    const names = Object.keys(data).filter((n) => def.properties[n] && n !== def.idName);
    if (!names.length) return this.count(def, where, options);
    const b = new SqlBuilder(this.dialect, def);
    const sets = names.map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], data[n]))}`);
    try {
      const { affected } = await this.run(
        `UPDATE ${this.table(def)} SET ${sets.join(', ')}${b.where(where)}`,
        b.params,
        options,
      );
      return affected;
    } catch (err) {
      throw this.duplicate(def, err, data);
    }
  }

  async destroyAll(
    def: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number> {
    const b = new SqlBuilder(this.dialect, def);
    const { affected } = await this.run(`DELETE FROM ${this.table(def)}${b.where(where)}`, b.params, options);
    return affected;
  }

  async patchById(
    def: ModelDefinition,
    id: unknown,
    data: Row,
    options: OperationOptions,
  ): Promise<Row | null> {
    const idName = this.idName(def);
    const names = Object.keys(data).filter((n) => def.properties[n] && n !== idName);
    if (!names.length) return this.findById(def, id, options);
    const b = new SqlBuilder(this.dialect, def);
    const sets = names.map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], data[n]))}`);
    const where = `${this.col(def, idName)} = ${b.param(id)}`;
    try {
      return await this.updateReturning(
        def,
        `UPDATE ${this.table(def)} SET ${sets.join(', ')} WHERE ${where}`,
        b.params,
        id,
        options,
      );
    } catch (err) {
      throw this.duplicate(def, err, data);
    }
  }

  /** Runs an UPDATE of one row and answers the row afterwards (null when there was none). */
  protected async updateReturning(
    def: ModelDefinition,
    sql: string,
    params: unknown[],
    id: unknown,
    options: OperationOptions,
  ): Promise<Row | null> {
    const { affected } = await this.run(sql, params, options);
    // The DAO merges the patch into the instance it holds (as LB3 does), so a changed row needs
    // no second read; MySQL counts unchanged rows as unaffected, so only then is existence checked.
    if (affected) return { [def.idName!]: id };
    return this.findById(def, id, options);
  }

  async replaceById(
    def: ModelDefinition,
    id: unknown,
    data: Row,
    options: OperationOptions,
  ): Promise<Row | null> {
    const idName = this.idName(def);
    // Every column is written: properties absent from the data become NULL.
    const full: Row = {};
    for (const n of def.propertyNames) if (n !== idName) full[n] = data[n] ?? null;
    const b = new SqlBuilder(this.dialect, def);
    const sets = Object.keys(full).map(
      (n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], full[n]))}`,
    );
    if (!sets.length) return this.findById(def, id, options);
    let affected: number;
    try {
      ({ affected } = await this.run(
        `UPDATE ${this.table(def)} SET ${sets.join(', ')} WHERE ${this.col(def, idName)} = ${b.param(id)}`,
        b.params,
        options,
      ));
    } catch (err) {
      throw this.duplicate(def, err, full);
    }
    if (!affected && !(await this.findById(def, id, options))) return null;
    return this.findById(def, id, options);
  }

  /**
   * LB3's raw-SQL escape hatch, `ds.connector.execute(sql, params, [options], [cb])`: values only
   * as parameters ($1 on PostgreSQL, ? on MySQL). Resolves to the rows of a query, or to
   * `{affectedRows, count}` for a statement that returns none.
   */
  execute(sql: string, ...rest: unknown[]): Bluebird<unknown> {
    const { args, cb } = splitCallback(rest);
    const [params, options] = args as [unknown[] | undefined, OperationOptions | undefined];
    const promise = this.run(sql, Array.isArray(params) ? params : [], options).then(({ rows, affected }) =>
      rows.length || /^\s*(SELECT|WITH|SHOW|VALUES|EXPLAIN|DESCRIBE)\b/i.test(sql)
        ? rows
        : { affectedRows: affected, count: affected },
    );
    return withCallback(promise, cb);
  }

  async ping(): Promise<void> {
    await this.run('SELECT 1', []);
  }

  // ---- schema (sql-schema.ts) ---------------------------------------------------------------

  private schemaInstance: SqlSchema | undefined;

  protected get schema(): SqlSchema {
    return (this.schemaInstance ??= new SqlSchema({
      dialect: this.dialect,
      run: (sql, params) => this.run(sql, params),
      define: (def) => this.define(def),
      table: (def) => this.table(def),
      col: (def, property) => this.col(def, property),
      indexColumn: (def, property) => this.indexColumn(def, property),
      tableOptions: (def) => this.tableOptions(def),
      schemaDialect: this.schemaDialect,
      catalog: this.catalog,
      definition: (name) => this.defs.get(name),
    }));
  }

  /** The indexes a model declares (see SqlSchema.indexes). */
  protected indexes(def: ModelDefinition): DeclaredIndex[] {
    return this.schema.indexes(def);
  }

  /** A key column of an index, as the dialect needs it written. */
  protected indexColumn(def: ModelDefinition, property: string): string {
    return this.col(def, property);
  }

  /** What follows CREATE TABLE's column list ('' by default). */
  protected tableOptions(_def: ModelDefinition): string {
    return '';
  }

  /** information_schema in the shapes of LB3's discovery (catalog.ts). */
  abstract readonly catalog: Catalog;

  /** How autoupdate reads and changes this store's tables (sql-schema.ts). */
  protected abstract readonly schemaDialect: SchemaDialect;

  /** The names of the table's indexes. */
  protected abstract existingIndexes(def: ModelDefinition): Promise<Set<string>>;

  automigrate(defs: ModelDefinition[]): Promise<void> {
    return this.schema.automigrate(defs);
  }

  autoupdate(defs: ModelDefinition[]): Promise<void> {
    return this.schema.autoupdate(defs);
  }

  isActual(defs: ModelDefinition[]): Promise<boolean> {
    return this.schema.isActual(defs);
  }
}

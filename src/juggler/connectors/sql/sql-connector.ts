import { randomUUID } from 'crypto';
import type Bluebird from 'bluebird';
import { DuplicateIdError, LooplineError } from '../../../errors';
import { splitCallback, withCallback } from '../../../util/callback';
import { debugFor } from '../../../util/debug';
import type { NormalizedFilter, WhereClause } from '../../filter/types';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { StoreChangeFeed } from '../change-feed';
import type { Connector, ConnectorCapabilities, OperationOptions, Row, UpsertResult } from '../connector';
import type { Catalog, CatalogQuery } from './catalog';
import { DeclaredModels, matches } from './error-table';
import type { DeclaredIndex, SchemaDialect } from './schema-dialect';
import { SelectStatements } from './select-statements';
import { StatementRunner } from './statement-runner';
import type { SqlDialect, SqlDriver, SqlStatementHost } from './sql-dialect';
import { SqlSchema } from './sql-schema';
import { isolationLevelOf, QueryResult, SqlTransaction } from './sql-transaction';
import { SqlBuilder } from './sql-where';
import { SqlSyntax, standardSyntax } from './syntax';
import { boundValue, RowReader, RowRecord } from './values';
import { WriteStatements, writtenProperties } from './write-statements';

export { isolationLevelOf } from './sql-transaction';
export type { SqlRunner, SqlTransaction, TransactionConnection } from './sql-transaction';

/**
 * The SQL stores' one connector, built from a SqlDialect (sql-dialect.ts): the dialect says how
 * statements are written, how its connections are made, which errors mean what, and how its
 * schema and catalog are read; everything else — statements, row mapping, transactions, schema
 * changes, the Connector contract — is here, once, for every SQL store.
 */
export class SqlConnector implements Connector, SqlStatementHost {
  readonly name: string;
  /** How statements are written: the dialect's syntax, completed from standard SQL. */
  readonly syntax: SqlSyntax;
  readonly capabilities: ConnectorCapabilities = Object.freeze({
    defaultIdType: 'Number' as const,
    regexp: true,
    geo: false,
    transactions: true,
    freeformProperties: false,
  });
  private readonly defs = new Map<string, ModelDefinition>();
  private readonly debug;
  private readonly driver: SqlDriver;
  /** How autoupdate reads and changes this store's tables (the dialect's schema rules). */
  readonly schemaDialect: SchemaDialect;
  /** information_schema in the shapes of LB3's discovery (catalog.ts). */
  readonly catalog: Catalog;
  private readonly schema: SqlSchema;
  private readonly reads: SelectStatements;
  /** INSERT and UPDATE-by-id texts, kept by the set of properties written. */
  private readonly writes: WriteStatements;
  private readonly rows: RowReader;
  private readonly statements: StatementRunner;

  constructor(
    readonly dialect: SqlDialect,
    readonly settings: Readonly<Record<string, unknown>>,
  ) {
    this.name = dialect.name;
    this.syntax = standardSyntax(dialect.name, dialect.syntax);
    this.debug = debugFor(`connector:${dialect.name}`);
    this.driver = dialect.createDriver({ debug: this.debug });
    this.statements = new StatementRunner(this, dialect, this.driver, this.debug);
    // Through `this.run`, so the catalog's and schema's statements are logged and mapped as any other.
    const query: CatalogQuery = (sql, params) => this.run(sql, params);
    this.schemaDialect = dialect.createSchema(query);
    this.catalog = dialect.createCatalog(query);
    this.schema = new SqlSchema({
      name: dialect.name,
      syntax: this.syntax,
      rules: this.schemaDialect,
      catalog: this.catalog,
      run: (sql, params) => this.run(sql, params),
      define: (def) => this.define(def),
      table: (def) => this.table(def),
      col: (def, property) => this.col(def, property),
      definition: (name) => this.defs.get(name),
    });
    this.reads = new SelectStatements(this);
    this.writes = new WriteStatements(this);
    this.rows = new RowReader((def, property) => this.syntax.columnName(def, property));
  }

  define(def: ModelDefinition): void {
    this.defs.set(def.name, def);
  }

  // ---- connections and transactions -------------------------------------------------------

  async connect(): Promise<void> {
    try {
      await this.driver.connect();
    } catch (err) {
      throw this.statements.unavailable(err);
    }
  }

  async disconnect(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    if (feed) await feed.close().catch(() => undefined);
    await this.driver.close();
  }

  async beginTransaction(
    options: { isolationLevel?: string; timeout?: number } = {},
  ): Promise<SqlTransaction> {
    return this.statements.checkout(isolationLevelOf(options), options.timeout);
  }

  async onOwnConnection<T>(
    options: OperationOptions,
    fn: (conn: SqlTransaction, options: OperationOptions, inCallerTransaction: boolean) => Promise<T>,
  ): Promise<T> {
    const given = options.transaction as SqlTransaction | undefined;
    if (given && given.connector === this) return fn(given, options, true);
    const own = await this.statements.checkout(undefined, undefined);
    try {
      return await fn(own, { ...options, transaction: own }, false);
    } finally {
      await own.commit().catch(() => undefined);
    }
  }

  // ---- statements -------------------------------------------------------------------------

  /** Runs a statement on the transaction given in options, or on the pool (statement-runner.ts). */
  run(sql: string, params: unknown[], options?: OperationOptions, arrays?: boolean): Promise<QueryResult> {
    return this.statements.run(sql, params, options, arrays);
  }

  // ---- names and values -------------------------------------------------------------------

  table(def: ModelDefinition): string {
    const schema = this.syntax.schemaName(def);
    const table = this.syntax.quote(this.syntax.tableName(def));
    return schema ? `${this.syntax.quote(schema)}.${table}` : table;
  }

  col(def: ModelDefinition, property: string): string {
    return this.syntax.quote(this.syntax.columnName(def, property));
  }

  private idName(def: ModelDefinition): string {
    if (!def.idName) throw new LooplineError('MODEL_WITHOUT_ID', `${def.name} has no id property`);
    return def.idName;
  }

  toDb(prop: PropertyDefinition, value: unknown): unknown {
    return boundValue(this.name, prop, value, this.syntax.booleansAsIntegers === true);
  }

  rowFromDb(def: ModelDefinition, record: Row, fields?: readonly string[]): Row {
    return this.rows.row(def, record, fields);
  }

  builder(def: ModelDefinition): SqlBuilder {
    return new SqlBuilder(this, def);
  }

  insertColumns(def: ModelDefinition, row: Row, b: SqlBuilder): { cols: string[]; vals: string[] } {
    const names = def.propertyNames.filter((n) => row[n] !== undefined);
    return {
      cols: names.map((n) => this.col(def, n)),
      vals: names.map((n) => b.param(this.toDb(def.properties[n], row[n]))),
    };
  }

  /** `col = ?` for each property of `data` the model defines (the id too unless `withId` is false), bound on `b`. */
  private assignments(def: ModelDefinition, data: Row, b: SqlBuilder, names: string[]): string[] {
    return names.map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], data[n]))}`);
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
    const written = writtenProperties(def, row);
    const params = written.names.map((n) => this.toDb(def.properties[n], row[n]));
    try {
      return await this.insert(def, this.writes.insert(def, written), params, row, options);
    } catch (err) {
      throw this.duplicate(def, err, row);
    }
  }

  /** INSERT, and the id the row got: by RETURNING, or the driver's insert id where the store has no RETURNING of ours. */
  private async insert(
    def: ModelDefinition,
    sql: string,
    params: unknown[],
    row: Row,
    options: OperationOptions,
  ): Promise<unknown> {
    const idName = def.idName;
    if (this.syntax.insertReturnsId) {
      const { rows } = await this.run(sql, params, options);
      return rows[0]?.id;
    }
    const { insertId } = await this.run(sql, params, options);
    if (idName && row[idName] !== undefined && row[idName] !== null) return row[idName];
    return insertId;
  }

  /** The models this connector knows and the indexes they declare (a duplicate key's reading). */
  private readonly declared: DeclaredModels = {
    definitions: () => this.defs.values(),
    indexes: (def) => this.indexes(def),
  };

  duplicate(def: ModelDefinition, err: unknown, row: Row): unknown {
    const errors = this.dialect.errors;
    if (!matches(errors.duplicateKey, err)) return err;
    const key = errors.duplicateKeyName?.(err, this.declared);
    const property =
      (key && this.indexes(def).find((i) => i.unique && i.name === key)?.properties[0]) || def.idName || 'id';
    return new DuplicateIdError(def.name, property, row[property]);
  }

  upsert(
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult> {
    return this.dialect.statements.upsert(this, def, insertRow, updateRow, options);
  }

  /** Inserts the row, or replaces the row with its id whole: every property absent is written NULL. */
  async replaceOrCreate(def: ModelDefinition, row: Row, options: OperationOptions): Promise<UpsertResult> {
    const full: Row = {};
    for (const n of def.propertyNames) full[n] = row[n] ?? null;
    return this.upsert(def, full, full, options);
  }

  exclusive<T>(
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    return this.dialect.statements.exclusive(this, def, key, options, fn);
  }

  async find(def: ModelDefinition, filter: NormalizedFilter, options: OperationOptions): Promise<Row[]> {
    const { sql, params } = this.reads.find(def, filter);
    // Rows as arrays where the driver can: the compiled reader takes them by select-list position.
    const result = await this.run(sql, params, options, true);
    const read = this.rows.reader(def, filter.fields, result.arrays === true);
    const rows = result.rows as RowRecord[];
    // A find by id runs unlimited (select-statements.ts): a table whose id is not its key may answer more.
    const n = filter.limit !== undefined && filter.limit < rows.length ? filter.limit : rows.length;
    const out: Row[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = read(rows[i]);
    return out;
  }

  async findById(def: ModelDefinition, id: unknown, options: OperationOptions): Promise<Row | null> {
    if (id === undefined || id === null) return null;
    this.idName(def);
    const result = await this.run(this.reads.byId(def), [id], options, true);
    return result.rows.length
      ? this.rows.reader(def, undefined, result.arrays === true)(result.rows[0] as RowRecord)
      : null;
  }

  async count(
    def: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number> {
    const { sql, params } = this.reads.count(def, where);
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
    const b = this.builder(def);
    const sets = this.assignments(def, data, b, names);
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
    const b = this.builder(def);
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
    const written = writtenProperties(def, data, idName, true);
    if (!written.names.length) return this.findById(def, id, options);
    const params = written.names.map((n) => this.toDb(def.properties[n], data[n]));
    params.push(id);
    try {
      return await this.updateReturning(def, this.writes.updateById(def, written), params, id, options);
    } catch (err) {
      throw this.duplicate(def, err, data);
    }
  }

  /** Runs an UPDATE of one row and answers the row afterwards (null when there was none). */
  private async updateReturning(
    def: ModelDefinition,
    sql: string,
    params: unknown[],
    id: unknown,
    options: OperationOptions,
  ): Promise<Row | null> {
    if (this.syntax.updateReturning) {
      // One round trip: the updated row comes back with RETURNING (every column, as a SELECT of
      // every property lists them), read by position where the driver gives arrays.
      const result = await this.run(sql, params, options, true);
      return result.rows.length
        ? this.rows.reader(def, undefined, result.arrays === true)(result.rows[0] as RowRecord)
        : null;
    }
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
    const b = this.builder(def);
    const sets = this.assignments(def, full, b, Object.keys(full));
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

  /** The indexes a model declares (declared-keys.ts). */
  indexes(def: ModelDefinition): DeclaredIndex[] {
    return this.schema.keys.indexes(def);
  }

  /** The names of the table's indexes, as the store has them. */
  async existingIndexes(def: ModelDefinition): Promise<Set<string>> {
    const present = await this.schemaDialect.indexes(this.syntax.schemaName(def), this.syntax.tableName(def));
    return new Set(present.map((index) => index.name));
  }

  // Statements prepared before a migration may carry the old column types: prepared anew after.
  async automigrate(defs: ModelDefinition[]): Promise<void> {
    try {
      await this.schema.automigrate(defs);
    } finally {
      this.driver.schemaChanged?.();
    }
  }

  async autoupdate(defs: ModelDefinition[]): Promise<void> {
    try {
      await this.schema.autoupdate(defs);
    } finally {
      this.driver.schemaChanged?.();
    }
  }

  isActual(defs: ModelDefinition[]): Promise<boolean> {
    return this.schema.isActual(defs);
  }

  // ---- change feed (change-feed.ts) ---------------------------------------------------------

  private feed: StoreChangeFeed | undefined;

  /** The store's change feed; the data source setting `changeFeed`: true for every model's writes, false for none. */
  changeFeed(): StoreChangeFeed | undefined {
    if (this.settings.changeFeed === false || !this.dialect.createChangeFeed) return undefined;
    return (this.feed ??= this.dialect.createChangeFeed({
      run: (sql, params, options) => this.run(sql, params, options),
      debug: this.debug,
      everyModel: this.settings.changeFeed === true,
    }));
  }
}

import { randomUUID } from 'crypto';
import { DuplicateIdError, LooplineError, StoreUnavailableError } from '../../../errors';
import { debugFor } from '../../../util/debug';
import type { NormalizedFilter, WhereClause } from '../../filter/types';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { Connector, ConnectorCapabilities, OperationOptions, Row } from '../connector';
import { Dialect, isJsonProperty } from './dialect';
import { SqlBuilder } from './sql-where';

/** A query runner: a pool, or the client of a transaction. */
export interface SqlRunner {
  query(sql: string, params: unknown[]): Promise<{ rows: Row[]; affected: number; insertId?: unknown }>;
}

/** A transaction handle, passed as `{transaction: tx}` in a DAO call's options. */
export interface SqlTransaction extends SqlRunner {
  readonly connector: SqlConnector;
  commit(cb?: (err?: Error | null) => void): Promise<void>;
  rollback(cb?: (err?: Error | null) => void): Promise<void>;
  readonly finished: boolean;
}

/**
 * The SQL connectors' shared implementation of the Connector contract. A dialect subclass
 * supplies the pool (`runner`), transactions and the error classification; everything else —
 * statements, row mapping, schema — is here, once.
 */
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
  abstract beginTransaction(options?: { isolationLevel?: string; timeout?: number }): Promise<SqlTransaction>;

  define(def: ModelDefinition): void {
    this.defs.set(def.name, def);
  }

  /** Runs a statement on the transaction given in options, or on the pool; store faults become 503. */
  async run(sql: string, params: unknown[], options?: OperationOptions): Promise<{ rows: Row[]; affected: number; insertId?: unknown }> {
    const tx = options?.transaction as SqlTransaction | undefined;
    const runner: SqlRunner = tx && tx.connector === this ? tx : this.pool;
    if (tx && tx.connector === this && tx.finished) throw new LooplineError('TRANSACTION_FINISHED', 400, 'The transaction is already committed or rolled back');
    this.debug('%s %j', sql, params);
    try {
      return await runner.query(sql, params);
    } catch (err) {
      if (this.isConnectionError(err)) throw new StoreUnavailableError(`The ${this.dialect.name} store cannot be reached (${(err as Error).message}); retry later`);
      throw err;
    }
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
    if (!def.idName) throw new LooplineError('MODEL_WITHOUT_ID', 500, `${def.name} has no id property`);
    return def.idName;
  }

  // ---- values ------------------------------------------------------------------------------

  protected toDb(prop: PropertyDefinition, value: unknown): unknown {
    if (value === undefined || value === null) return null;
    if (isJsonProperty(prop)) return JSON.stringify(value);
    return value;
  }

  protected fromDb(prop: PropertyDefinition, value: unknown): unknown {
    // A NULL column is a null property, as LB3's SQL connectors return it.
    if (value === null || value === undefined) return null;
    switch (prop.type.name) {
      case 'Boolean':
        return typeof value === 'boolean' ? value : value === 1 || value === '1' || value === 'true';
      case 'Number':
        return typeof value === 'number' ? value : Number(value);
      case 'Date':
        return value instanceof Date ? value : new Date(value as string);
      case 'String':
        return typeof value === 'string' ? value : String(value);
      default:
        if (isJsonProperty(prop) && typeof value === 'string') {
          try {
            return JSON.parse(value);
          } catch {
            return value;
          }
        }
        return value;
    }
  }

  protected rowFromDb(def: ModelDefinition, record: Row, fields?: readonly string[]): Row {
    const out: Row = {};
    for (const name of fields ?? def.propertyNames) {
      const prop = def.properties[name];
      if (!prop) continue;
      const v = this.fromDb(prop, record[this.dialect.columnName(def, name)]);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }

  // ---- the Connector contract -------------------------------------------------------------

  async create(def: ModelDefinition, data: Row, options: OperationOptions): Promise<unknown> {
    const idName = def.idName;
    const row = { ...data };
    if (idName && (row[idName] === undefined || row[idName] === null) && def.properties[idName]?.type.name === 'String') row[idName] = randomUUID();
    const names = def.propertyNames.filter((n) => row[n] !== undefined);
    const b = new SqlBuilder(this.dialect, def);
    const cols = names.map((n) => this.col(def, n));
    const vals = names.map((n) => b.param(this.toDb(def.properties[n], row[n])));
    try {
      return await this.insert(def, cols, vals, b.params, idName, row, options);
    } catch (err) {
      if (this.isDuplicateKey(err)) throw new DuplicateIdError(def.name, idName ?? 'id', idName ? row[idName] : undefined);
      throw err;
    }
  }

  /** INSERT and the id the row got (RETURNING on PostgreSQL, insertId on MySQL). */
  protected abstract insert(def: ModelDefinition, cols: string[], vals: string[], params: unknown[], idName: string | undefined, row: Row, options: OperationOptions): Promise<unknown>;

  private selectList(def: ModelDefinition, fields: readonly string[] | undefined): string {
    const names = fields ?? def.propertyNames;
    return names.filter((n) => def.properties[n]).map((n) => this.col(def, n)).join(', ') || '*';
  }

  async find(def: ModelDefinition, filter: NormalizedFilter, options: OperationOptions): Promise<Row[]> {
    const b = new SqlBuilder(this.dialect, def);
    let sql = `SELECT ${this.selectList(def, filter.fields)} FROM ${this.table(def)}${b.where(filter.where)}`;
    const order = filter.order ?? (def.idName ? [{ property: def.idName, direction: 'ASC' as const }] : undefined);
    sql += b.orderBy(order);
    sql += this.limitClause(b, filter.limit, filter.skip);
    const { rows } = await this.run(sql, b.params, options);
    return rows.map((r) => this.rowFromDb(def, r, filter.fields));
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
    const b = new SqlBuilder(this.dialect, def);
    const idName = this.idName(def);
    const sql = `SELECT ${this.selectList(def, undefined)} FROM ${this.table(def)} WHERE ${this.col(def, idName)} = ${b.param(id)}`;
    const { rows } = await this.run(sql, b.params, options);
    return rows.length ? this.rowFromDb(def, rows[0]) : null;
  }

  async count(def: ModelDefinition, where: WhereClause | undefined, options: OperationOptions): Promise<number> {
    const b = new SqlBuilder(this.dialect, def);
    const { rows } = await this.run(`SELECT COUNT(*) AS cnt FROM ${this.table(def)}${b.where(where)}`, b.params, options);
    return Number(rows[0]?.cnt ?? 0);
  }

  async updateAll(def: ModelDefinition, where: WhereClause | undefined, data: Row, options: OperationOptions): Promise<number> {
    const names = Object.keys(data).filter((n) => def.properties[n] && n !== def.idName);
    if (!names.length) return this.count(def, where, options);
    const b = new SqlBuilder(this.dialect, def);
    const sets = names.map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], data[n]))}`);
    const { affected } = await this.run(`UPDATE ${this.table(def)} SET ${sets.join(', ')}${b.where(where)}`, b.params, options);
    return affected;
  }

  async destroyAll(def: ModelDefinition, where: WhereClause | undefined, options: OperationOptions): Promise<number> {
    const b = new SqlBuilder(this.dialect, def);
    const { affected } = await this.run(`DELETE FROM ${this.table(def)}${b.where(where)}`, b.params, options);
    return affected;
  }

  async patchById(def: ModelDefinition, id: unknown, data: Row, options: OperationOptions): Promise<Row | null> {
    const idName = this.idName(def);
    const count = await this.updateAll(def, { [idName]: id }, data, options);
    if (!count && !(await this.findById(def, id, options))) return null;
    return this.findById(def, id, options);
  }

  async replaceById(def: ModelDefinition, id: unknown, data: Row, options: OperationOptions): Promise<Row | null> {
    const idName = this.idName(def);
    // Every column is written: properties absent from the data become NULL.
    const full: Row = {};
    for (const n of def.propertyNames) if (n !== idName) full[n] = data[n] ?? null;
    const b = new SqlBuilder(this.dialect, def);
    const sets = Object.keys(full).map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], full[n]))}`);
    if (!sets.length) return this.findById(def, id, options);
    const { affected } = await this.run(`UPDATE ${this.table(def)} SET ${sets.join(', ')} WHERE ${this.col(def, idName)} = ${b.param(id)}`, b.params, options);
    if (!affected && !(await this.findById(def, id, options))) return null;
    return this.findById(def, id, options);
  }

  async ping(): Promise<void> {
    await this.run('SELECT 1', []);
  }

  // ---- schema --------------------------------------------------------------------------------

  protected columnDefinitions(def: ModelDefinition): string[] {
    return def.propertyNames.map((n) => {
      const prop = def.properties[n];
      const generatedId = n === def.idName && prop.generated;
      let sql = `${this.col(def, n)} ${this.dialect.columnType(prop, generatedId)}`;
      if (n === def.idName && !generatedId) sql += ' NOT NULL';
      return sql;
    });
  }

  protected createTableSql(def: ModelDefinition): string {
    const cols = this.columnDefinitions(def);
    if (def.idName) cols.push(`PRIMARY KEY (${def.idNames.map((n) => this.col(def, n)).join(', ')})`);
    return `CREATE TABLE ${this.table(def)} (\n  ${cols.join(',\n  ')}\n)`;
  }

  /** Index statements for properties declaring `index` (unique or not). */
  protected indexSql(def: ModelDefinition): string[] {
    const out: string[] = [];
    for (const n of def.propertyNames) {
      const index = def.properties[n].index;
      if (!index || n === def.idName) continue;
      const unique = typeof index === 'object' && (index as any).unique === true;
      const name = this.dialect.quote(`${this.dialect.tableName(def)}_${this.dialect.columnName(def, n)}_idx`.slice(0, 60));
      out.push(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${this.table(def)} (${this.indexColumn(def, n)})`);
    }
    return out;
  }

  protected indexColumn(def: ModelDefinition, property: string): string {
    return this.col(def, property);
  }

  async automigrate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) {
      this.define(def);
      await this.run(`DROP TABLE IF EXISTS ${this.table(def)}`, []);
      await this.run(this.createTableSql(def), []);
      for (const sql of this.indexSql(def)) await this.run(sql, []);
    }
  }

  /** The table's current column names (lower-case compared), or undefined when it does not exist. */
  protected abstract existingColumns(def: ModelDefinition): Promise<Set<string> | undefined>;

  async autoupdate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) {
      this.define(def);
      const existing = await this.existingColumns(def);
      if (!existing) {
        await this.run(this.createTableSql(def), []);
        for (const sql of this.indexSql(def)) await this.run(sql, []);
        continue;
      }
      for (const n of def.propertyNames) {
        if (existing.has(this.dialect.columnName(def, n).toLowerCase())) continue;
        await this.run(`ALTER TABLE ${this.table(def)} ADD COLUMN ${this.col(def, n)} ${this.dialect.columnType(def.properties[n], false)}`, []);
      }
    }
  }

  async isActual(defs: ModelDefinition[]): Promise<boolean> {
    for (const def of defs) {
      const existing = await this.existingColumns(def);
      if (!existing) return false;
      if (def.propertyNames.some((n) => !existing.has(this.dialect.columnName(def, n).toLowerCase()))) return false;
    }
    return true;
  }
}

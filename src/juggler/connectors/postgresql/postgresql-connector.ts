import { Pool, PoolClient, PoolConfig } from 'pg';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import {
  columnSize,
  connectorSettings,
  declaredDataType,
  Dialect,
  isJsonProperty,
  sizedType,
} from '../sql/dialect';
import { isolationLevelOf, SqlConnector, SqlRunner, SqlTransaction } from '../sql/sql-connector';
import { SqlBuilder } from '../sql/sql-where';
import { PostgreSQLSchemaDialect } from './postgresql-schema';
import { PostgreSQLCatalog } from './postgresql-discovery';
import { STALE_STATEMENT_CODES, StatementNames } from './statement-names';
import { PostgreSQLChangeFeed } from './postgresql-change-feed';

/**
 * PostgreSQL on `pg`. Names follow loopback-connector-postgresql: a model's table and its
 * columns are the lower-cased names unless `postgresql: {schema, table}` on the model or
 * `postgresql: {columnName, dataType}` on a property say otherwise; the schema is `public`.
 */
const dialect: Dialect = {
  name: 'postgresql',
  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  placeholder: (n) => `$${n}`,
  ilike: (col, p, negate) => `${col} ${negate ? 'NOT ILIKE' : 'ILIKE'} ${p}`,
  regexp: (col, p, insensitive) => ({ sql: `${col} ${insensitive ? '~*' : '~'} ${p}`, pattern: (s) => s }),
  // Spencer's hybrid DFA/NFA engine: the nested-quantifier and overlapping-alternation shapes ran
  // in under 15 ms on 300 characters (PostgreSQL 15), and back-references are refused before.
  regexpBacktracks: false,
  jsonText: (col, pathParam) => `(${col} #>> ${pathParam}::text[])`,
  jsonPathValue: (segments) => segments,
  jsonNumber: (col, pathParam) =>
    `(CASE WHEN jsonb_typeof(${col} #> ${pathParam()}::text[]) = 'number' THEN (${col} #>> ${pathParam()}::text[])::double precision END)`,
  jsonEquals: (col, p) => `${col} = ${p}::jsonb`,
  jsonContains: (col, p) => `${col} @> ${p}::jsonb`,
  jsonString: (col, pathParam) =>
    `(CASE WHEN jsonb_typeof(${col} #> ${pathParam()}::text[]) = 'string' THEN ${col} #>> ${pathParam()}::text[] END)`,
  nullsOrder: (desc) => (desc ? ' NULLS LAST' : ' NULLS FIRST'),
  // NULLS NOT DISTINCT: PostgreSQL 15 and later.
  uniqueRuleClauses: (column, rule) =>
    `${rule.scoped || rule.allowNull ? ' NULLS NOT DISTINCT' : ''}${rule.allowNull ? '' : ` WHERE ${column} IS NOT NULL${rule.text ? ` AND ${column} <> ''` : ''}`}`,
  fractionParam: (placeholder) => `${placeholder}::numeric`,
  columnType(prop: PropertyDefinition, generatedId: boolean): string {
    const own = declaredDataType(prop, 'postgresql');
    const size = columnSize(prop, 'postgresql');
    if (typeof own === 'string') return sizedType(own, size);
    if (generatedId) return prop.kind.name === 'String' ? 'TEXT' : 'SERIAL';
    if (isJsonProperty(prop)) return 'JSONB';
    switch (prop.kind.name) {
      case 'String':
        return size.length ? `VARCHAR(${size.length})` : 'TEXT';
      case 'Number':
        if (prop.kind.integer) return 'INTEGER';
        if (size.precision) return sizedType('NUMERIC', size);
        return prop.id ? 'INTEGER' : 'DOUBLE PRECISION';
      case 'Boolean':
        return 'BOOLEAN';
      case 'Date':
        return 'TIMESTAMPTZ';
      case 'Buffer':
        return 'BYTEA';
      default:
        return 'TEXT';
    }
  },
  tableName: (def) => String(connectorSettings(def.settings, 'postgresql').table ?? def.name.toLowerCase()),
  schemaName: (def) => String(connectorSettings(def.settings, 'postgresql').schema ?? 'public'),
  columnName: (def, property) =>
    String(
      connectorSettings(def.properties[property]?.raw, 'postgresql').columnName ?? property.toLowerCase(),
    ),
};

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

function runnerOf(client: Pool | PoolClient, names: StatementNames): SqlRunner {
  return {
    async query(sql, params) {
      const name = names.nameFor(sql);
      let result;
      try {
        result = name
          ? await client.query({ name, text: sql, values: params as unknown[] })
          : await client.query(sql, params as unknown[]);
      } catch (err) {
        if (!name || !STALE_STATEMENT_CODES.has((err as { code?: string })?.code ?? '')) throw err;
        // Prepared before the table changed: prepare anew under fresh names.
        names.retire();
        result = await client.query(sql, params as unknown[]);
      }
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
    },
  };
}

export class PostgreSQLConnector extends SqlConnector {
  readonly name = 'postgresql';
  private poolInstance: Pool | undefined;

  constructor(settings: Record<string, unknown>) {
    super(dialect, settings);
  }

  private config(): PoolConfig {
    const s = this.settings;
    const url = (s.url ?? s.connectionString) as string | undefined;
    return {
      ...(url ? { connectionString: url } : {}),
      host: s.host as string | undefined,
      port: s.port !== undefined ? Number(s.port) : undefined,
      user: (s.user ?? s.username) as string | undefined,
      password: s.password as string | undefined,
      database: (s.database ?? s.db) as string | undefined,
      ssl: s.ssl as PoolConfig['ssl'],
      max: s.max !== undefined ? Number(s.max) : 10,
      connectionTimeoutMillis: s.connectionTimeout !== undefined ? Number(s.connectionTimeout) : 5000,
      idleTimeoutMillis: 30000,
      // A statement unanswered for this long fails (503) and its client is discarded by the pool.
      query_timeout:
        s.queryTimeout === 0 || s.queryTimeout === false
          ? undefined
          : s.queryTimeout !== undefined
            ? Number(s.queryTimeout)
            : 10000,
    };
  }

  private readonly statements = new StatementNames();
  /** information_schema as LB3's discovery reads it (postgresql-discovery.ts). */
  protected readonly schemaDialect = new PostgreSQLSchemaDialect((sql, params) => this.run(sql, params));
  readonly catalog = new PostgreSQLCatalog((sql, params) => this.run(sql, params));

  // Statements prepared before a migration may carry the old column types: prepare anew after.
  override async automigrate(defs: ModelDefinition[]): Promise<void> {
    try {
      await super.automigrate(defs);
    } finally {
      this.statements.retire();
    }
  }

  override async autoupdate(defs: ModelDefinition[]): Promise<void> {
    try {
      await super.autoupdate(defs);
    } finally {
      this.statements.retire();
    }
  }
  private poolRunner: SqlRunner | undefined;

  protected get pool(): SqlRunner {
    return (this.poolRunner ??= runnerOf(this.ensurePool(), this.statements));
  }

  private ensurePool(): Pool {
    if (!this.poolInstance) {
      this.poolInstance = new Pool(this.config());
      // An idle client that loses its server must not crash the process; the next query reconnects.
      this.poolInstance.on('error', (err) => this.debug('idle client error: %s', err.message));
    }
    return this.poolInstance;
  }

  async connect(): Promise<void> {
    try {
      const client = await this.ensurePool().connect();
      client.release();
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private feed: PostgreSQLChangeFeed | undefined;

  /** LISTEN/NOTIFY on `changeFeedChannel` (default loopline_changes); `changeFeed`: true for every model's writes, false for none (change-feed.ts). */
  changeFeed(): PostgreSQLChangeFeed | undefined {
    if (this.settings.changeFeed === false) return undefined;
    const channel =
      typeof this.settings.changeFeedChannel === 'string'
        ? this.settings.changeFeedChannel
        : 'loopline_changes';
    return (this.feed ??= new PostgreSQLChangeFeed(
      (sql, params, options) => this.run(sql, params, options),
      () => this.config(),
      channel,
      this.debug,
      this.settings.changeFeed === true,
    ));
  }

  async disconnect(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    if (feed && this.poolInstance) await feed.close().catch(() => undefined);
    const pool = this.poolInstance;
    this.poolInstance = undefined;
    this.poolRunner = undefined;
    if (pool) await pool.end();
  }

  protected isConnectionError(err: unknown): boolean {
    const e = err as { code?: string; message?: string };
    return (
      (!!e?.code && CONNECTION_CODES.has(e.code)) ||
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
        e?.message ?? '',
      )
    );
  }

  /** 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, no pg_hba entry); 3D000 invalid_catalog_name. */
  protected override refusal(err: unknown): 'credentials' | 'database' | undefined {
    const code = (err as { code?: string })?.code;
    return code === '28P01' || code === '28000' ? 'credentials' : code === '3D000' ? 'database' : undefined;
  }

  /** 22021: a NUL byte in text; 22P05: `\u0000` inside a JSON document. */
  protected override isUnsupportedCharacter(err: unknown): boolean {
    const code = (err as { code?: string })?.code;
    return code === '22021' || code === '22P05';
  }

  /** 2201B: invalid_regular_expression. */
  protected override isRegexpError(err: unknown): boolean {
    return (err as { code?: string })?.code === '2201B';
  }

  protected isDuplicateKey(err: unknown): boolean {
    return (err as { code?: string })?.code === '23505';
  }

  protected override isDeadlock(err: unknown): boolean {
    return (err as { code?: string })?.code === '40P01';
  }

  /** 23503: foreign_key_violation; its message says which side ("insert or update" writes the child). */
  protected override foreignKeyViolation(
    err: unknown,
  ): { kind: 'missing' | 'referenced'; constraint?: string } | undefined {
    const e = err as { code?: string; message?: string; constraint?: string };
    if (e?.code !== '23503') return undefined;
    return {
      kind: /^insert or update on table/.test(e.message ?? '') ? 'missing' : 'referenced',
      constraint: e.constraint,
    };
  }

  /** SQLSTATE class 22, data exception: bad text for a type, out of range, a NUL byte in text. */
  protected override isValueError(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return typeof code === 'string' && code.length === 5 && code.startsWith('22');
  }

  protected duplicateKeyName(err: unknown): string | undefined {
    return (err as { constraint?: string })?.constraint;
  }

  protected async insert(
    def: ModelDefinition,
    cols: string[],
    vals: string[],
    params: unknown[],
    idName: string | undefined,
    _row: Row,
    options: OperationOptions,
  ): Promise<unknown> {
    const returning = idName ? ` RETURNING ${this.col(def, idName)} AS id` : '';
    const sql = cols.length
      ? `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')})${returning}`
      : `INSERT INTO ${this.table(def)} DEFAULT VALUES${returning}`;
    const { rows } = await this.run(sql, params, options);
    return rows[0]?.id;
  }

  /**
   * One statement: INSERT … ON CONFLICT (id) DO UPDATE … RETURNING the row. `xmax` is 0 only on
   * a row version this statement inserted, which tells a created row from an updated one. A
   * conflict on another unique index is not caught by the ON CONFLICT and stays a 409.
   */
  async upsert(
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult> {
    const idName = def.idName!;
    const b = new SqlBuilder(this.dialect, def);
    const { cols, vals } = this.insertColumns(def, insertRow, b);
    const idCol = this.col(def, idName);
    const sets = Object.keys(updateRow)
      .filter((n) => n !== idName && def.properties[n] && updateRow[n] !== undefined)
      .map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], updateRow[n]))}`);
    // With nothing to change, the row is still locked and returned.
    if (!sets.length) sets.push(`${idCol} = EXCLUDED.${idCol}`);
    const returning = def.propertyNames.map((n) => this.col(def, n)).join(', ');
    const sql = `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')}) ON CONFLICT (${idCol}) DO UPDATE SET ${sets.join(', ')} RETURNING ${returning}, (xmax = 0) AS "loopline$created"`;
    let rows: Row[];
    try {
      ({ rows } = await this.run(sql, b.params, options));
    } catch (err) {
      throw this.duplicate(def, err, insertRow);
    }
    return { row: this.rowFromDb(def, rows[0]), created: rows[0]['loopline$created'] === true };
  }

  /**
   * An advisory lock on a hash of the key: every process on this database that asks for the same
   * key waits until the holder is done. In the caller's transaction it is held until that ends;
   * otherwise it is taken on a connection of its own, whose writes commit as they run, and
   * released once `fn` is done. A hash collision only makes two keys wait for each other.
   */
  async exclusive<T>(
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    const name = `${this.table(def)}:${key}`;
    return this.onOwnConnection(options, async (conn, inner, inCallerTransaction) => {
      if (inCallerTransaction) {
        await this.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name], inner);
      } else {
        await this.run('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name], inner);
        conn.atEnd((runner) => runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]));
      }
      return fn(inner);
    });
  }

  /** One round trip: the updated row comes back with RETURNING. */
  protected override async updateReturning(
    def: ModelDefinition,
    sql: string,
    params: unknown[],
    _id: unknown,
    options: OperationOptions,
  ): Promise<Row | null> {
    const columns = def.propertyNames.map((n) => this.col(def, n)).join(', ');
    const { rows } = await this.run(`${sql} RETURNING ${columns}`, params, options);
    return rows.length ? this.rowFromDb(def, rows[0]) : null;
  }

  protected async existingIndexes(def: ModelDefinition): Promise<Set<string>> {
    const { rows } = await this.run(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
      [dialect.schemaName(def), dialect.tableName(def)],
    );
    return new Set(rows.map((r) => String(r.indexname)));
  }

  async beginTransaction(
    options: { isolationLevel?: string; timeout?: number } = {},
  ): Promise<SqlTransaction> {
    return this.checkout(`BEGIN ISOLATION LEVEL ${isolationLevelOf(options)}`, options.timeout);
  }

  protected session(): Promise<SqlTransaction> {
    return this.checkout(undefined, undefined);
  }

  /** A client of its own from the pool, in a transaction when `begin` is given, else in autocommit mode. */
  private async checkout(begin: string | undefined, timeout: number | undefined): Promise<SqlTransaction> {
    let client: PoolClient;
    try {
      client = await this.ensurePool().connect();
    } catch (err) {
      throw this.unavailable(err);
    }
    // A checked-out client has no error listener of the pool's: one that loses its server while
    // the transaction waits must not crash the process; its next statement reports the loss.
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
      this.debug('transaction client error: %s', err.message);
    };
    client.on('error', onError);
    const release = (failed?: unknown) => {
      client.removeListener('error', onError);
      client.release(failed || lost ? ((failed ?? lost) as Error) : undefined);
    };
    try {
      if (begin) await client.query(begin);
    } catch (err) {
      release(err);
      throw this.unavailable(err);
    }
    return this.transaction(
      {
        runner: runnerOf(client, this.statements),
        finish: async (commit) => {
          if (begin) await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        },
        release,
      },
      timeout,
    );
  }
}

import { createHash } from 'crypto';
import { createPool, Pool, PoolConnection, PoolOptions, ResultSetHeader } from 'mysql2/promise';
import { MySQLChangeFeed } from './mysql-change-feed';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import { InvalidValueError, StoreUnavailableError } from '../../../errors';
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
import { MySQLSchemaDialect } from './mysql-schema';
import { MySQLCatalog } from './mysql-discovery';

/**
 * MySQL and MariaDB on `mysql2`. Names follow loopback-connector-mysql: the model and property
 * names as written, unless `mysql: {table}` / `mysql: {columnName, dataType}` say otherwise.
 * Dates travel in UTC; JSON columns are parsed on the way out (MariaDB stores JSON as text).
 * The dialect is made per connector: text read from JSON documents compares in the collation the
 * connector chose for its server (see BINARY_COLLATIONS).
 */
function makeDialect(collation: () => string): Dialect {
  return {
    name: 'mysql',
    quote: (id) => `\`${id.replace(/`/g, '``')}\``,
    placeholder: () => '?',
    ilike: (col, p, negate) => `LOWER(${col}) ${negate ? 'NOT LIKE' : 'LIKE'} LOWER(${p})`,
    // PCRE inline flags make case sensitivity explicit whatever the column's collation says.
    regexp: (col, p, insensitive) => ({
      sql: `${col} REGEXP ${p}`,
      pattern: (s) => (insensitive ? '(?i)' : '(?-i)') + s,
    }),
    // PCRE2 backtracks: `(a|\x61)+$` on 300 characters ran 0.3 s per row before its match limit
    // stopped it, and then the row silently did not match (measured on MariaDB 10.11).
    regexpBacktracks: true,
    jsonText: (col, pathParam) => `(JSON_UNQUOTE(JSON_EXTRACT(${col}, ${pathParam})) COLLATE ${collation()})`,
    jsonPathValue: (segments) => '$' + segments.map((s) => `."${s.replace(/["\\]/g, '\\$&')}"`).join(''),
    jsonNumber: (col, pathParam) =>
      `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${col}, ${pathParam()})) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN JSON_EXTRACT(${col}, ${pathParam()}) + 0 END)`,
    jsonString: (col, pathParam) =>
      `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${col}, ${pathParam()})) = 'STRING' THEN JSON_UNQUOTE(JSON_EXTRACT(${col}, ${pathParam()})) END COLLATE ${collation()})`,
    // JSON_EXTRACT(…, '$') reads both sides as documents (MariaDB keeps JSON as text).
    jsonEquals: (col, p) => `JSON_EXTRACT(${col}, '$') = JSON_EXTRACT(${p}, '$')`,
    jsonContains: (col, p) => `JSON_CONTAINS(${col}, ${p})`,
    // NULL already sorts first ascending and last descending.
    nullsOrder: () => '',
    // No partial indexes and no NULLS NOT DISTINCT: a plain unique index (NULLs distinct).
    uniqueRuleClauses: () => '',
    columnType(prop: PropertyDefinition, generatedId: boolean): string {
      const own = declaredDataType(prop, 'mysql');
      const size = columnSize(prop, 'mysql');
      if (typeof own === 'string') return sizedType(own, size);
      if (generatedId) return prop.kind.name === 'String' ? 'VARCHAR(64)' : 'INT NOT NULL AUTO_INCREMENT';
      if (prop.id) return prop.kind.name === 'Number' ? 'INT' : `VARCHAR(${size.length ?? 255})`;
      if (isJsonProperty(prop)) return 'JSON';
      switch (prop.kind.name) {
        case 'String':
          return size.length ? `VARCHAR(${size.length})` : prop.index ? 'VARCHAR(255)' : 'TEXT';
        case 'Number':
          if (prop.kind.integer) return 'INT';
          if (size.precision) return sizedType('DECIMAL', size);
          return 'DOUBLE';
        case 'Boolean':
          return 'TINYINT(1)';
        case 'Date':
          return 'DATETIME(3)';
        case 'Buffer':
          return 'LONGBLOB';
        default:
          return 'TEXT';
      }
    },
    tableName: (def) => String(connectorSettings(def.settings, 'mysql').table ?? def.name),
    schemaName: (def) => {
      const own = connectorSettings(def.settings, 'mysql');
      return (own.schema ?? own.database) as string | undefined;
    },
    columnName: (def, property) =>
      String(connectorSettings(def.properties[property]?.raw, 'mysql').columnName ?? property),
  };
}

/**
 * Tables are created with a binary, no-pad collation, so `=`, LIKE, ORDER BY and uniqueness
 * compare strings exactly as the memory store and PostgreSQL do (case-sensitive, trailing spaces
 * significant, code-point order). The first of these the server has is used; a `collation`
 * setting on the data source or `mysql: {collation}` on a model wins.
 */
const BINARY_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'utf8mb4_bin'];

/** mysql2's error when a statement got no answer within its `timeout`. */
const QUERY_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';

const CONNECTION_CODES = new Set([
  QUERY_TIMEOUT,
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/**
 * Statements that run as server-side prepared statements (mysql2 keeps them per connection): the
 * values travel apart from the text, and a repeated statement skips the server's parse.
 */
const PREPARABLE = /^(SELECT|INSERT|UPDATE|DELETE)\s/i;

/** The callback API under a promise connection (see runnerOf). */
interface CoreConnection {
  query(sql: string, values: unknown[], cb: (err: Error | null, result: unknown) => void): unknown;
  execute(sql: string, values: unknown[], cb: (err: Error | null, result: unknown) => void): unknown;
  release(): void;
  destroy(): void;
}

interface CorePool {
  getConnection(cb: (err: Error | null, conn: CoreConnection) => void): void;
}

/** A connection that failed fatally (lost, closed) must not go back to the pool. */
function unusable(err: Error | null): boolean {
  return (err as { fatal?: boolean } | null)?.fatal === true;
}

function timedOut(ms: number): Error {
  return Object.assign(new Error(`Query inactivity timeout: no answer within ${ms} ms`), {
    code: QUERY_TIMEOUT,
  });
}

/**
 * Runs statements through mysql2's callback API: its promise wrapper captures a stack trace per
 * query (a measurable share of a request), which our own errors do not need.
 *
 * `timeout` bounds the whole statement — waiting for a pooled connection, preparing, executing —
 * which mysql2's own per-query timeout does not (it starts after the prepare). A statement that
 * runs out of time fails, and its connection is destroyed: the server (or the wire) may still owe
 * the answer, and a pooled connection waiting for it would stall every later statement given to it.
 */
function runnerOf(conn: Pool | PoolConnection, timeout: number | undefined): SqlRunner {
  const send = (
    core: CoreConnection,
    sql: string,
    params: unknown[],
    done: (err: Error | null, result: unknown) => void,
  ) => {
    if (PREPARABLE.test(sql)) core.execute(sql, params, done);
    else core.query(sql, params, done);
  };
  const settle = (
    resolve: (r: { rows: Row[]; affected: number; insertId?: unknown }) => void,
    result: unknown,
  ) => {
    if (Array.isArray(result)) return resolve({ rows: result as Row[], affected: result.length });
    const header = result as ResultSetHeader;
    resolve({ rows: [], affected: header.affectedRows, insertId: header.insertId });
  };
  const pool = 'pool' in conn ? (conn.pool as unknown as CorePool) : undefined;
  const own = 'pool' in conn ? undefined : (conn.connection as unknown as CoreConnection);
  return {
    query(sql, params) {
      return new Promise((resolve, reject) => {
        let core: CoreConnection | undefined = own;
        let finished = false;
        const timer =
          timeout && timeout > 0
            ? setTimeout(() => {
                finished = true;
                core?.destroy();
                reject(timedOut(timeout));
              }, timeout)
            : undefined;
        const run = (c: CoreConnection) => {
          core = c;
          send(c, sql, params, (err, result) => {
            if (finished) return;
            finished = true;
            if (timer) clearTimeout(timer);
            if (pool) {
              if (unusable(err)) c.destroy();
              else c.release();
            }
            if (err) return reject(err);
            settle(resolve, result);
          });
        };
        if (own) return run(own);
        pool!.getConnection((err, c) => {
          if (finished) {
            // Too late for this statement; the connection itself is fine.
            if (!err) c.release();
            return;
          }
          if (err) {
            finished = true;
            if (timer) clearTimeout(timer);
            return reject(err);
          }
          run(c);
        });
      });
    },
  };
}

/** Strict-mode refusals of a value: wrong text for a type, out of range, too long, bad characters. */
const VALUE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_DATA_OUT_OF_RANGE',
  'ER_INVALID_CHARACTER_STRING',
  'ER_WRONG_VALUE',
  'ER_WRONG_VALUE_FOR_TYPE',
  'ER_INVALID_JSON_TEXT',
  'ER_CANT_CREATE_GEOMETRY_OBJECT',
]);

export class MySQLConnector extends SqlConnector {
  readonly name = 'mysql';
  private poolInstance: Pool | undefined;

  /** The collation of new tables and of text read from JSON documents (see BINARY_COLLATIONS). */
  private readonly text: { collation: string; chosen: boolean };

  constructor(settings: Record<string, unknown>) {
    const own =
      typeof settings.collation === 'string' && /^\w+$/.test(settings.collation)
        ? settings.collation
        : undefined;
    const text = { collation: own ?? 'utf8mb4_bin', chosen: own !== undefined };
    super(
      makeDialect(() => text.collation),
      settings,
    );
    this.text = text;
  }

  private options(): PoolOptions {
    const s = this.settings;
    const url = (s.url ?? s.connectionString) as string | undefined;
    return {
      ...(url ? { uri: url } : {}),
      host: s.host as string | undefined,
      port: s.port !== undefined ? Number(s.port) : undefined,
      user: (s.user ?? s.username) as string | undefined,
      password: s.password as string | undefined,
      database: (s.database ?? s.db) as string | undefined,
      ssl: s.ssl as PoolOptions['ssl'],
      connectionLimit:
        s.max !== undefined
          ? Number(s.max)
          : s.connectionLimit !== undefined
            ? Number(s.connectionLimit)
            : 10,
      connectTimeout: s.connectTimeout !== undefined ? Number(s.connectTimeout) : 5000,
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      charset: 'utf8mb4',
      // Prepared statements kept per connection (oldest closed first): an app's endpoints need a
      // few dozen; IN-lists of every length would otherwise pile up on the server.
      maxPreparedStatements: s.maxPreparedStatements !== undefined ? Number(s.maxPreparedStatements) : 256,
    };
  }

  /** `queryTimeout` (ms, default 10000): a statement unanswered for longer fails with 503. */
  private get queryTimeout(): number | undefined {
    const t = this.settings.queryTimeout;
    if (t === 0 || t === false) return undefined;
    return t !== undefined ? Number(t) : 10000;
  }

  private poolRunner: SqlRunner | undefined;

  protected get pool(): SqlRunner {
    return (this.poolRunner ??= runnerOf(this.ensurePool(), this.queryTimeout));
  }

  private ensurePool(): Pool {
    if (!this.poolInstance) {
      const pool = createPool(this.options());
      // mysql2 writes values into the statement with backslash escapes; a server whose sql_mode
      // has NO_BACKSLASH_ESCAPES would read them differently, so every session turns it off first
      // (a connection runs its queries in order, so this precedes any statement of ours).
      pool.on('connection', (conn) => {
        const core = conn as unknown as { query(sql: string, cb: (err: Error | null) => void): void };
        core.query(
          "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
          (err) => {
            if (err) this.debug('cannot reset sql_mode: %s', err.message);
          },
        );
      });
      this.poolInstance = pool;
    }
    return this.poolInstance;
  }

  async connect(): Promise<void> {
    let conn: PoolConnection;
    try {
      conn = await this.ensurePool().getConnection();
    } catch (err) {
      throw this.unavailable(err);
    }
    try {
      if (!this.text.chosen) {
        const [rows] = await conn.query(
          'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?)',
          [BINARY_COLLATIONS],
        );
        const have = new Set((rows as Row[]).map((r) => String(r.name)));
        this.text.collation = BINARY_COLLATIONS.find((c) => have.has(c)) ?? 'utf8mb4_bin';
        this.text.chosen = true;
      }
    } finally {
      conn.release();
    }
  }

  private feed: MySQLChangeFeed | undefined;

  /**
   * A table polled by the data sources with change streams open (mysql-change-feed.ts):
   * `changeFeedTable`, `changeFeedInterval` (ms), `changeFeedRetention` (s); `changeFeed`: true for every model's writes, false for none.
   */
  changeFeed(): MySQLChangeFeed | undefined {
    const s = this.settings;
    if (s.changeFeed === false) return undefined;
    const table = typeof s.changeFeedTable === 'string' ? s.changeFeedTable : 'loopline_change_feed';
    const interval = Number(s.changeFeedInterval) > 0 ? Number(s.changeFeedInterval) : undefined;
    const retention = Number(s.changeFeedRetention) > 0 ? Number(s.changeFeedRetention) : undefined;
    return (this.feed ??= new MySQLChangeFeed(
      (sql, params, options) => this.run(sql, params, options),
      table,
      interval,
      retention,
      this.debug,
      s.changeFeed === true,
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
    const e = err as { code?: string; fatal?: boolean; message?: string } | undefined;
    if (e?.code && CONNECTION_CODES.has(e.code)) return true;
    // mysql2 marks errors that end the connection `fatal`, and refuses commands on a closed one.
    return (
      (e?.fatal === true && !e.code?.startsWith('ER_')) ||
      /connection is in closed state|Connection lost/i.test(e?.message ?? '')
    );
  }

  /**
   * DATETIME's documented range is years 1000 to 9999; outside it values do not come back as they
   * went in (year 0 reads as 1900, years 1 to 99 as 19xx) or cannot be sent at all (past 65535).
   * A date outside it is the client's to fix, not a value to change silently.
   */
  protected override checkDate(date: Date): void {
    const year = date.getUTCFullYear();
    if (year < 1000 || year > 9999)
      throw new InvalidValueError(
        `The mysql store keeps dates from year 1000 to 9999; ${date.toISOString()} is outside them`,
      );
  }

  /** ER_ACCESS_DENIED_ERROR (1045), ER_DBACCESS_DENIED_ERROR (1044); ER_BAD_DB_ERROR (1049). */
  protected override refusal(err: unknown): 'credentials' | 'database' | undefined {
    const code = (err as { code?: string })?.code;
    return code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR'
      ? 'credentials'
      : code === 'ER_BAD_DB_ERROR'
        ? 'database'
        : undefined;
  }

  protected override isRegexpError(err: unknown): boolean {
    return (err as { code?: string })?.code === 'ER_REGEXP_ERROR';
  }

  protected isDuplicateKey(err: unknown): boolean {
    return (err as { code?: string })?.code === 'ER_DUP_ENTRY';
  }

  protected override isDeadlock(err: unknown): boolean {
    return (err as { code?: string })?.code === 'ER_LOCK_DEADLOCK';
  }

  /** 1452/1216: no parent row for the written key; 1451/1217: rows still refer to the deleted or re-keyed one. */
  protected override foreignKeyViolation(
    err: unknown,
  ): { kind: 'missing' | 'referenced'; constraint?: string } | undefined {
    const e = err as { errno?: number; message?: string };
    const kind =
      e?.errno === 1452 || e?.errno === 1216
        ? 'missing'
        : e?.errno === 1451 || e?.errno === 1217
          ? 'referenced'
          : undefined;
    if (!kind) return undefined;
    return {
      kind,
      constraint: /CONSTRAINT `((?:[^`]|``)+)`/.exec(e.message ?? '')?.[1]?.replace(/``/g, '`'),
    };
  }

  protected override isValueError(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return typeof code === 'string' && VALUE_ERROR_CODES.has(code);
  }

  protected duplicateKeyName(err: unknown): string | undefined {
    // "Duplicate entry '…' for key 'name'" (MySQL 8 writes 'table.name').
    const e = err as { sqlMessage?: string; message?: string };
    return /for key '(?:[^']*\.)?([^'.]*)'\s*$/.exec(e?.sqlMessage ?? e?.message ?? '')?.[1];
  }

  protected override toDb(prop: PropertyDefinition, value: unknown): unknown {
    const v = super.toDb(prop, value);
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }

  protected override offsetOnly(b: SqlBuilder, skip: number): string {
    // MySQL has no OFFSET without LIMIT; the largest BIGINT UNSIGNED stands for "no limit".
    return ` LIMIT 18446744073709551615 OFFSET ${b.param(skip)}`;
  }

  protected override indexColumn(def: ModelDefinition, property: string): string {
    const col = this.col(def, property);
    // TEXT columns index by prefix in MySQL. The schema's type: a relation key is the type of the id it points at.
    return /TEXT|BLOB/i.test(this.schema.columnType(def, property)) ? `${col}(191)` : col;
  }

  protected async insert(
    def: ModelDefinition,
    cols: string[],
    vals: string[],
    params: unknown[],
    idName: string | undefined,
    row: Row,
    options: OperationOptions,
  ): Promise<unknown> {
    const sql = cols.length
      ? `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')})`
      : `INSERT INTO ${this.table(def)} () VALUES ()`;
    const { insertId } = await this.run(sql, params, options);
    if (idName && row[idName] !== undefined && row[idName] !== null) return row[idName];
    return insertId;
  }

  /**
   * UPDATE by id, then INSERT when it matched no row; an INSERT that meets a row inserted since
   * (duplicate primary key) goes back to the UPDATE. Unlike INSERT … ON DUPLICATE KEY UPDATE,
   * this never updates the row holding another unique value, and it tells an update that changed
   * nothing from an insert. The connection counts matched rows (mysql2's FOUND_ROWS flag), so a
   * row set to its own values still counts as found.
   */
  async upsert(
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult> {
    const idName = def.idName!;
    const id = insertRow[idName];
    for (let attempt = 0; ; attempt++) {
      if (await this.updateMatched(def, id, updateRow, options)) {
        // A replace wrote every column: the row is known without reading it back.
        if (def.propertyNames.every((n) => n in updateRow))
          return { row: { ...updateRow, [idName]: id }, created: false };
        const row = await this.findById(def, id, options);
        if (row) return { row, created: false };
        // Deleted between the two statements: it is created anew below.
      }
      const b = new SqlBuilder(this.dialect, def);
      const { cols, vals } = this.insertColumns(def, insertRow, b);
      try {
        const { insertId } = await this.run(
          `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')})`,
          b.params,
          options,
        );
        return { row: { ...insertRow, [idName]: id ?? insertId }, created: true };
      } catch (err) {
        if (attempt < 3 && this.isDuplicateKey(err) && this.duplicateKeyName(err) === 'PRIMARY') continue;
        throw this.duplicate(def, err, insertRow);
      }
    }
  }

  /** Sets the row's non-id properties on the row with this id; true when such a row exists. */
  private async updateMatched(
    def: ModelDefinition,
    id: unknown,
    row: Row,
    options: OperationOptions,
  ): Promise<boolean> {
    const idName = def.idName!;
    const b = new SqlBuilder(this.dialect, def);
    const idCol = this.col(def, idName);
    const sets = Object.keys(row)
      .filter((n) => n !== idName && def.properties[n] && row[n] !== undefined)
      .map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], row[n]))}`);
    if (!sets.length) sets.push(`${idCol} = ${idCol}`);
    try {
      const { affected } = await this.run(
        `UPDATE ${this.table(def)} SET ${sets.join(', ')} WHERE ${idCol} = ${b.param(id)}`,
        b.params,
        options,
      );
      return affected > 0;
    } catch (err) {
      throw this.duplicate(def, err, row);
    }
  }

  /**
   * A named lock (GET_LOCK) on a hash of the key, on the caller's transaction's connection
   * (released once that transaction has ended, so a waiter reads what the holder committed) or
   * on a connection of its own whose writes commit as they run (released when `fn` is done).
   */
  async exclusive<T>(
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    const name =
      'loopline:' +
      createHash('sha1')
        .update(`${this.table(def)}:${key}`)
        .digest('hex');
    const wait = this.settings.lockTimeout !== undefined ? Number(this.settings.lockTimeout) : 10;
    return this.onOwnConnection(options, async (tx, inner) => {
      const { rows } = await this.run('SELECT GET_LOCK(?, ?) AS got', [name, wait], inner);
      if (Number(rows[0]?.got) !== 1)
        throw new StoreUnavailableError(
          `Waited ${wait}s for another writer of the same ${def.name} to finish; retry later`,
        );
      tx.atEnd((runner) => runner.query('SELECT RELEASE_LOCK(?)', [name]));
      return fn(inner);
    });
  }
  /** information_schema as LB3's discovery reads it (mysql-discovery.ts). */
  protected readonly schemaDialect = new MySQLSchemaDialect((sql, params) => this.run(sql, params));
  readonly catalog = new MySQLCatalog((sql, params) => this.run(sql, params));

  protected override tableOptions(def: ModelDefinition): string {
    const own = connectorSettings(def.settings, 'mysql').collation;
    const collation = typeof own === 'string' && /^\w+$/.test(own) ? own : this.text.collation;
    return ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
  }

  protected async existingIndexes(def: ModelDefinition): Promise<Set<string>> {
    const schema = this.dialect.schemaName(def);
    const { rows } = await this.run(
      `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${schema === undefined ? 'DATABASE()' : '?'} AND TABLE_NAME = ?`,
      schema === undefined ? [this.dialect.tableName(def)] : [schema, this.dialect.tableName(def)],
    );
    return new Set(rows.map((r) => String(r.name)));
  }

  async beginTransaction(
    options: { isolationLevel?: string; timeout?: number } = {},
  ): Promise<SqlTransaction> {
    return this.checkout(isolationLevelOf(options), options.timeout);
  }

  protected session(): Promise<SqlTransaction> {
    return this.checkout(undefined, undefined);
  }

  /** A connection of its own from the pool, in a transaction at `level` when given, else in autocommit mode. */
  private async checkout(level: string | undefined, timeout: number | undefined): Promise<SqlTransaction> {
    let conn: PoolConnection;
    try {
      conn = await this.ensurePool().getConnection();
    } catch (err) {
      throw this.unavailable(err);
    }
    // A connection that failed is closed rather than returned to the pool.
    const release = (failed?: unknown) => (failed ? conn.destroy() : conn.release());
    try {
      if (level) {
        await conn.query(`SET TRANSACTION ISOLATION LEVEL ${level}`);
        await conn.beginTransaction();
      }
    } catch (err) {
      release(err);
      throw this.unavailable(err);
    }
    return this.transaction(
      {
        runner: runnerOf(conn, this.queryTimeout),
        finish: async (commit) => {
          if (level) await (commit ? conn.commit() : conn.rollback());
        },
        release,
      },
      timeout,
    );
  }
}

import { createPool, Pool, PoolConnection, PoolOptions, ResultSetHeader } from 'mysql2/promise';
import { LooplineError } from '../../../errors';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { OperationOptions, Row } from '../connector';
import { connectorSettings, Dialect, isJsonProperty } from '../sql/dialect';
import { SqlConnector, SqlRunner, SqlTransaction } from '../sql/sql-connector';
import type { SqlBuilder } from '../sql/sql-where';

/**
 * MySQL and MariaDB on `mysql2`. Names follow loopback-connector-mysql: the model and property
 * names as written, unless `mysql: {table}` / `mysql: {columnName, dataType}` say otherwise.
 * Dates travel in UTC; JSON columns are parsed on the way out (MariaDB stores JSON as text).
 */
const dialect: Dialect = {
  name: 'mysql',
  quote: (id) => `\`${id.replace(/`/g, '``')}\``,
  placeholder: () => '?',
  ilike: (col, p, negate) => `LOWER(${col}) ${negate ? 'NOT LIKE' : 'LIKE'} LOWER(${p})`,
  // PCRE inline flags make case sensitivity explicit whatever the column's collation says.
  regexp: (col, p, insensitive) => ({ sql: `${col} REGEXP ${p}`, pattern: (s) => (insensitive ? '(?i)' : '(?-i)') + s }),
  jsonText: (col, pathParam) => `JSON_UNQUOTE(JSON_EXTRACT(${col}, ${pathParam}))`,
  jsonPathValue: (segments) => '$' + segments.map((s) => `."${s.replace(/["\\]/g, '\\$&')}"`).join(''),
  columnType(prop: PropertyDefinition, generatedId: boolean): string {
    const own = connectorSettings(prop.raw, 'mysql').dataType;
    if (typeof own === 'string') return own;
    if (generatedId) return prop.type.name === 'String' ? 'VARCHAR(64)' : 'INT NOT NULL AUTO_INCREMENT';
    if (prop.id) return prop.type.name === 'Number' ? 'INT' : 'VARCHAR(255)';
    if (isJsonProperty(prop)) return 'JSON';
    switch (prop.type.name) {
      case 'String':
        return prop.index ? 'VARCHAR(255)' : 'TEXT';
      case 'Number':
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
  schemaName: (def) => connectorSettings(def.settings, 'mysql').database as string | undefined,
  columnName: (def, property) => String(connectorSettings(def.properties[property]?.raw, 'mysql').columnName ?? property),
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);

function runnerOf(conn: Pool | PoolConnection): SqlRunner {
  return {
    async query(sql, params) {
      const [result] = await conn.query(sql, params);
      if (Array.isArray(result)) return { rows: result as Row[], affected: result.length };
      const header = result as ResultSetHeader;
      return { rows: [], affected: header.affectedRows, insertId: header.insertId };
    },
  };
}

export class MySQLConnector extends SqlConnector {
  readonly name = 'mysql';
  private poolInstance: Pool | undefined;

  constructor(settings: Record<string, unknown>) {
    super(dialect, settings);
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
      connectionLimit: s.max !== undefined ? Number(s.max) : s.connectionLimit !== undefined ? Number(s.connectionLimit) : 10,
      connectTimeout: s.connectTimeout !== undefined ? Number(s.connectTimeout) : 5000,
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      charset: 'utf8mb4',
    };
  }

  protected get pool(): SqlRunner {
    return runnerOf(this.ensurePool());
  }

  private ensurePool(): Pool {
    this.poolInstance ??= createPool(this.options());
    return this.poolInstance;
  }

  async connect(): Promise<void> {
    const conn = await this.ensurePool().getConnection();
    conn.release();
  }

  async disconnect(): Promise<void> {
    const pool = this.poolInstance;
    this.poolInstance = undefined;
    if (pool) await pool.end();
  }

  protected isConnectionError(err: unknown): boolean {
    const code = (err as { code?: string })?.code;
    return !!code && CONNECTION_CODES.has(code);
  }

  protected isDuplicateKey(err: unknown): boolean {
    return (err as { code?: string })?.code === 'ER_DUP_ENTRY';
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
    const prop = def.properties[property];
    const col = this.col(def, property);
    // TEXT columns index by prefix in MySQL.
    return /TEXT|BLOB/i.test(dialect.columnType(prop, false)) ? `${col}(191)` : col;
  }

  protected async insert(def: ModelDefinition, cols: string[], vals: string[], params: unknown[], idName: string | undefined, row: Row, options: OperationOptions): Promise<unknown> {
    const sql = cols.length ? `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')})` : `INSERT INTO ${this.table(def)} () VALUES ()`;
    const { insertId } = await this.run(sql, params, options);
    if (idName && row[idName] !== undefined && row[idName] !== null) return row[idName];
    return insertId;
  }

  protected override createTableSql(def: ModelDefinition): string {
    return `${super.createTableSql(def)} ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
  }

  protected async existingColumns(def: ModelDefinition): Promise<Set<string> | undefined> {
    const { rows } = await this.run('SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [dialect.tableName(def)]);
    return rows.length ? new Set(rows.map((r) => String(r.name).toLowerCase())) : undefined;
  }

  async beginTransaction(options: { isolationLevel?: string; timeout?: number } = {}): Promise<SqlTransaction> {
    const level = options.isolationLevel ?? 'READ COMMITTED';
    if (!/^(READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE)$/i.test(level)) {
      throw new LooplineError('INVALID_ARGUMENT', 400, `Unknown isolation level "${level}"`);
    }
    const conn = await this.ensurePool().getConnection();
    await conn.query(`SET TRANSACTION ISOLATION LEVEL ${level.toUpperCase()}`);
    await conn.beginTransaction();
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const end = async (commit: boolean) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      try {
        if (commit) await conn.commit();
        else await conn.rollback();
      } finally {
        conn.release();
      }
    };
    const withCb = (p: Promise<void>, cb?: (err?: Error | null) => void) => {
      if (cb) p.then(() => cb(null), (err: Error) => cb(err));
      return p;
    };
    const runner = runnerOf(conn);
    const tx: SqlTransaction = {
      connector: this,
      get finished() {
        return finished;
      },
      query: (sql, params) => runner.query(sql, params),
      commit: (cb) => withCb(end(true), cb),
      rollback: (cb) => withCb(end(false), cb),
    };
    if (options.timeout && options.timeout > 0) timer = setTimeout(() => void end(false).catch(() => undefined), options.timeout);
    return tx;
  }
}

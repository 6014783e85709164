import { createPool, Pool, PoolConnection, PoolOptions } from 'mysql2/promise';
import type { DriverContext, SqlDriver } from '../sql/sql-dialect';
import type { SqlRunner, TransactionConnection } from '../sql/sql-transaction';
import { runnerOf } from './runner';

/**
 * Tables are created with a binary, no-pad collation, so `=`, LIKE, ORDER BY and uniqueness
 * compare strings exactly as the memory store and PostgreSQL do (case-sensitive, trailing spaces
 * significant, code-point order). The first of these the server has is used; a `collation`
 * setting on the data source or `mysql: {collation}` on a model wins.
 */
const BINARY_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'utf8mb4_bin'];

/** The collation of new tables and of text read from JSON documents, chosen once the server is reached. */
export interface TextCollation {
  collation: string;
  chosen: boolean;
}

/** The data source's `collation` setting, when it names one. */
export function textCollation(settings: Readonly<Record<string, unknown>>): TextCollation {
  const own =
    typeof settings.collation === 'string' && /^\w+$/.test(settings.collation)
      ? settings.collation
      : undefined;
  return { collation: own ?? 'utf8mb4_bin', chosen: own !== undefined };
}

function poolOptions(s: Readonly<Record<string, unknown>>): PoolOptions {
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
      s.max !== undefined ? Number(s.max) : s.connectionLimit !== undefined ? Number(s.connectionLimit) : 10,
    connectTimeout: s.connectTimeout !== undefined ? Number(s.connectTimeout) : 5000,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    charset: 'utf8mb4',
    // Rows as arrays, for every statement: a statement's own rowsAsArray option sends mysql2 down
    // a path that cost some 20 µs a statement more; rows are made objects where asked (runner.ts).
    rowsAsArray: true,
    // Prepared statements kept per connection (oldest closed first): an app's endpoints need a
    // few dozen; IN-lists of every length would otherwise pile up on the server.
    maxPreparedStatements: s.maxPreparedStatements !== undefined ? Number(s.maxPreparedStatements) : 256,
  };
}

/** `queryTimeout` (ms, default 10000): a statement unanswered for longer fails with 503. */
function queryTimeout(s: Readonly<Record<string, unknown>>): number | undefined {
  const t = s.queryTimeout;
  if (t === 0 || t === false) return undefined;
  return t !== undefined ? Number(t) : 10000;
}

/** MySQL's and MariaDB's connections: a `mysql2` pool; `connect` chooses the text collation. */
export function mysqlDriver(
  settings: Readonly<Record<string, unknown>>,
  text: TextCollation,
  context: DriverContext,
): SqlDriver {
  let pool: Pool | undefined;
  let poolRunner: SqlRunner | undefined;
  const timeout = queryTimeout(settings);

  const ensurePool = (): Pool => {
    if (!pool) {
      const created = createPool(poolOptions(settings));
      // mysql2 writes values into the statement with backslash escapes; a server whose sql_mode
      // has NO_BACKSLASH_ESCAPES would read them differently, so every session turns it off first
      // (a connection runs its queries in order, so this precedes any statement of ours).
      created.on('connection', (conn) => {
        const core = conn as unknown as { query(sql: string, cb: (err: Error | null) => void): void };
        core.query(
          "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
          (err) => {
            if (err) context.debug('cannot reset sql_mode: %s', err.message);
          },
        );
      });
      pool = created;
    }
    return pool;
  };

  /** A connection of its own from the pool, in a transaction at `level` when given, else in autocommit mode. */
  const checkout = async (level: string | undefined): Promise<TransactionConnection> => {
    const conn: PoolConnection = await ensurePool().getConnection();
    // A connection that failed is closed rather than returned to the pool.
    const release = (failed?: unknown) => (failed ? conn.destroy() : conn.release());
    try {
      if (level) {
        await conn.query(`SET TRANSACTION ISOLATION LEVEL ${level}`);
        await conn.beginTransaction();
      }
    } catch (err) {
      release(err);
      throw err;
    }
    return {
      runner: runnerOf(conn, timeout),
      finish: async (commit) => {
        if (level) await (commit ? conn.commit() : conn.rollback());
      },
      release,
    };
  };

  return {
    get pool() {
      return (poolRunner ??= runnerOf(ensurePool(), timeout));
    },
    async connect() {
      const conn = await ensurePool().getConnection();
      try {
        if (!text.chosen) {
          const [rows] = await conn.query(
            'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?)',
            [BINARY_COLLATIONS],
          );
          const have = new Set((rows as unknown[][]).map((r) => String(r[0])));
          text.collation = BINARY_COLLATIONS.find((c) => have.has(c)) ?? 'utf8mb4_bin';
          text.chosen = true;
        }
      } finally {
        conn.release();
      }
    },
    async close() {
      const open = pool;
      pool = undefined;
      poolRunner = undefined;
      if (open) await open.end();
    },
    checkout,
  };
}

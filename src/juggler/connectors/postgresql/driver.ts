import { Pool, PoolClient, PoolConfig } from 'pg';
import type { Row } from '../connector';
import type { DriverContext, SqlDriver } from '../sql/sql-dialect';
import type { SqlRunner, TransactionConnection } from '../sql/sql-transaction';
import { STALE_STATEMENT_CODES, StatementNames } from './statement-names';

/** The pool's settings from the data source's: `url`/`connectionString` or host, port, user…; `max`, `connectionTimeout`, `queryTimeout` (ms). */
export function poolConfig(s: Readonly<Record<string, unknown>>): PoolConfig {
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

function runnerOf(client: Pool | PoolClient, names: StatementNames): SqlRunner {
  return {
    async query(sql, params) {
      const name = names.nameFor(sql);
      let result;
      try {
        result = name
          ? await client.query({ name, text: sql, values: params })
          : await client.query(sql, params);
      } catch (err) {
        if (!name || !STALE_STATEMENT_CODES.has((err as { code?: string })?.code ?? '')) throw err;
        // Prepared before the table changed: prepare anew under fresh names.
        names.retire();
        result = await client.query(sql, params);
      }
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
    },
  };
}

/** PostgreSQL's connections: a `pg` pool, and statements prepared under names (statement-names.ts). */
export function postgresqlDriver(
  settings: Readonly<Record<string, unknown>>,
  context: DriverContext,
): SqlDriver {
  const statements = new StatementNames();
  let pool: Pool | undefined;
  let poolRunner: SqlRunner | undefined;

  const ensurePool = (): Pool => {
    if (!pool) {
      pool = new Pool(poolConfig(settings));
      // An idle client that loses its server must not crash the process; the next query reconnects.
      pool.on('error', (err) => context.debug('idle client error: %s', err.message));
    }
    return pool;
  };

  /** A client of its own from the pool, in a transaction at `level` when given, else in autocommit mode. */
  const checkout = async (level: string | undefined): Promise<TransactionConnection> => {
    const client = await ensurePool().connect();
    // A checked-out client has no error listener of the pool's: one that loses its server while
    // the transaction waits must not crash the process; its next statement reports the loss.
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
      context.debug('transaction client error: %s', err.message);
    };
    client.on('error', onError);
    const release = (failed?: unknown) => {
      client.removeListener('error', onError);
      client.release(failed || lost ? ((failed ?? lost) as Error) : undefined);
    };
    try {
      if (level) await client.query(`BEGIN ISOLATION LEVEL ${level}`);
    } catch (err) {
      release(err);
      throw err;
    }
    return {
      runner: runnerOf(client, statements),
      finish: async (commit) => {
        if (level) await client.query(commit ? 'COMMIT' : 'ROLLBACK');
      },
      release,
    };
  };

  return {
    get pool() {
      return (poolRunner ??= runnerOf(ensurePool(), statements));
    },
    async connect() {
      const client = await ensurePool().connect();
      client.release();
    },
    async close() {
      const open = pool;
      pool = undefined;
      poolRunner = undefined;
      if (open) await open.end();
    },
    checkout,
    // Statements prepared before a migration may carry the old column types.
    schemaChanged: () => statements.retire(),
  };
}

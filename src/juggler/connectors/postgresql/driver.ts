import { Pool, PoolClient, PoolConfig } from 'pg';
import type { Row } from '../connector';
import type { DriverContext, SqlDriver } from '../sql/sql-dialect';
import type { SqlRunner, TransactionConnection } from '../sql/sql-transaction';
import { pgConfig, STALE_STATEMENT_CODES, StatementNames, StatementShape, unnamed } from './statement-names';

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

interface Answer {
  rows: unknown[];
  rowCount: number | null;
}

/**
 * `client.query(config, values, callback?)`: pg takes the values beside a config object as it does
 * beside a text (its typings name only the text form).
 */
interface ShapedClient {
  query(
    config: StatementShape,
    values: unknown[],
    callback: (failed: Error | undefined, result: Answer) => void,
  ): void;
  query(config: StatementShape, values: unknown[]): Promise<Answer>;
}

/** Pooled clients that carry our error listener (see onPool). */
const watched = new WeakSet<PoolClient>();

/**
 * A statement on a client of the pool, given back when it is answered — what `pool.query` does,
 * without its promise wrapper and its per-statement error listener: each client gets one listener
 * for good (a client that loses its server mid-statement emits 'error', which must not crash the
 * process; the statement itself fails with the error). A client whose statement failed is
 * discarded, as `pool.query` does.
 */
function onPool(
  pool: Pool,
  statement: StatementShape,
  values: unknown[],
  debug: DriverContext['debug'],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client, release) => {
      if (err || !client) return reject(err ?? new Error('no client'));
      if (!watched.has(client)) {
        watched.add(client);
        client.on('error', (e: Error) => debug('client error: %s', e.message));
      }
      try {
        (client as unknown as ShapedClient).query(pgConfig(statement), values, (failed, result) => {
          release(failed);
          if (failed) reject(failed);
          else resolve(result);
        });
      } catch (thrown) {
        release(thrown as Error);
        reject(thrown);
      }
    });
  });
}

function runnerOf(
  target: { pool: Pool } | { client: PoolClient },
  names: StatementNames,
  debug: DriverContext['debug'],
): SqlRunner {
  const submit: (statement: StatementShape, values: unknown[]) => Promise<Answer> =
    'pool' in target
      ? (statement, values) => onPool(target.pool, statement, values, debug)
      : (statement, values) => (target.client as unknown as ShapedClient).query(pgConfig(statement), values);
  return {
    async query(sql, params, arrays) {
      const statement = names.shapeFor(sql, arrays === true);
      let result;
      try {
        result = await submit(statement, params);
      } catch (err) {
        if (!statement.name || !STALE_STATEMENT_CODES.has((err as { code?: string })?.code ?? '')) throw err;
        // Prepared before the table changed: prepare anew under fresh names.
        names.retire();
        result = await submit(unnamed(sql, arrays === true), params);
      }
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0, arrays };
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
      runner: runnerOf({ client }, statements, context.debug),
      finish: async (commit) => {
        if (level) await client.query(commit ? 'COMMIT' : 'ROLLBACK');
      },
      release,
    };
  };

  return {
    get pool() {
      return (poolRunner ??= runnerOf({ pool: ensurePool() }, statements, context.debug));
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

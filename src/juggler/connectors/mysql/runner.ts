import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { Row } from '../connector';
import type { QueryResult, SqlRunner } from '../sql/sql-transaction';
import { QUERY_TIMEOUT } from './errors';

/**
 * Statements that run as server-side prepared statements (mysql2 keeps them per connection): the
 * values travel apart from the text, and a repeated statement skips the server's parse.
 */
const PREPARABLE = /^(SELECT|INSERT|UPDATE|DELETE)\s/i;

/** What mysql2 answers a statement with: rows or a result header, and the columns of the rows. */
type Answered = (err: Error | null, result: unknown, fields?: unknown) => void;

/** The callback API under a promise connection (see runnerOf). */
interface CoreConnection {
  query(sql: string, values: unknown[], cb: Answered): unknown;
  execute(sql: string, values: unknown[], cb: Answered): unknown;
  release(): void;
  destroy(): void;
}

interface Column {
  name: string;
}

/** Rows as objects by column name, as mysql2 builds them (a later column of the same name wins). */
function byName(rows: unknown[][], columns: readonly Column[]): Row[] {
  const out: Row[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r];
    const row: Row = {};
    for (let c = 0; c < columns.length; c++) row[columns[c].name] = values[c];
    out[r] = row;
  }
  return out;
}

/**
 * The rows of an answer as objects, for a caller that did not ask for arrays: of one result set
 * (`fields` lists its columns), or of each set of several (a CALL; `fields` lists each set's).
 */
function asObjects(result: unknown, fields: unknown): unknown {
  if (!Array.isArray(result) || !Array.isArray(fields)) return result;
  if (fields.length && fields.every((f) => f === undefined || Array.isArray(f)))
    return result.map((set, i) =>
      Array.isArray(set) && Array.isArray(fields[i])
        ? byName(set as unknown[][], fields[i] as Column[])
        : set,
    );
  return byName(result as unknown[][], fields as Column[]);
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
export function runnerOf(conn: Pool | PoolConnection, timeout: number | undefined): SqlRunner {
  const send = (core: CoreConnection, sql: string, params: unknown[], done: Answered) => {
    if (PREPARABLE.test(sql)) core.execute(sql, params, done);
    else core.query(sql, params, done);
  };
  // The pool answers rows as arrays (driver.ts): as asked, or made objects here.
  const settle = (resolve: (r: QueryResult) => void, result: unknown, fields: unknown, arrays: boolean) => {
    if (Array.isArray(result)) {
      const rows = arrays ? result : (asObjects(result, fields) as Row[]);
      return resolve({ rows: rows as Row[], affected: result.length, arrays });
    }
    const header = result as ResultSetHeader;
    resolve({ rows: [], affected: header.affectedRows, insertId: header.insertId });
  };
  const pool = 'pool' in conn ? (conn.pool as unknown as CorePool) : undefined;
  const own = 'pool' in conn ? undefined : (conn.connection as unknown as CoreConnection);
  return {
    query(sql, params, asked) {
      const arrays = asked === true;
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
          send(c, sql, params, (err, result, fields) => {
            if (finished) return;
            finished = true;
            if (timer) clearTimeout(timer);
            if (pool) {
              if (unusable(err)) c.destroy();
              else c.release();
            }
            if (err) return reject(err);
            settle(resolve, result, fields, arrays);
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

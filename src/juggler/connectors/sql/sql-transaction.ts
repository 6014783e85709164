import { LooplineError } from '../../../errors';
import type { Row } from '../connector';
import type { SqlConnector } from './sql-connector';

/** A query runner: a pool, or the client of a transaction. */
export interface SqlRunner {
  /**
   * Runs a statement. With `arrays`, a driver that can may answer each row as its columns' values
   * in select order (saying so with `QueryResult.arrays`); others answer objects by column name.
   */
  query(sql: string, params: unknown[], arrays?: boolean): Promise<QueryResult>;
}

/** What a statement answers: its rows, the rows it changed, and the id an INSERT generated (where the driver says). */
export interface QueryResult {
  rows: Row[];
  affected: number;
  insertId?: unknown;
  /** The rows are arrays of the columns' values in select order (asked for with `arrays`). */
  arrays?: boolean;
}

/** A transaction handle, passed as `{transaction: tx}` in a DAO call's options. */
export interface SqlTransaction extends SqlRunner {
  readonly connector: SqlConnector;
  commit(cb?: (err?: Error | null) => void): Promise<void>;
  rollback(cb?: (err?: Error | null) => void): Promise<void>;
  readonly finished: boolean;
  /** Runs `task` on the transaction's connection once it has ended, before the connection goes back to the pool. */
  atEnd(task: (runner: SqlRunner) => Promise<unknown>): void;
}

/** What a driver hands a transaction: its connection's runner, and how to end and release it. */
export interface TransactionConnection {
  readonly runner: SqlRunner;
  /** Commits or rolls back (nothing for a connection in autocommit mode); `tx` is the handle over it. */
  finish(commit: boolean, tx: SqlTransaction): Promise<void>;
  /** Returns the connection to the pool; one that failed is discarded instead. */
  release(failed?: unknown): void;
}

/** The isolation level a transaction asks for, checked against the four SQL names (READ COMMITTED by default). */
export function isolationLevelOf(options: { isolationLevel?: string }): string {
  const level = options.isolationLevel ?? 'READ COMMITTED';
  if (!/^(READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE)$/i.test(level)) {
    throw new LooplineError('INVALID_ARGUMENT', `Unknown isolation level "${level}"`);
  }
  return level.toUpperCase();
}

/**
 * A transaction handle over a connection taken from the pool: commit/rollback (promise or
 * callback) end it once and give the connection back; past `timeout` ms it is rolled back, so it
 * cannot hold locks forever. A commit that cannot reach the store is 503 STORE_UNAVAILABLE; a
 * rollback on a lost connection succeeds, since the server drops the transaction with it.
 */
export function openTransaction(
  connector: SqlConnector,
  conn: TransactionConnection,
  timeout: number | undefined,
  isConnectionError: (err: unknown) => boolean,
  unavailable: (err: unknown) => unknown,
): SqlTransaction {
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const endTasks: ((runner: SqlRunner) => Promise<unknown>)[] = [];
  const end = async (commit: boolean): Promise<void> => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    let failed: unknown;
    try {
      await conn.finish(commit, tx);
    } catch (err) {
      failed = err;
    }
    // Session state a task leaves (a named lock) must not outlive it on a pooled connection:
    // a connection whose task failed is discarded (the transaction's outcome stands).
    let discard = failed;
    for (const task of endTasks) {
      if (discard !== undefined) break;
      await task(conn.runner).catch((err: unknown) => {
        discard = err;
      });
    }
    conn.release(discard);
    if (failed === undefined || (!commit && isConnectionError(failed))) return;
    throw unavailable(failed);
  };
  const withCb = (p: Promise<void>, cb?: (err?: Error | null) => void) => {
    if (cb)
      p.then(
        () => cb(null),
        (err: Error) => cb(err),
      );
    return p;
  };
  const tx: SqlTransaction = {
    connector,
    get finished() {
      return finished;
    },
    query: (sql, params, arrays) => conn.runner.query(sql, params, arrays),
    commit: (cb) => withCb(end(true), cb),
    rollback: (cb) => withCb(end(false), cb),
    atEnd: (task) => {
      endTasks.push(task);
    },
  };
  if (timeout && timeout > 0) {
    timer = setTimeout(() => void end(false).catch(() => undefined), timeout);
    timer.unref?.();
  }
  return tx;
}

import type { ModelDefinition } from '../../model-definition';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import { onConflictUpsert } from '../sql/on-conflict-upsert';
import type { SqlStatementHost, SqlStatements } from '../sql/sql-dialect';

/**
 * One statement (see onConflictUpsert). `xmax` is 0 only on a row version this statement
 * inserted, which tells a created row from an updated one.
 */
async function upsert(
  host: SqlStatementHost,
  def: ModelDefinition,
  insertRow: Row,
  updateRow: Row,
  options: OperationOptions,
): Promise<UpsertResult> {
  const raw = await onConflictUpsert(
    host,
    def,
    insertRow,
    updateRow,
    options,
    ', (xmax = 0) AS "loopline$created"',
  );
  return { row: host.rowFromDb(def, raw), created: raw['loopline$created'] === true };
}

/**
 * An advisory lock on a hash of the key: every process on this database that asks for the same
 * key waits until the holder is done. In the caller's transaction it is held until that ends;
 * otherwise it is taken on a connection of its own, whose writes commit as they run, and
 * released once `fn` is done. A hash collision only makes two keys wait for each other.
 */
function exclusive<T>(
  host: SqlStatementHost,
  def: ModelDefinition,
  key: string,
  options: OperationOptions,
  fn: (options: OperationOptions) => Promise<T>,
): Promise<T> {
  const name = `${host.table(def)}:${key}`;
  return host.onOwnConnection(options, async (conn, inner, inCallerTransaction) => {
    if (inCallerTransaction) {
      await host.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name], inner);
    } else {
      await host.run('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name], inner);
      conn.atEnd((runner) => runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]));
    }
    return fn(inner);
  });
}

export const postgresqlStatements: SqlStatements = { upsert, exclusive };

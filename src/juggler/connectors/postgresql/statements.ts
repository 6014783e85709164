import type { ModelDefinition } from '../../model-definition';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import type { SqlStatementHost, SqlStatements } from '../sql/sql-dialect';

/**
 * One statement: INSERT … ON CONFLICT (id) DO UPDATE … RETURNING the row. `xmax` is 0 only on
 * a row version this statement inserted, which tells a created row from an updated one. A
 * conflict on another unique index is not caught by the ON CONFLICT and stays a 409.
 */
async function upsert(
  host: SqlStatementHost,
  def: ModelDefinition,
  insertRow: Row,
  updateRow: Row,
  options: OperationOptions,
): Promise<UpsertResult> {
  const idName = def.idName!;
  const b = host.builder(def);
  const { cols, vals } = host.insertColumns(def, insertRow, b);
  const idCol = host.col(def, idName);
  const sets = Object.keys(updateRow)
    .filter((n) => n !== idName && def.properties[n] && updateRow[n] !== undefined)
    .map((n) => `${host.col(def, n)} = ${b.param(host.toDb(def.properties[n], updateRow[n]))}`);
  // With nothing to change, the row is still locked and returned.
  if (!sets.length) sets.push(`${idCol} = EXCLUDED.${idCol}`);
  const returning = def.propertyNames.map((n) => host.col(def, n)).join(', ');
  const sql = `INSERT INTO ${host.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')}) ON CONFLICT (${idCol}) DO UPDATE SET ${sets.join(', ')} RETURNING ${returning}, (xmax = 0) AS "loopline$created"`;
  let rows: Row[];
  try {
    ({ rows } = await host.run(sql, b.params, options));
  } catch (err) {
    throw host.duplicate(def, err, insertRow);
  }
  return { row: host.rowFromDb(def, rows[0]), created: rows[0]['loopline$created'] === true };
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

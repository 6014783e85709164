import type { ModelDefinition } from '../../model-definition';
import type { OperationOptions, Row } from '../connector';
import type { SqlStatementHost } from './sql-dialect';

/**
 * The one-statement upsert of the dialects that have it (PostgreSQL, SQLite): INSERT … ON CONFLICT
 * (id) DO UPDATE SET … RETURNING the row, plus `alsoReturn` (a dialect's own column telling a
 * created row from an updated one). A conflict on another unique index is not caught by the
 * ON CONFLICT and stays a 409. Resolves to the raw returned record.
 */
export async function onConflictUpsert(
  host: SqlStatementHost,
  def: ModelDefinition,
  insertRow: Row,
  updateRow: Row,
  options: OperationOptions,
  alsoReturn = '',
): Promise<Row> {
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
  const sql =
    `INSERT INTO ${host.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')}) ` +
    `ON CONFLICT (${idCol}) DO UPDATE SET ${sets.join(', ')} RETURNING ${returning}${alsoReturn}`;
  try {
    const { rows } = await host.run(sql, b.params, options);
    return rows[0];
  } catch (err) {
    throw host.duplicate(def, err, insertRow);
  }
}

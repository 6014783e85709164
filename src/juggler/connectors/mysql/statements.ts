import { createHash } from 'crypto';
import { StoreUnavailableError } from '../../../errors';
import type { ModelDefinition } from '../../model-definition';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import { matches } from '../sql/error-table';
import type { SqlStatementHost, SqlStatements } from '../sql/sql-dialect';
import { duplicateKeyName, mysqlErrors } from './errors';

/**
 * UPDATE by id, then INSERT when it matched no row; an INSERT that meets a row inserted since
 * (duplicate primary key) goes back to the UPDATE. Unlike INSERT … ON DUPLICATE KEY UPDATE,
 * this never updates the row holding another unique value, and it tells an update that changed
 * nothing from an insert. The connection counts matched rows (mysql2's FOUND_ROWS flag), so a
 * row set to its own values still counts as found.
 */
async function upsert(
  host: SqlStatementHost,
  def: ModelDefinition,
  insertRow: Row,
  updateRow: Row,
  options: OperationOptions,
): Promise<UpsertResult> {
  const idName = def.idName!;
  const id = insertRow[idName];
  for (let attempt = 0; ; attempt++) {
    if (await updateMatched(host, def, id, updateRow, options)) {
      // A replace wrote every column: the row is known without reading it back.
      if (def.propertyNames.every((n) => n in updateRow))
        return { row: { ...updateRow, [idName]: id }, created: false };
      const row = await host.findById(def, id, options);
      if (row) return { row, created: false };
      // Deleted between the two statements: it is created anew below.
    }
    const b = host.builder(def);
    const { cols, vals } = host.insertColumns(def, insertRow, b);
    try {
      const { insertId } = await host.run(
        `INSERT INTO ${host.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')})`,
        b.params,
        options,
      );
      return { row: { ...insertRow, [idName]: id ?? insertId }, created: true };
    } catch (err) {
      if (attempt < 3 && matches(mysqlErrors.duplicateKey, err) && duplicateKeyName(err) === 'PRIMARY')
        continue;
      throw host.duplicate(def, err, insertRow);
    }
  }
}

/** Sets the row's non-id properties on the row with this id; true when such a row exists. */
async function updateMatched(
  host: SqlStatementHost,
  def: ModelDefinition,
  id: unknown,
  row: Row,
  options: OperationOptions,
): Promise<boolean> {
  const idName = def.idName!;
  const b = host.builder(def);
  const idCol = host.col(def, idName);
  const sets = Object.keys(row)
    .filter((n) => n !== idName && def.properties[n] && row[n] !== undefined)
    .map((n) => `${host.col(def, n)} = ${b.param(host.toDb(def.properties[n], row[n]))}`);
  if (!sets.length) sets.push(`${idCol} = ${idCol}`);
  try {
    const { affected } = await host.run(
      `UPDATE ${host.table(def)} SET ${sets.join(', ')} WHERE ${idCol} = ${b.param(id)}`,
      b.params,
      options,
    );
    return affected > 0;
  } catch (err) {
    throw host.duplicate(def, err, row);
  }
}

/**
 * A named lock (GET_LOCK) on a hash of the key, on the caller's transaction's connection
 * (released once that transaction has ended, so a waiter reads what the holder committed) or
 * on a connection of its own whose writes commit as they run (released when `fn` is done).
 * `lockTimeout` (s, default 10) bounds the wait.
 */
function exclusive<T>(
  host: SqlStatementHost,
  def: ModelDefinition,
  key: string,
  options: OperationOptions,
  fn: (options: OperationOptions) => Promise<T>,
): Promise<T> {
  const name =
    'loopline:' +
    createHash('sha1')
      .update(`${host.table(def)}:${key}`)
      .digest('hex');
  const wait = host.settings.lockTimeout !== undefined ? Number(host.settings.lockTimeout) : 10;
  return host.onOwnConnection(options, async (tx, inner) => {
    const { rows } = await host.run('SELECT GET_LOCK(?, ?) AS got', [name, wait], inner);
    if (Number(rows[0]?.got) !== 1)
      throw new StoreUnavailableError(
        `Waited ${wait}s for another writer of the same ${def.name} to finish; retry later`,
      );
    tx.atEnd((runner) => runner.query('SELECT RELEASE_LOCK(?)', [name]));
    return fn(inner);
  });
}

export const mysqlStatements: SqlStatements = { upsert, exclusive };

import { DuplicateIdError } from '../../../errors';
import type { ModelDefinition } from '../../model-definition';
import { UniqueKey, uniqueKeysOf } from '../../unique-keys';
import { blank } from '../../validations/rules';
import type { Row } from '../connector';
import type { MemoryTable } from './memory-table';

/** The row's value of the key as one string, or undefined when the key does not apply to it. */
function keyText(key: UniqueKey, row: Row): string | undefined {
  const values = key.properties.map((p) => row[p]);
  if (
    key.source === 'index'
      ? values.some((v) => v === undefined || v === null)
      : blank(values[0]) && !key.allowNull
  )
    return undefined;
  return JSON.stringify(
    values.map((v) =>
      v instanceof Date
        ? `d${v.getTime()}`
        : key.ignoreCase && typeof v === 'string'
          ? v.toLowerCase()
          : (v ?? null),
    ),
  );
}

/**
 * The memory store's unique keys: checked and written in one synchronous step (no await between
 * the check and `table.set`), so of concurrent writes of one value exactly one gets in. The
 * others get the 409 a SQL store's unique index gives, naming the key's property, which the
 * DAO turns into the 422 of a sequential duplicate when a uniqueness rule declared the key.
 * `writes` are the rows about to be stored, each with the stored row it replaces (if any).
 */
export function assertUnique(
  def: ModelDefinition,
  table: MemoryTable,
  writes: ReadonlyArray<{ row: Row; replaces?: Row }>,
): void {
  const keys = uniqueKeysOf(def);
  if (!keys.length || !writes.length) return;
  let replaced: Set<Row | undefined> | undefined;
  for (const key of keys) {
    const taken = new Set<string>();
    for (const { row } of writes) {
      const text = keyText(key, row);
      if (text === undefined) continue;
      if (taken.has(text)) throw new DuplicateIdError(def.name, key.property, row[key.property]);
      taken.add(text);
    }
    if (!taken.size) continue;
    const index = table.uniqueIndex(signatureOf(key), (row) => keyText(key, row));
    let clashes: Row[] | undefined;
    for (const text of taken) {
      const holders = index.get(text);
      if (!holders) continue;
      replaced ??= new Set(writes.map((w) => w.replaces));
      for (const row of holders) if (!replaced.has(row)) (clashes ??= []).push(row);
    }
    if (!clashes) continue;
    // The stored row named is the first clash in the table's order, as a scan of the table finds it.
    const first = clashes.length === 1 ? clashes[0] : table.rows().find((row) => clashes.includes(row))!;
    throw new DuplicateIdError(def.name, key.property, first[key.property]);
  }
}

/** What a key's text depends on: rows index alike under keys with the same signature. */
function signatureOf(key: UniqueKey): string {
  return `${key.source}|${key.ignoreCase}|${key.allowNull}|${JSON.stringify(key.properties)}`;
}

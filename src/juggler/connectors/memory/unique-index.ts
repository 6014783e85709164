type Row = Record<string, unknown>;

/** A row's text under a unique key; undefined when the key does not apply to the row. */
export type KeyText = (row: Row) => string | undefined;

interface UniqueIndex {
  text: KeyText;
  rows: Map<string, Row[]>;
}

/**
 * A memory table's unique-key indexes: key text → the stored rows holding it (usually one; more
 * only when rows were stored before the key existed, or loaded from a file). Each is built on the
 * first write that checks its key, then kept by every write (stored rows are replaced, never
 * edited), so checking a write costs a lookup instead of a scan of the table.
 */
export class UniqueIndexes {
  private readonly bySignature = new Map<string, UniqueIndex>();

  get size(): number {
    return this.bySignature.size;
  }

  get(signature: string, text: KeyText, rows: Iterable<Row>): ReadonlyMap<string, readonly Row[]> {
    let index = this.bySignature.get(signature);
    if (!index) {
      index = { text, rows: new Map() };
      for (const row of rows) add(index, row);
      this.bySignature.set(signature, index);
    }
    return index.rows;
  }

  /** A write: `before` leaves the table (if any), `after` enters it (if any). */
  replace(before: Row | undefined, after: Row | undefined): void {
    for (const index of this.bySignature.values()) {
      if (before !== undefined) remove(index, before);
      if (after !== undefined) add(index, after);
    }
  }

  clear(): void {
    this.bySignature.clear();
  }
}

function add(index: UniqueIndex, row: Row): void {
  const text = index.text(row);
  if (text === undefined) return;
  const list = index.rows.get(text);
  if (list) list.push(row);
  else index.rows.set(text, [row]);
}

function remove(index: UniqueIndex, row: Row): void {
  const text = index.text(row);
  if (text === undefined) return;
  const list = index.rows.get(text);
  const at = list ? list.indexOf(row) : -1;
  if (at < 0) return;
  if (list!.length === 1) index.rows.delete(text);
  else list!.splice(at, 1);
}

import type { ModelDefinition } from '../../model-definition';

type Row = Record<string, unknown>;

interface Entry {
  row: Row;
  /** Insertion sequence: the default order among keys that are not integer-like. */
  readonly seq: number;
  /** The row as JSON text, kept only when the store persists to a file (the file holds it so). */
  json: string | undefined;
}

/**
 * One model's rows, keyed by the id's string form (so 1 and '1' are the same row, as in LB3).
 *
 * The default order is LB3's memory order, which came from keeping rows in a plain object:
 * integer-like ids ascending first, then the other ids in insertion order (observed: ids created
 * as 10, 2, 5 are found as 2, 5, 10). The Map is kept in that order lazily: auto-increment ids
 * arrive in order, and only a client-chosen smaller id costs one re-sort before the next read.
 */
export class MemoryTable {
  def: ModelDefinition;
  /** The next auto-increment id, as LB3's file stores it in `ids`. */
  nextId = 1;
  private entries = new Map<string, Entry>();
  private seq = 0;
  private maxIndexKey = -1;
  private hasOtherKeys = false;
  private unordered = false;

  constructor(
    def: ModelDefinition,
    private readonly keepJson: boolean,
  ) {
    this.def = def;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Row | undefined {
    return this.entries.get(key)?.row;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Inserts or replaces; a replaced row keeps its place. `json` is the row's text if already known. */
  set(key: string, row: Row, json?: string): void {
    const text = this.keepJson ? (json ?? JSON.stringify(row)) : undefined;
    const existing = this.entries.get(key);
    if (existing) {
      existing.row = row;
      existing.json = text;
      return;
    }
    const index = indexKey(key);
    if (index >= 0) {
      if (index < this.maxIndexKey || this.hasOtherKeys) this.unordered = true;
      if (index > this.maxIndexKey) this.maxIndexKey = index;
    } else {
      this.hasOtherKeys = true;
    }
    this.entries.set(key, { row, seq: this.seq++, json: text });
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.maxIndexKey = -1;
    this.hasOtherKeys = false;
    this.unordered = false;
  }

  /** Every row in the default order. */
  rows(): Row[] {
    this.reorder();
    const out = new Array<Row>(this.entries.size);
    let i = 0;
    for (const e of this.entries.values()) out[i++] = e.row;
    return out;
  }

  /** The rows with these keys (missing ones skipped, duplicates once), in the default order. */
  pick(keys: readonly string[]): Row[] {
    const found: Array<[string, Entry]> = [];
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) continue;
      seen.add(k);
      const e = this.entries.get(k);
      if (e) found.push([k, e]);
    }
    if (found.length > 1) found.sort(compareEntries);
    return found.map(([, e]) => e.row);
  }

  /** Key → JSON text, in the default order, for the file. */
  jsonRows(): Record<string, string> {
    const out: Record<string, string> = Object.create(null);
    for (const [k, e] of this.entries) out[k] = e.json ?? JSON.stringify(e.row);
    return out;
  }

  private reorder(): void {
    if (!this.unordered) return;
    this.entries = new Map(Array.from(this.entries).sort(compareEntries));
    this.unordered = false;
  }
}

function compareEntries(a: [string, Entry], b: [string, Entry]): number {
  const x = indexKey(a[0]);
  const y = indexKey(b[0]);
  if (x >= 0 && y >= 0) return x - y;
  if (x >= 0) return -1;
  if (y >= 0) return 1;
  return a[1].seq - b[1].seq;
}

/** The key as an array index (what a JS object orders first), or -1. */
function indexKey(key: string): number {
  if (key.length === 0 || key.length > 10) return -1;
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && key.length > 1)) return -1;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 48 || d > 57) return -1;
  }
  const n = Number(key);
  return n < 4294967295 ? n : -1;
}

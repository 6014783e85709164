import type { ModelDefinition } from '../../model-definition';
import { copyValue } from './row-copy';

type Row = Record<string, unknown>;

interface Entry {
  row: Row;
  /** Insertion sequence: the default order among keys that are not integer-like. */
  readonly seq: number;
  /** The key as an array index, or -1 (computed once; the default order sorts on it). */
  readonly index: number;
  /** Place in the default order when the indexes were last built. */
  position: number;
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
/** Positions to sort, reused by every lookup (rows are read synchronously, one lookup at a time). */
let scratch = new Float64Array(1024);

export class MemoryTable {
  def: ModelDefinition;
  /** The next auto-increment id, as LB3's file stores it in `ids`. */
  nextId = 1;
  private entries = new Map<string, Entry>();
  private seq = 0;
  private maxIndexKey = -1;
  private hasOtherKeys = false;
  private unordered = false;
  /** Property → value key → entries (in default order); built on first use, dropped on any write. */
  private indexes = new Map<string, Map<string, Entry[]>>();
  /** The entries by `position`, built with the indexes (a merge of index lists sorts positions). */
  private ordered: Entry[] = [];
  /**
   * Every key any stored row has held, and those that ever held an object (Date, array, nested
   * object): supersets kept at write time, so a read copies a row with one spread and deep-copies
   * only those keys, and can tell the model every key is a defined property without looking.
   */
  private readonly seenKeys = new Set<string>();
  private objectKeys: string[] = [];
  private knownKeysFor: { def: ModelDefinition; seen: number; known: boolean } | undefined;

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
    if (this.indexes.size) this.indexes.clear();
    this.noteKeys(row);
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
    this.entries.set(key, { row, seq: this.seq++, index, position: 0, json: text });
  }

  delete(key: string): boolean {
    if (this.indexes.size) this.indexes.clear();
    return this.entries.delete(key);
  }

  clear(): void {
    this.indexes.clear();
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

  /**
   * The rows whose `prop` equals one of `values` (default order), through a hash index built on
   * first use and kept until the next write, so a foreign-key lookup (an include, a relation read)
   * does not scan. Values must be index keys made by `indexValueKey`.
   */
  lookup(prop: string, valueKeys: readonly string[]): Row[] {
    const index = this.indexes.get(prop) ?? this.buildIndex(prop);
    // Each list is in default order and the lists are disjoint: one list needs no sort, several
    // are merged by sorting their entries' positions (numbers, fixed until the next write).
    const lists: Entry[][] = [];
    let total = 0;
    const seen = valueKeys.length > 1 ? new Set<string>() : undefined;
    for (const vk of valueKeys) {
      if (seen) {
        if (seen.has(vk)) continue;
        seen.add(vk);
      }
      const list = index.get(vk);
      if (!list) continue;
      lists.push(list);
      total += list.length;
    }
    const out = new Array<Row>(total);
    if (lists.length === 1) {
      const list = lists[0];
      for (let i = 0; i < total; i++) out[i] = list[i].row;
      return out;
    }
    // Keys usually arrive in the order their rows were stored (parents in id order, children
    // written parent by parent), so the lists often follow one another already: then no sort.
    let n = 0;
    let last = -1;
    let ascending = true;
    for (const list of lists) {
      if (list[0].position < last) ascending = false;
      for (const e of list) out[n++] = e.row;
      last = list[list.length - 1].position;
    }
    if (ascending) return out;
    // A typed array past 64 bytes is allocated outside the heap, which costs more than the sort:
    // one scratch buffer serves every lookup.
    if (scratch.length < total) scratch = new Float64Array(Math.max(total, scratch.length * 2));
    n = 0;
    for (const list of lists) for (const e of list) scratch[n++] = e.position;
    const positions = scratch.subarray(0, total).sort();
    const ordered = this.ordered;
    for (let i = 0; i < total; i++) out[i] = ordered[positions[i]].row;
    return out;
  }

  /**
   * A private copy of a stored row for a caller: one spread (which defines a `__proto__` key as
   * data, never as the prototype), then a deep copy of the values that can be objects.
   */
  copyOut(row: Row): Row {
    const out: Row = { ...row };
    const keys = this.objectKeys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = out[k];
      if (v !== null && typeof v === 'object') out[k] = copyValue(v);
    }
    return out;
  }

  /** True when no stored row holds a key the model does not define (so rows need no checking). */
  onlyKnownKeys(def: ModelDefinition): boolean {
    const cached = this.knownKeysFor;
    if (cached && cached.def === def && cached.seen === this.seenKeys.size) return cached.known;
    let known = true;
    for (const k of this.seenKeys) {
      if (!Object.prototype.hasOwnProperty.call(def.properties, k)) {
        known = false;
        break;
      }
    }
    this.knownKeysFor = { def, seen: this.seenKeys.size, known };
    return known;
  }

  private noteKeys(row: Row): void {
    for (const k in row) {
      if (!this.seenKeys.has(k)) this.seenKeys.add(k);
      const v = row[k];
      if (v !== null && typeof v === 'object' && !this.objectKeys.includes(k))
        this.objectKeys = [...this.objectKeys, k];
    }
  }

  private buildIndex(prop: string): Map<string, Entry[]> {
    this.reorder();
    const index = new Map<string, Entry[]>();
    const ordered = new Array<Entry>(this.entries.size);
    let position = 0;
    for (const e of this.entries.values()) {
      ordered[position] = e;
      e.position = position++;
      const vk = indexValueKey(e.row[prop]);
      if (vk === undefined) continue;
      const list = index.get(vk);
      if (list) list.push(e);
      else index.set(vk, [e]);
    }
    this.ordered = ordered;
    this.indexes.set(prop, index);
    return index;
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
  const x = a[1].index;
  const y = b[1].index;
  if (x >= 0 && y >= 0) return x - y;
  if (x >= 0) return -1;
  if (y >= 0) return 1;
  return a[1].seq - b[1].seq;
}

/** A value's key in a hash index: typed, so 1 and '1' differ; undefined for what is not indexed. */
export function indexValueKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + v;
    case 'boolean':
      return v ? 'bt' : 'bf';
    default:
      return v instanceof Date ? 'd' + v.getTime() : undefined;
  }
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

import type { ModelDefinition } from '../../model-definition';
import { copyValue } from './row-copy';
import { UniqueIndexes, type KeyText } from './unique-index';

type Row = Record<string, unknown>;

/**
 * A row's key in its table: the id as an array index (a number) when its text is one, otherwise
 * that text. So 1 and '1' are the same row, as in LB3 (whose memory store kept rows in a plain
 * object), and the usual integer ids key the Map as small integers: no key string per row.
 */
export type TableKey = number | string;

export function tableKey(id: unknown): TableKey {
  if (typeof id === 'number') {
    // An integer in the array-index range is its own key (String(id) would be index-like text);
    // any other number's text never is (a sign, a point or an exponent).
    return Number.isInteger(id) && id >= 0 && id < 4294967295 ? id + 0 : String(id);
  }
  const text = typeof id === 'string' ? id : String(id);
  const index = indexKey(text);
  return index >= 0 ? index : text;
}

/**
 * One model's rows. The Map holds each stored row itself, keyed by `tableKey` — nothing else per
 * row: no wrapper object, no key string for integer ids, and the JSON text only when the store
 * persists to a file (its own Map then).
 *
 * The default order is LB3's memory order, which came from keeping rows in a plain object:
 * integer-like ids ascending first, then the other ids in insertion order (observed: ids created
 * as 10, 2, 5 are found as 2, 5, 10). The Map is kept in that order lazily: auto-increment ids
 * arrive in order, and only a client-chosen smaller id (or an integer id after a text one) costs
 * one stable re-sort before the next read.
 */
/** Positions to sort, reused by every lookup (rows are read synchronously, one lookup at a time). */
let scratch = new Float64Array(1024);

export class MemoryTable {
  def: ModelDefinition;
  /** The next auto-increment id, as LB3's file stores it in `ids`. */
  nextId = 1;
  private entries = new Map<TableKey, Row>();
  /** Insertion sequence of the text keys (the default order among them); integer keys sort by value. */
  private readonly textSeq = new Map<string, number>();
  private seq = 0;
  private maxIndexKey = -1;
  private unordered = false;
  /** The rows' JSON text by key, kept only when the store persists to a file (the file holds it so). */
  private readonly json: Map<TableKey, string> | undefined;
  /**
   * Property → value key → positions in `ordered` (ascending); built on first use, dropped on any
   * write. Positions are small integers, so a list costs a few bytes per row.
   */
  private indexes = new Map<string, Map<string, number[]>>();
  /** The unique keys' indexes, unlike `indexes` kept up to date by every write once built. */
  private readonly unique = new UniqueIndexes();
  /** The rows in default order, built with the indexes. */
  private ordered: Row[] = [];
  /**
   * Every key any stored row has held, and those that ever held an object (Date, array, nested
   * object): supersets kept at write time, so a read copies a row with one spread and deep-copies
   * only those keys, and can tell the model every key is a defined property without looking.
   */
  private readonly seenKeys = new Set<string>();
  private objectKeys: string[] = [];
  private knownKeysFor: { def: ModelDefinition; seen: number; known: boolean } | undefined;

  constructor(def: ModelDefinition, keepJson: boolean) {
    this.def = def;
    this.json = keepJson ? new Map() : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: unknown): Row | undefined {
    return this.entries.get(tableKey(id));
  }

  has(id: unknown): boolean {
    return this.entries.has(tableKey(id));
  }

  /** Inserts or replaces; a replaced row keeps its place. `json` is the row's text if already known. */
  set(id: unknown, row: Row, json?: string): void {
    if (this.indexes.size) this.indexes.clear();
    this.noteKeys(row);
    const key = tableKey(id);
    if (this.json) this.json.set(key, json ?? JSON.stringify(row));
    const entries = this.entries;
    const replaced = entries.get(key);
    if (this.unique.size) this.unique.replace(replaced, row);
    if (replaced !== undefined) {
      entries.set(key, row);
      return;
    }
    if (typeof key === 'number') {
      if (key < this.maxIndexKey || this.textSeq.size) this.unordered = true;
      if (key > this.maxIndexKey) this.maxIndexKey = key;
    } else {
      this.textSeq.set(key, this.seq++);
    }
    entries.set(key, row);
  }

  delete(id: unknown): boolean {
    if (this.indexes.size) this.indexes.clear();
    const key = tableKey(id);
    if (typeof key === 'string') this.textSeq.delete(key);
    this.json?.delete(key);
    if (this.unique.size) this.unique.replace(this.entries.get(key), undefined);
    return this.entries.delete(key);
  }

  clear(): void {
    this.indexes.clear();
    this.unique.clear();
    this.entries.clear();
    this.textSeq.clear();
    this.json?.clear();
    this.maxIndexKey = -1;
    this.unordered = false;
  }

  /**
   * The stored rows by their text under a unique key (`signature` names the key, `text` reads a
   * row's text, undefined when the key does not apply): built on first use, then kept by writes.
   */
  uniqueIndex(signature: string, text: KeyText): ReadonlyMap<string, readonly Row[]> {
    return this.unique.get(signature, text, this.entries.values());
  }

  /** Every row in the default order. */
  rows(): Row[] {
    this.reorder();
    const out = new Array<Row>(this.entries.size);
    let i = 0;
    for (const row of this.entries.values()) out[i++] = row;
    return out;
  }

  /** The rows from `skip` up to `end` (exclusive) in the default order, without listing the others. */
  slice(skip: number, end: number): Row[] {
    this.reorder();
    const out: Row[] = [];
    if (end <= skip) return out;
    let i = 0;
    for (const row of this.entries.values()) {
      if (i >= end) break;
      if (i++ >= skip) out.push(row);
    }
    return out;
  }

  /** The rows with these ids (missing ones skipped, duplicates once), in the default order. */
  pick(ids: readonly unknown[]): Row[] {
    const found: Array<[TableKey, Row]> = [];
    const seen = ids.length > 1 ? new Set<TableKey>() : undefined;
    for (const id of ids) {
      const k = tableKey(id);
      if (seen) {
        if (seen.has(k)) continue;
        seen.add(k);
      }
      const row = this.entries.get(k);
      if (row) found.push([k, row]);
    }
    if (found.length > 1) found.sort((a, b) => this.compareKeys(a[0], b[0]));
    return found.map(([, row]) => row);
  }

  /**
   * The rows whose `prop` equals one of `values` (default order), through a hash index built on
   * first use and kept until the next write, so a foreign-key lookup (an include, a relation read)
   * does not scan. Values must be index keys made by `indexValueKey`.
   */
  lookup(prop: string, valueKeys: readonly string[]): Row[] {
    const index = this.indexes.get(prop) ?? this.buildIndex(prop);
    const ordered = this.ordered;
    // Each list is ascending and the lists are disjoint: one list needs no sort, several are
    // merged by sorting their positions (numbers, fixed until the next write).
    const lists: number[][] = [];
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
    // Keys usually arrive in the order their rows were stored (parents in id order, children
    // written parent by parent), so the lists often follow one another already: then no sort.
    let n = 0;
    let last = -1;
    let ascending = true;
    for (const list of lists) {
      if (list[0] < last) ascending = false;
      for (let i = 0; i < list.length; i++) out[n++] = ordered[list[i]];
      last = list[list.length - 1];
    }
    if (ascending) return out;
    // A typed array past 64 bytes is allocated outside the heap, which costs more than the sort:
    // one scratch buffer serves every lookup.
    if (scratch.length < total) scratch = new Float64Array(Math.max(total, scratch.length * 2));
    n = 0;
    for (const list of lists) for (let i = 0; i < list.length; i++) scratch[n++] = list[i];
    const positions = scratch.subarray(0, total).sort();
    for (let i = 0; i < total; i++) out[i] = ordered[positions[i]];
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

  private buildIndex(prop: string): Map<string, number[]> {
    this.reorder();
    const index = new Map<string, number[]>();
    const ordered = new Array<Row>(this.entries.size);
    let position = 0;
    for (const row of this.entries.values()) {
      ordered[position] = row;
      const vk = indexValueKey(row[prop]);
      if (vk !== undefined) {
        const list = index.get(vk);
        if (list) list.push(position);
        else index.set(vk, [position]);
      }
      position++;
    }
    this.ordered = ordered;
    this.indexes.set(prop, index);
    return index;
  }

  /** Key → JSON text, in the default order, for the file. */
  jsonRows(): Record<string, string> {
    const out: Record<string, string> = Object.create(null);
    for (const [k, row] of this.entries) out[k] = this.json?.get(k) ?? JSON.stringify(row);
    return out;
  }

  /** Integer keys ascending first, then text keys in insertion order. */
  private compareKeys(a: TableKey, b: TableKey): number {
    if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
    if (typeof b === 'number') return 1;
    return (this.textSeq.get(a) ?? 0) - (this.textSeq.get(b) ?? 0);
  }

  private reorder(): void {
    if (!this.unordered) return;
    this.entries = new Map(Array.from(this.entries).sort((a, b) => this.compareKeys(a[0], b[0])));
    this.unordered = false;
  }
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

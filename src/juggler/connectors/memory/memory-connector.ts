import { randomUUID } from 'crypto';
import { DuplicateIdError } from '../../../errors';
import { assertUnique } from './unique-check';
import { debugFor } from '../../../util/debug';
import type { Connector, ConnectorCapabilities, OperationOptions, Row } from '../connector';
import type { ModelDefinition } from '../../model-definition';
import type { NormalizedFilter, WhereClause } from '../../filter/types';
import { compileWhere, findNear } from '../../filter/where-matcher';
import { compileDistanceOrder, sortRows } from '../../filter/order';
import { copyRow, copyValue } from './row-copy';
import { FileStore, MemoryFileContent } from './file-store';
import { indexValueKey, MemoryTable } from './memory-table';
import { reviveRow } from './revive';
import { KeyedMutex } from '../keyed-mutex';

const debug = debugFor('connector:memory');

export interface MemorySettings {
  /** Persist to this JSON file (LB3's memory-connector format), written atomically after each change. */
  file?: string;
  [key: string]: unknown;
}

/**
 * The embedded default store. Rows live in a Map per model keyed by id, so lookups by id (and
 * where clauses that are only `{id: v}` or `{id: {inq: [...]}}`) never scan; every other query is
 * one filtered pass. Rows are private: values are copied on the way in and on the way out.
 */
export class MemoryConnector implements Connector {
  readonly name = 'memory';
  readonly capabilities: ConnectorCapabilities = Object.freeze({
    defaultIdType: 'Number',
    regexp: true,
    geo: true,
    transactions: false,
    freeformProperties: true,
  });
  private readonly tables = new Map<string, MemoryTable>();
  private readonly fileStore: FileStore | undefined;
  private loaded: MemoryFileContent | undefined;

  constructor(settings: MemorySettings = {}) {
    this.fileStore =
      typeof settings.file === 'string' && settings.file
        ? new FileStore(settings.file, () => this.snapshot())
        : undefined;
  }

  async connect(): Promise<void> {
    if (!this.fileStore || this.loaded) return;
    this.loaded = this.fileStore.load() ?? { ids: {}, models: {} };
    for (const table of this.tables.values()) this.restore(table);
    debug('loaded %s', this.fileStore.file);
  }

  async disconnect(): Promise<void> {
    await this.fileStore?.flush();
  }

  define(def: ModelDefinition): void {
    const existing = this.tables.get(def.name);
    if (existing) {
      // A redefinition (defineProperty, autoupdate) keeps the rows.
      existing.def = def;
      return;
    }
    const table = new MemoryTable(def, this.fileStore !== undefined);
    this.tables.set(def.name, table);
    if (this.loaded) this.restore(table);
  }

  private restore(table: MemoryTable): void {
    const name = table.def.name;
    const data = Object.prototype.hasOwnProperty.call(this.loaded!.models, name)
      ? this.loaded!.models[name]
      : undefined;
    const nextId = this.loaded!.ids[name];
    if (typeof nextId === 'number' && nextId > table.nextId) table.nextId = nextId;
    if (!data) return;
    for (const key of Object.keys(data)) {
      const text = data[key];
      table.set(key, reviveRow(table.def, JSON.parse(text) as Row), text);
      const n = Number(key);
      if (Number.isInteger(n) && n >= table.nextId) table.nextId = n + 1;
    }
  }

  private snapshot(): MemoryFileContent {
    const out: MemoryFileContent = { ids: {}, models: {} };
    // Models in the file that this app does not define are kept, not silently dropped.
    if (this.loaded) {
      for (const [name, id] of Object.entries(this.loaded.ids)) out.ids[name] = id;
      for (const [name, rows] of Object.entries(this.loaded.models)) out.models[name] = rows;
    }
    for (const [name, table] of this.tables) {
      out.ids[name] = table.nextId;
      out.models[name] = table.jsonRows();
    }
    return out;
  }

  rowsHoldOnlyDefinedKeys(def: ModelDefinition): boolean {
    return this.tableOf(def).onlyKnownKeys(def);
  }

  private tableOf(def: ModelDefinition): MemoryTable {
    let t = this.tables.get(def.name);
    if (!t) {
      this.define(def);
      t = this.tables.get(def.name)!;
    }
    return t;
  }

  /** Resolves once the change just made is on disk (immediately without a file). */
  private persisted(): Promise<void> {
    return this.fileStore ? this.fileStore.persist() : Promise.resolve();
  }

  /** The ids a where clause pins down without a scan: `{id: v}`, `{id: {eq: v}}` or `{id: {inq: [...]}}`. */
  private idKeys(def: ModelDefinition, where: WhereClause | undefined): unknown[] | undefined {
    const idName = def.idName;
    if (!where || !idName) return undefined;
    const keys = Object.keys(where);
    if (keys.length !== 1 || keys[0] !== idName) return undefined;
    const cond = where[idName];
    if (cond === null) return [];
    if (typeof cond !== 'object' || cond instanceof Date) return [cond];
    if (cond instanceof RegExp || Array.isArray(cond)) return undefined;
    const ops = cond as Record<string, unknown>;
    const opKeys = Object.keys(ops);
    if (opKeys.length !== 1) return undefined;
    if (opKeys[0] === 'inq') return (ops.inq as unknown[]).filter((v) => v !== null && typeof v !== 'object');
    if (opKeys[0] === 'eq') return ops.eq === null ? [] : typeof ops.eq !== 'object' ? [ops.eq] : undefined;
    return undefined;
  }

  /**
   * A top-level equality or `inq` on a scalar property, answerable by the table's hash index:
   * `{customerId: 5}`, `{customerId: {inq: [1, 2]}}`. Other conditions beside it are then tested
   * on the candidates only.
   */
  private indexedCondition(
    def: ModelDefinition,
    where: WhereClause,
  ): { prop: string; valueKeys: string[] } | undefined {
    for (const prop of Object.keys(where)) {
      const type = def.properties[prop]?.kind.name;
      if (type !== 'String' && type !== 'Number' && type !== 'Boolean' && type !== 'Date') continue;
      const cond = where[prop];
      let values: unknown[] | undefined;
      if (cond !== null && (typeof cond !== 'object' || cond instanceof Date)) values = [cond];
      else if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
        const ops = Object.keys(cond);
        if (ops.length === 1 && ops[0] === 'inq' && Array.isArray((cond as any).inq))
          values = (cond as any).inq;
        else if (ops.length === 1 && ops[0] === 'eq' && (cond as any).eq !== null)
          values = [(cond as any).eq];
      }
      if (!values) continue;
      const valueKeys: string[] = [];
      let indexable = true;
      for (const v of values) {
        const vk = indexValueKey(v);
        if (vk === undefined) {
          indexable = false;
          break;
        }
        valueKeys.push(vk);
      }
      if (indexable) return { prop, valueKeys };
    }
    return undefined;
  }

  /**
   * Matching stored rows (not copies), in the default order; the first `stopAt` of them when the
   * caller needs no more (a page of an unordered query stops scanning once it is full).
   */
  private matching(table: MemoryTable, where: WhereClause | undefined, stopAt = Infinity): Row[] {
    const keys = this.idKeys(table.def, where);
    if (keys) return table.pick(keys);
    if (!where) return stopAt === Infinity ? table.rows() : table.slice(0, stopAt);
    const indexed = this.indexedCondition(table.def, where);
    if (indexed) {
      const candidates = table.lookup(indexed.prop, indexed.valueKeys);
      if (Object.keys(where).length === 1) return candidates;
      const test = compileWhere(where);
      return candidates.filter((row) => test(row));
    }
    const rows = table.rows();
    const test = compileWhere(where);
    const out: Row[] = [];
    for (let i = 0; i < rows.length && out.length < stopAt; i++) if (test(rows[i])) out.push(rows[i]);
    return out;
  }

  /** The id of a stored row (its table key is made from it). */
  private idOf(def: ModelDefinition, row: Row): unknown {
    return def.idName ? row[def.idName] : '';
  }

  async create(def: ModelDefinition, data: Row, _options: OperationOptions): Promise<unknown> {
    const table = this.tableOf(def);
    const idName = def.idName;
    const row = copyRow(data);
    let key: unknown;
    let id: unknown;
    if (!idName) {
      // A model without an id still needs a key; the row does not see it.
      key = table.nextId++;
    } else {
      id = row[idName];
      if (id === undefined || id === null) {
        id = def.properties[idName]?.kind.name === 'String' ? randomUUID() : table.nextId++;
        row[idName] = id;
      } else if (typeof id === 'number' && Number.isInteger(id) && id >= table.nextId) {
        table.nextId = id + 1;
      }
      key = id;
      // LB3: 409 "Duplicate entry for Customer.id" (the value is not in the message).
      if (table.has(key)) throw new DuplicateIdError(def.name, idName, id);
    }
    assertUnique(def, table, [{ row }]);
    table.set(key, row);
    await this.persisted();
    return id;
  }

  async find(def: ModelDefinition, filter: NormalizedFilter, _options: OperationOptions): Promise<Row[]> {
    const table = this.tableOf(def);
    const skip = filter.skip ?? 0;
    const near = findNear(filter.where);
    // Without an order the page is the first matches: the scan stops there.
    const stopAt = near || filter.order || filter.limit === undefined ? Infinity : skip + filter.limit;
    let rows = this.matching(table, filter.where, stopAt);
    // LB3 orders by distance when `near` is used; an explicit order still wins, distance breaks ties.
    if (near) rows = rows.slice().sort(compileDistanceOrder(near.path, near.point));
    if (filter.order)
      rows = sortRows(rows, filter.order, filter.limit !== undefined ? skip + filter.limit : undefined);
    const end = filter.limit !== undefined ? Math.min(skip + filter.limit, rows.length) : rows.length;
    const out = new Array<Row>(Math.max(0, end - skip));
    if (filter.fields) for (let i = skip; i < end; i++) out[i - skip] = copyRow(rows[i], filter.fields);
    else for (let i = skip; i < end; i++) out[i - skip] = table.copyOut(rows[i]);
    return out;
  }

  async findById(def: ModelDefinition, id: unknown, _options: OperationOptions): Promise<Row | null> {
    if (id === undefined || id === null) return null;
    const table = this.tableOf(def);
    const row = table.get(id);
    return row ? table.copyOut(row) : null;
  }

  async count(
    def: ModelDefinition,
    where: WhereClause | undefined,
    _options: OperationOptions,
  ): Promise<number> {
    const table = this.tableOf(def);
    if (!where) return table.size;
    return this.matching(table, where).length;
  }

  async updateAll(
    def: ModelDefinition,
    where: WhereClause | undefined,
    data: Row,
    _options: OperationOptions,
  ): Promise<number> {
    const table = this.tableOf(def);
    const rows = this.matching(table, where);
    const names = Object.keys(data).filter((k) => k !== def.idName);
    const writes = rows.map((row) => {
      const next = { ...row };
      for (const k of names) next[k] = copyValue(data[k]);
      return { row: next, replaces: row };
    });
    assertUnique(def, table, writes);
    for (const { row: next, replaces } of writes) table.set(this.idOf(def, replaces), next);
    if (rows.length) await this.persisted();
    return rows.length;
  }

  async destroyAll(
    def: ModelDefinition,
    where: WhereClause | undefined,
    _options: OperationOptions,
  ): Promise<number> {
    const table = this.tableOf(def);
    let count: number;
    if (!where) {
      count = table.size;
      table.clear();
    } else {
      const rows = this.matching(table, where);
      for (const row of rows) table.delete(this.idOf(def, row));
      count = rows.length;
    }
    if (count) await this.persisted();
    return count;
  }

  async patchById(
    def: ModelDefinition,
    id: unknown,
    data: Row,
    _options: OperationOptions,
  ): Promise<Row | null> {
    const table = this.tableOf(def);
    const row = table.get(id);
    if (!row) return null;
    const next = { ...row };
    for (const k of Object.keys(data)) if (k !== def.idName) next[k] = copyValue(data[k]);
    assertUnique(def, table, [{ row: next, replaces: row }]);
    table.set(id, next);
    await this.persisted();
    return copyRow(next);
  }

  async replaceById(
    def: ModelDefinition,
    id: unknown,
    data: Row,
    _options: OperationOptions,
  ): Promise<Row | null> {
    const table = this.tableOf(def);
    const row = table.get(id);
    if (!row) return null;
    const next = copyRow(data);
    if (def.idName) next[def.idName] = row[def.idName];
    assertUnique(def, table, [{ row: next, replaces: row }]);
    table.set(id, next);
    await this.persisted();
    return copyRow(next);
  }

  /** Drops the rows of the given models and restarts their ids (memory has no schema to recreate). */
  async automigrate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) {
      const table = this.tableOf(def);
      table.clear();
      table.nextId = 1;
    }
    await this.persisted();
  }

  async autoupdate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) this.tableOf(def).def = def;
  }

  private readonly sections = new KeyedMutex();

  /** Serialises callers with the same key in this process (the memory store has no other). */
  async exclusive<T>(
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    return this.sections.run(`${def.name}:${key}`, () => fn(options));
  }

  async ping(): Promise<void> {
    // Always reachable.
  }
}

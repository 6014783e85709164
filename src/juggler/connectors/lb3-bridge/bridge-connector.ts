import { LooplineError } from '../../../errors';
import type { NormalizedFilter, WhereClause } from '../../filter/types';
import type { ModelDefinition } from '../../model-definition';
import type { Connector, ConnectorCapabilities, OperationOptions, Row } from '../connector';
import { call, callModelMethod, connectLb3, has, Lb3Connector } from './callback-call';
import { BridgeTransaction, lb3TransactionOf } from './bridge-transaction';
import { Lb3DataSource } from './lb3-data-source';
import { isolationLevelOf } from '../sql/sql-transaction';
import { mapStoreError } from './store-errors';
import { lb3Where, whereToSend } from './lb3-where';
import { Lb3Catalog } from './lb3-catalog';

/**
 * Drives a connector written for LB3 (`loopback-connector-*`, callback methods on a connector
 * object) behind loopline's Connector interface. loopline keeps filters, hooks, validation,
 * relations and REST; the LB3 connector only reads and writes rows.
 *
 * Where clauses reach it rewritten by lb3-where.ts, so the answers keep loopline's meaning.
 */
export class Lb3BridgeConnector implements Connector {
  readonly kind = 'data' as const;
  readonly name: string;
  readonly capabilities: ConnectorCapabilities;
  /** LB3 discovery, raw SQL and the like are reached through here (`ds.connector.lb3`). */
  readonly lb3: Lb3Connector;
  /** LB3 discovery as loopline's Catalog (discovery.ts), when the connector offers it. */
  readonly catalog: Lb3Catalog | undefined;
  /** Whether where clauses may name paths into documents (`'address.city'`): not on LB3's SQL connectors, which keep documents as text. */
  private readonly nestedPaths: boolean;

  constructor(
    readonly dataSource: Lb3DataSource,
    private readonly initialized: Promise<unknown>,
    capabilities: Partial<ConnectorCapabilities>,
  ) {
    this.lb3 = dataSource.connector!;
    this.name =
      typeof this.lb3.name === 'string'
        ? this.lb3.name
        : typeof dataSource.settings.connector === 'string'
          ? dataSource.settings.connector
          : 'lb3';
    const sql = has(this.lb3, 'buildWhere') && has(this.lb3, 'executeSQL');
    this.nestedPaths = !sql;
    this.catalog = Lb3Catalog.offeredBy(this.lb3)
      ? new Lb3Catalog(this.lb3, this.name, () => this.connect())
      : undefined;
    const idType = has(this.lb3, 'getDefaultIdType') ? (this.lb3.getDefaultIdType() as unknown) : Number;
    this.capabilities = Object.freeze({
      defaultIdType: idType === String ? 'String' : 'Number',
      regexp: true,
      geo: false,
      transactions: has(this.lb3, 'beginTransaction') && has(this.lb3, 'commit') && has(this.lb3, 'rollback'),
      freeformProperties: !sql,
      ...capabilities,
    });
  }

  /** The connector's own data-access object (LB3's `connector.DataAccessObject`), mixed into the models attached (connector-dao.ts). */
  get DataAccessObject(): unknown {
    const dao = this.lb3.DataAccessObject as unknown;
    return dao && dao !== Lb3DataSource.DataAccessObject ? dao : undefined;
  }

  /**
   * Functions the connector put on its data source (loopback-connector-rest's operations,
   * `dataSource.invoke`) are offered on loopline's data source too, as LB3 code calls them there.
   */
  adoptDataSource(ds: object): void {
    const facade = this.dataSource as unknown as Record<string, unknown>;
    const target = ds as Record<string, unknown>;
    for (const key of Object.keys(facade))
      if (typeof facade[key] === 'function' && !(key in target)) target[key] = facade[key];
  }

  connect(): Promise<void> {
    return connectLb3(this.dataSource, this.initialized, this.lb3, (err) =>
      mapStoreError(err, undefined, this),
    );
  }

  async disconnect(): Promise<void> {
    if (has(this.lb3, 'disconnect')) await call(this.lb3, 'disconnect', []).catch(() => undefined);
    this.dataSource.connected = false;
  }

  define(model: ModelDefinition): void {
    const arg = this.dataSource.defineModel(model);
    if (has(this.lb3, 'define')) this.lb3.define(arg);
  }

  async create(model: ModelDefinition, data: Row, options: OperationOptions): Promise<unknown> {
    const id = await this.invoke(model, 'create', [clean(data)], options);
    // An id the row brought is the id (MySQL's driver answers insertId 0 for a row that named its own).
    const given = model.idName ? data[model.idName] : undefined;
    return given !== undefined && given !== null ? given : id;
  }

  async find(model: ModelDefinition, filter: NormalizedFilter, options: OperationOptions): Promise<Row[]> {
    const where = lb3Where(model, filter.where, this.nestedPaths);
    if (where === false) return [];
    const byId =
      model.idName !== undefined && where !== true && Object.keys(where).length === 1
        ? (where as Row)[model.idName]
        : undefined;
    if (byId !== undefined && byId !== null && typeof byId !== 'object' && !filter.skip) {
      // One id: LB3's findById filter, which connectors such as loopback-connector-rest answer with a GET of that resource.
      const row = await this.findById(model, byId, options);
      return row ? [project(row, filter.fields)] : [];
    }
    const lb3Filter: Record<string, unknown> = {};
    if (where !== true) lb3Filter.where = where;
    if (filter.fields) lb3Filter.fields = [...filter.fields];
    if (filter.order?.length) lb3Filter.order = filter.order.map((o) => `${o.property} ${o.direction}`);
    if (filter.limit !== undefined) lb3Filter.limit = filter.limit;
    if (filter.skip) lb3Filter.skip = filter.skip;
    const rows = await this.invoke<Row[]>(model, 'all', [lb3Filter], options);
    return (rows ?? []).map((r) => toRow(model, r));
  }

  async findById(model: ModelDefinition, id: unknown, options: OperationOptions): Promise<Row | null> {
    const idName = idOf(model);
    // LB3's own findById filter (offset 0 included): connectors such as loopback-connector-rest read it as a GET of one resource.
    try {
      const rows = await this.invoke<Row[]>(
        model,
        'all',
        [{ where: { [idName]: id }, limit: 1, offset: 0, skip: 0 }],
        options,
      );
      return rows?.length ? toRow(model, rows[0]) : null;
    } catch (err) {
      // A REST backend answers 404 for an id it does not have: that is "no row", not a failure.
      if ((err as { statusCode?: unknown }).statusCode === 404) return null;
      throw err;
    }
  }

  async count(
    model: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number> {
    const w = lb3Where(model, where, this.nestedPaths);
    if (w === false) return 0;
    return Number(await this.invoke(model, 'count', [whereToSend(w)], options));
  }

  async updateAll(
    model: ModelDefinition,
    where: WhereClause | undefined,
    data: Row,
    options: OperationOptions,
  ): Promise<number> {
    const w = lb3Where(model, where, this.nestedPaths);
    if (w === false) return 0;
    const method = has(this.lb3, 'update') ? 'update' : 'updateAll';
    // An update that sets nothing is no statement for a SQL connector: it matches what it matches.
    if (!Object.keys(clean(data)).length) return this.count(model, where, options);
    return countOf(await this.invoke(model, method, [whereToSend(w), clean(data)], options));
  }

  async destroyAll(
    model: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number> {
    const w = lb3Where(model, where, this.nestedPaths);
    if (w === false) return 0;
    return countOf(await this.invoke(model, 'destroyAll', [whereToSend(w)], options));
  }

  async patchById(
    model: ModelDefinition,
    id: unknown,
    data: Row,
    options: OperationOptions,
  ): Promise<Row | null> {
    const idName = idOf(model);
    const { [idName]: _sameId, ...patch } = data;
    if (has(this.lb3, 'update') || has(this.lb3, 'updateAll')) {
      const n = await this.updateAll(model, { [idName]: id }, patch, options);
      return n ? { ...data, [idName]: id } : null;
    }
    if (!(await this.exists(model, id, options))) return null;
    await this.invoke(model, 'updateAttributes', [id, clean(patch)], options);
    return { ...data, [idName]: id };
  }

  async replaceById(
    model: ModelDefinition,
    id: unknown,
    data: Row,
    options: OperationOptions,
  ): Promise<Row | null> {
    const idName = idOf(model);
    if (!(await this.exists(model, id, options))) return null;
    const whole: Row = {};
    for (const name of model.propertyNames) if (name !== idName) whole[name] = data[name] ?? null;
    for (const [k, v] of Object.entries(data)) if (k !== idName && v !== undefined) whole[k] = v;
    if (has(this.lb3, 'replaceById')) await this.invoke(model, 'replaceById', [id, whole], options);
    else await this.updateAll(model, { [idName]: id }, whole, options);
    return { ...whole, [idName]: id };
  }

  /** LB3's `beginTransaction(isolationLevel, cb)`, wrapped so loopline can commit, roll back and time it out. */
  async beginTransaction(
    options: { isolationLevel?: string; timeout?: number } = {},
  ): Promise<BridgeTransaction> {
    const level = isolationLevelOf(options);
    await this.connect();
    try {
      const answer = await call(this.lb3, 'beginTransaction', [level]);
      return new BridgeTransaction(this.lb3, lb3TransactionOf(this.lb3, answer), options.timeout);
    } catch (err) {
      throw mapStoreError(err, undefined, this);
    }
  }

  async ping(): Promise<void> {
    if (has(this.lb3, 'ping'))
      await call(this.lb3, 'ping', []).catch((err: unknown) =>
        Promise.reject(mapStoreError(err, undefined, this)),
      );
  }

  /** LB3's `connector.execute(command, params, [options], [cb])`: the store's own command language, promise or callback. */
  execute(command: unknown, ...rest: unknown[]): Promise<unknown> {
    const cb =
      typeof rest[rest.length - 1] === 'function'
        ? (rest.pop() as (err: unknown, result?: unknown) => void)
        : undefined;
    if (!has(this.lb3, 'execute'))
      throw new LooplineError(
        'OPERATION_UNSUPPORTED',
        `The ${this.name} connector does not implement execute()`,
      );
    const promise = this.connect().then(() => call(this.lb3, 'execute', [command, ...rest]));
    if (cb)
      promise.then(
        (r) => cb(null, r),
        (err: unknown) => cb(err),
      );
    return promise;
  }

  automigrate(defs: ModelDefinition[]): Promise<void> {
    return this.schema('automigrate', defs);
  }

  autoupdate(defs: ModelDefinition[]): Promise<void> {
    return this.schema('autoupdate', defs);
  }

  async isActual(defs: ModelDefinition[]): Promise<boolean> {
    if (!has(this.lb3, 'isActual')) return true;
    return Boolean(await call(this.lb3, 'isActual', [defs.map((d) => d.name)]));
  }

  private async schema(kind: 'automigrate' | 'autoupdate', defs: ModelDefinition[]): Promise<void> {
    if (!has(this.lb3, kind)) return;
    for (const def of defs) this.define(def);
    await call(this.lb3, kind, [defs.map((d) => d.name)]);
  }

  /** Whether the row with this id is there. */
  private async exists(model: ModelDefinition, id: unknown, options: OperationOptions): Promise<boolean> {
    // By reading the row: loopback-connector's SqlConnector.exists builds a broken statement on some
    // versions, and a REST backend has no count.
    return (await this.findById(model, id, options)) !== null;
  }

  /** One model method on the LB3 connector, with loopline's transaction handed over and store errors mapped. */
  private async invoke<T = unknown>(
    model: ModelDefinition,
    method: string,
    args: unknown[],
    options: OperationOptions,
  ): Promise<T> {
    if (!has(this.lb3, method))
      throw new LooplineError(
        'OPERATION_UNSUPPORTED',
        `The ${this.name} connector does not implement ${method}()`,
      );
    const tx = options?.transaction;
    let lb3Options: Record<string, unknown> = { ...options };
    if (tx instanceof BridgeTransaction) {
      tx.ensureActive();
      lb3Options = { ...options, transaction: tx.lb3 };
    }
    await this.connect();
    try {
      return await callModelMethod<T>(this.lb3, method, model.name, args, lb3Options);
    } catch (err) {
      throw mapStoreError(err, model, this);
    }
  }
}

function idOf(model: ModelDefinition): string {
  if (!model.idName) throw new LooplineError('MISSING_ID', `${model.name} has no id property`);
  return model.idName;
}

/** LB3 connectors write every own key, undefined included; loopline leaves an undefined property out. */
function clean(data: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(data)) if (v !== undefined) out[k] = v;
  return out;
}

const DOCUMENT_KINDS = new Set(['Object', 'Array', 'Any']);

/**
 * A row as the LB3 connector answered it, in loopline's canonical forms: a document or list the
 * connector kept as JSON text comes back parsed, a date as a Date, a number as a number.
 */
function toRow(model: ModelDefinition, row: unknown): Row {
  const out: Row =
    row && typeof row === 'object' && typeof (row as { toObject?: unknown }).toObject === 'function'
      ? (row as { toObject(): Row }).toObject()
      : { ...(row as Row) };
  for (const [name, value] of Object.entries(out)) {
    const prop = model.properties[name];
    if (!prop || value === null || value === undefined) continue;
    const kind = prop.kind.name;
    if (
      typeof value === 'string' &&
      (kind === 'Object' ||
        kind === 'Array' ||
        prop.kind.model ||
        (kind !== 'Any' && DOCUMENT_KINDS.has(kind)))
    ) {
      try {
        out[name] = JSON.parse(value);
      } catch {
        // Not JSON: the value stays as stored, and loopline's validation says what is wrong with it.
      }
    } else if (
      kind === 'Date' &&
      !(value instanceof Date) &&
      (typeof value === 'string' || typeof value === 'number')
    ) {
      out[name] = new Date(value);
    } else if (
      kind === 'Number' &&
      typeof value === 'string' &&
      value.trim() !== '' &&
      Number.isFinite(Number(value))
    ) {
      out[name] = Number(value);
    }
  }
  return out;
}

function project(row: Row, fields: readonly string[] | undefined): Row {
  if (!fields) return row;
  const out: Row = {};
  for (const f of fields) if (f in row) out[f] = row[f];
  return out;
}

function countOf(info: unknown): number {
  if (typeof info === 'number') return info;
  const n = (info as { count?: unknown } | undefined)?.count;
  return typeof n === 'number' ? n : Number(n ?? 0);
}

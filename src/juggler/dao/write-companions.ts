import type { OperationOptions } from '../connectors/connector';
import type { DaoModel, ModelStore } from './support';
import type { StoreChangeFeed } from '../connectors/change-feed';

/**
 * Work that must commit together with a model's writes: change tracking's change record, the
 * store's change feed. A companion runs right after the store write, before the `loaded` and
 * `after save`/`after delete` observers.
 *
 * On a store with transactions the write and its companions run in one transaction: the caller's
 * (`options.transaction`), or one of the write's own, committed once every companion is done and
 * rolled back when the write or any companion fails (the error then reaches the caller). The app's
 * own `after save` observers run after that commit, so they never hold the transaction open nor
 * wait on its locks. On a store without transactions (memory) the companions run after the write
 * and `inTransaction` is false: a companion reports its own failures and lets the write stand, as
 * LB3 did.
 *
 * A model without companions pays one WeakMap lookup per write.
 */

/** What a write touched: one instance by id, or the rows a where matched (updateAll, destroyAll). */
export interface Written {
  kind: 'save' | 'delete';
  id?: unknown;
  where?: unknown;
  isNewInstance?: boolean;
  /** An updateAll's patch (the change streams of other processes carry it, as LB3's carries it in-process). */
  data?: Record<string, unknown>;
}

export type WriteCompanion = (
  Model: DaoModel,
  written: Written,
  options: OperationOptions,
  inTransaction: boolean,
) => Promise<void>;

const companions = new WeakMap<object, Map<string, WriteCompanion>>();

/** Adds (or replaces) the companion named `name` of the model's writes. */
export function addWriteCompanion(Model: object, name: string, companion: WriteCompanion): void {
  let own = companions.get(Model);
  if (!own) companions.set(Model, (own = new Map()));
  own.set(name, companion);
}

export function removeWriteCompanion(Model: object, name: string): void {
  const own = companions.get(Model);
  if (!own) return;
  own.delete(name);
  if (own.size === 0) companions.delete(Model);
}

/** True when the model's writes have any companion (their notices then go on the store's feed). */
export function hasWriteCompanions(Model: object): boolean {
  return companions.has(Model);
}

export function hasWriteCompanion(Model: object, name: string): boolean {
  return companions.get(Model)?.has(name) ?? false;
}

async function runCompanions(
  Model: DaoModel,
  own: Map<string, WriteCompanion>,
  written: Written,
  options: OperationOptions,
  inTransaction: boolean,
): Promise<void> {
  for (const companion of [...own.values()]) await companion(Model, written, options, inTransaction);
}

/**
 * Runs the store write `write` of `Model` with its companions (see above). `written` says, from
 * the write's result, what it touched. Resolves to the write's result.
 */
export async function writeWithCompanions<T>(
  Model: DaoModel,
  store: ModelStore,
  options: OperationOptions,
  write: (options: OperationOptions) => Promise<T>,
  written: (result: T) => Written | undefined,
): Promise<T> {
  const own = companions.get(Model);
  if (!own) {
    // A plain model's write announces itself only on a data source with `changeFeed: true`
    // (one statement more per write), after the write.
    const feed = store.connector.changeFeed?.();
    const result = await write(options);
    if (feed?.everyModel) await announce(feed, Model, written(result), options);
    return result;
  }
  // A model with companions (change tracking) announces every write, with its companions.
  const feed = store.connector.changeFeed?.();
  const connector = store.connector;
  if (!connector.capabilities.transactions || !connector.beginTransaction) {
    const result = await write(options);
    const what = written(result);
    if (what) await runCompanions(Model, own, what, options, false);
    if (feed) await announce(feed, Model, what, options);
    return result;
  }
  if (options.transaction) {
    const result = await write(options);
    const what = written(result);
    if (what) await runCompanions(Model, own, what, options, true);
    if (feed) await announce(feed, Model, what, options);
    return result;
  }
  if (feed) await feed.prepare();
  const tx = await connector.beginTransaction();
  const inTx = { ...options, transaction: tx };
  try {
    const result = await write(inTx);
    const what = written(result);
    if (what) await runCompanions(Model, own, what, inTx, true);
    // In the transaction: the notice travels if, and when, the write commits.
    if (feed) await announce(feed, Model, what, inTx);
    await tx.commit();
    return result;
  } catch (err) {
    await tx.rollback().catch(() => undefined);
    throw err;
  }
}

function plainId(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/**
 * Tells the store's change feed about a write (the change streams of other processes hear it), as
 * LB3 types changes: a delete is 'remove'; a new instance 'create'; a write naming its target
 * 'update' — and a bulk update naming none 'create', as LB3's change stream calls it.
 */
function announce(
  feed: StoreChangeFeed,
  Model: DaoModel,
  what: Written | undefined,
  options: OperationOptions,
): Promise<void> | undefined {
  if (!what) return undefined;
  const idName = Model.definition.idName;
  const where =
    what.where && typeof what.where === 'object' ? (what.where as Record<string, unknown>) : undefined;
  const id = plainId(what.id) ?? (idName && where ? plainId(where[idName]) : undefined);
  const kind =
    what.kind === 'delete' ? 'remove' : what.isNewInstance || id === undefined ? 'create' : 'update';
  const hidden = Model.definition.hidden;
  // Hidden values never travel through the store: not in a patch, nor as a where that names one.
  const data =
    what.data && hidden.size
      ? Object.fromEntries(Object.entries(what.data).filter(([k]) => !hidden.has(k)))
      : what.data;
  const sendWhere = what.id === undefined && where && !namesAny(where, hidden);
  const notice = {
    model: Model.modelName,
    kind,
    ...(id !== undefined ? { id } : {}),
    ...(sendWhere ? { where } : {}),
    ...(data ? { data } : {}),
  } as const;
  return feed.publish(notice, options);
}

function namesAny(where: unknown, names: ReadonlySet<string>): boolean {
  if (names.size === 0 || !where || typeof where !== 'object') return false;
  if (Array.isArray(where)) return where.some((w) => namesAny(w, names));
  return Object.entries(where as Record<string, unknown>).some(
    ([k, v]) => names.has(k) || namesAny(v, names),
  );
}

import type { OperationOptions } from '../connectors/connector';
import type { DaoModel, Store } from './support';

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
}

export type WriteCompanion = (Model: DaoModel, written: Written, options: OperationOptions, inTransaction: boolean) => Promise<void>;

interface TransactionHandle {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

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

export function hasWriteCompanion(Model: object, name: string): boolean {
  return companions.get(Model)?.has(name) ?? false;
}

async function runCompanions(Model: DaoModel, own: Map<string, WriteCompanion>, written: Written, options: OperationOptions, inTransaction: boolean): Promise<void> {
  for (const companion of [...own.values()]) await companion(Model, written, options, inTransaction);
}

/**
 * Runs the store write `write` of `Model` with its companions (see above). `written` says, from
 * the write's result, what it touched. Resolves to the write's result.
 */
export async function writeWithCompanions<T>(Model: DaoModel, store: Store, options: OperationOptions, write: (options: OperationOptions) => Promise<T>, written: (result: T) => Written | undefined): Promise<T> {
  const own = companions.get(Model);
  if (!own) return write(options);
  const connector = store.connector as Store['connector'] & { beginTransaction?: (o?: object) => Promise<TransactionHandle> };
  if (!connector.capabilities.transactions || typeof connector.beginTransaction !== 'function') {
    const result = await write(options);
    const what = written(result);
    if (what) await runCompanions(Model, own, what, options, false);
    return result;
  }
  if (options.transaction) {
    const result = await write(options);
    const what = written(result);
    if (what) await runCompanions(Model, own, what, options, true);
    return result;
  }
  const tx = await connector.beginTransaction();
  const inTx = { ...options, transaction: tx };
  try {
    const result = await write(inTx);
    const what = written(result);
    if (what) await runCompanions(Model, own, what, inTx, true);
    await tx.commit();
    return result;
  } catch (err) {
    await tx.rollback().catch(() => undefined);
    throw err;
  }
}

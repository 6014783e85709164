import { ValidationError } from '../../errors';
import type { OperationOptions, Row, UpsertResult } from '../connectors/connector';
import { normalizeFilter } from '../filter/normalize-filter';
import { filterLimits } from './find';
import { DaoModel, ModelStore, coercePartialData, instanceToRow, notify } from './support';
import { patchInstance, replaceById } from './update';
import { createInstance, buildNew } from './create';
import { validateOrThrow } from './validate';
import { writeWithCompanions } from './write-companions';

/**
 * upsert and replaceOrCreate on a connector that writes them atomically (the SQL stores). The
 * hooks are those of LB3's atomic path: `access` (query by id) → `before save` → validation →
 * `persist` → one store write → `loaded` → `after save`, the last two with `isNewInstance` saying
 * whether the store inserted the row. No read comes first, so `before save` cannot see the
 * current instance: for upsert it gets `{where, data}`, for replaceOrCreate `{instance}`.
 */

/** True when the model's upserts can go to the connector's atomic write. */
export function atomicUpsertsFor(
  Model: DaoModel,
  store: ModelStore,
  method: 'upsert' | 'replaceOrCreate',
): boolean {
  const def = store.def;
  // A client id under forceId must name an existing row (LB3 finds it first); a default scope
  // must also hold for the row updated; a composite key has no single conflict target.
  if (typeof store.connector[method] !== 'function' || def.forceId || def.idNames.length !== 1) return false;
  const scope = Model.definition.settings.scope as { where?: unknown } | undefined;
  return !scope?.where;
}

/**
 * The `access` hook of an upsert by id: the where it leaves, and whether that is still "this id".
 * When a hook rewrote it, the write goes by the rewritten query instead (byRewrittenQuery), as LB3.
 */
async function accessById(
  Model: DaoModel,
  idName: string,
  id: unknown,
  hookState: object,
  options: OperationOptions,
): Promise<{ where: Record<string, any>; byId: boolean }> {
  const where = { [idName]: id };
  const ctx = await notify(Model, 'access', { query: { where } }, hookState, options);
  if (!ctx) return { where, byId: true };
  const w = ctx.query?.where;
  const keys = w && typeof w === 'object' ? Object.keys(w) : [];
  return {
    where: w ?? {},
    byId: keys.length === 1 && keys[0] === idName && String(w[idName]) === String(id),
  };
}

/**
 * LB3's fallback when `access` changed the query: patch (or replace) the first row it matches,
 * or create one — without the client's id, which the rewritten query may have hidden.
 */
async function byRewrittenQuery(
  Model: DaoModel,
  store: ModelStore,
  where: Record<string, any>,
  data: Record<string, unknown>,
  options: OperationOptions,
  replace: boolean,
): Promise<any> {
  const filter = normalizeFilter({ where, limit: 1 }, store.def, filterLimits(Model, options));
  const [row] = await store.connector.find(store.def, filter, options);
  const rest = { ...data };
  delete rest[store.def.idName!];
  if (!row) return createInstance(Model, buildNew(Model, rest), options);
  const current = new Model(row, { applyDefaultValues: false, persisted: true });
  if (replace) return replaceById(Model, current.getId(), rest, options);
  return patchInstance(Model, current, rest, options);
}

/**
 * Marks the instance as the one with its id, whatever the store finds: validatesUniquenessOf
 * then does not count the row with this id as another holder of the value.
 */
function withId(inst: any): any {
  inst.__persisted = true;
  return inst;
}

async function finish(
  Model: DaoModel,
  inst: any,
  result: UpsertResult,
  hookState: object,
  options: OperationOptions,
): Promise<any> {
  const loaded = await notify(
    Model,
    'loaded',
    { data: result.row, isNewInstance: result.created },
    hookState,
    options,
  );
  inst.setAttributes(loaded ? loaded.data : result.row);
  inst.__persisted = true;
  await notify(Model, 'after save', { instance: inst, isNewInstance: result.created }, hookState, options);
  return inst;
}

/** upsert(data) with an id: one atomic write that patches the row or inserts it. */
export async function atomicUpsert(
  Model: DaoModel,
  store: ModelStore,
  id: unknown,
  data: unknown,
  options: OperationOptions,
): Promise<any> {
  const def = store.def;
  const idName = def.idName!;
  const hookState = {};
  const { where, byId } = await accessById(Model, idName, id, hookState, options);
  let patch = coercePartialData(Model, data);
  if (!byId) return byRewrittenQuery(Model, store, where, patch, options, false);
  const before = await notify(Model, 'before save', { where, data: patch }, hookState, options);
  if (before) patch = coercePartialData(Model, before.data);
  patch[idName] = id;
  // The row as it would be inserted: the data with the model's defaults for what it leaves out.
  const inst = withId(new Model(patch, { applyDefaultValues: true }));
  let invalid: unknown;
  if (options.validate !== false) {
    try {
      await validateOrThrow(inst, options);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      invalid = err;
    }
  }
  const persist = await notify(
    Model,
    'persist',
    { where, data: patch, currentInstance: inst },
    hookState,
    options,
  );
  if (persist) patch = persist.data;
  if (invalid) return patchOnly(Model, store, inst, id, patch, invalid, hookState, options);
  const insertRow = { ...instanceToRow(inst), ...patch };
  const patchRow = patch;
  const result = await writeWithCompanions(
    Model,
    store,
    options,
    (o) => store.connector.upsert!(def, insertRow, patchRow, o),
    (r) => ({ kind: 'save', id: r.row[idName] ?? id, isNewInstance: r.created }),
  );
  return finish(Model, inst, result, hookState, options);
}

/**
 * The data alone is not a valid instance (a partial patch leaving out a required property): it
 * may only update an existing row, and only if the row with the patch applied is valid. Else
 * the validation error of the data stands, and nothing is written.
 */
async function patchOnly(
  Model: DaoModel,
  store: ModelStore,
  inst: any,
  id: unknown,
  patch: Row,
  invalid: unknown,
  hookState: object,
  options: OperationOptions,
): Promise<any> {
  const current = await store.connector.findById(store.def, id, options);
  if (!current) throw invalid;
  const merged = new Model({ ...current, ...patch }, { applyDefaultValues: false, persisted: true });
  await validateOrThrow(merged, options);
  const updated = await writeWithCompanions(
    Model,
    store,
    options,
    (o) => store.connector.patchById(store.def, id, patch, o),
    (r) => (r ? { kind: 'save', id } : undefined),
  );
  if (!updated) throw invalid;
  return finish(
    Model,
    inst,
    { row: { ...current, ...updated, ...patch }, created: false },
    hookState,
    options,
  );
}

/** replaceOrCreate(data) with an id: one atomic write that replaces the row whole or inserts it. */
export async function atomicReplaceOrCreate(
  Model: DaoModel,
  store: ModelStore,
  id: unknown,
  data: unknown,
  options: OperationOptions,
): Promise<any> {
  const def = store.def;
  const idName = def.idName!;
  const hookState = {};
  const { where, byId } = await accessById(Model, idName, id, hookState, options);
  coercePartialData(Model, data);
  if (!byId) return byRewrittenQuery(Model, store, where, data as Record<string, unknown>, options, true);
  const inst = withId(new Model({ ...(data as object), [idName]: id }, { applyDefaultValues: true }));
  await notify(Model, 'before save', { instance: inst }, hookState, options);
  if (options.validate !== false) await validateOrThrow(inst, options);
  let row = instanceToRow(inst);
  row[idName] = id;
  const persist = await notify(
    Model,
    'persist',
    { where, data: row, currentInstance: inst },
    hookState,
    options,
  );
  if (persist) row = persist.data;
  const whole = row;
  const result = await writeWithCompanions(
    Model,
    store,
    options,
    (o) => store.connector.replaceOrCreate!(def, whole, o),
    (r) => ({ kind: 'save', id: r.row[idName] ?? id, isNewInstance: r.created }),
  );
  return finish(Model, inst, result, hookState, options);
}

import { InvalidArgumentError, LooplineError } from '../../errors';
import type { OperationOptions, Row } from '../connectors/connector';
import { normalizeWhere } from '../filter/normalize-filter';
import { mergeWhere, scopeDefaults } from '../scope';
import { isPlainObject } from '../../util/own';
import { createInstance } from './create';
import { filterLimits, parseWhereArg } from './find';
import {
  DaoModel,
  coerceId,
  coercePartialData,
  idWhere,
  instanceToRow,
  normalizeOptions,
  notify,
  requireId,
  storeOf,
  scopeWhereOf,
} from './support';
import { uniqueWrite, validateOrThrow, validation } from './validate';
import { writeWithCompanions } from './write-companions';

/** updateAll(where, data): `access` → `before save` (where, data) → `persist` → store → `after save`. */
export async function updateAll(
  Model: DaoModel,
  where: unknown,
  data: unknown,
  rawOptions: unknown,
): Promise<{ count: number }> {
  const options = normalizeOptions(rawOptions);
  const store = await storeOf(Model, 'updateAll');
  let w = mergeWhere(parseWhereArg(where), scopeWhereOf(Model));
  const limits = filterLimits(Model, options);
  normalizeWhere(w, store.def, limits);
  // As LB3: an update through a default scope cannot move rows out of it.
  const scoped = scopeDefaults(scopeWhereOf(Model));
  let row = coercePartialData(Model, scoped && isPlainObject(data) ? { ...data, ...scoped } : data);
  const hookState = {};
  const access = await notify(Model, 'access', { query: { where: w } }, hookState, options);
  if (access) w = access.query.where;
  const before = await notify(Model, 'before save', { where: w, data: row }, hookState, options);
  if (before) {
    w = before.where;
    row = coercePartialData(Model, before.data);
  }
  const persist = await notify(Model, 'persist', { where: w, data: row }, hookState, options);
  if (persist) row = persist.data;
  const normalized = normalizeWhere(w, store.def, limits);
  const patchRow = row;
  const count = await writeWithCompanions(
    Model,
    store,
    options,
    (o) => store.connector.updateAll(store.def, normalized, patchRow, o),
    (n) => (n > 0 ? { kind: 'save', where: w, data: patchRow } : undefined),
  );
  const info = { count };
  await notify(Model, 'after save', { where: w, data: row, info }, hookState, options);
  return info;
}

/** LB3 refuses to move an instance to another id through a patch. */
function assertIdUnchanged(Model: DaoModel, inst: any, data: Row): void {
  const idName = Model.definition.idName;
  if (!idName || !(idName in data)) return;
  const next = coerceId(Model, data[idName]);
  const current = inst.__data[idName];
  if (next !== undefined && String(next) !== String(current)) {
    throw new InvalidArgumentError(
      `id property (${idName}) cannot be updated from ${current} to ${next}`,
      'ID_CHANGE_FORBIDDEN',
    );
  }
}

/**
 * instance.updateAttributes / patchAttributes(data): `before save` (where, data, currentInstance)
 * → validation of the merged instance → `persist` → store → `loaded` → `after save`.
 */
export async function patchInstance(
  Model: DaoModel,
  inst: any,
  data: unknown,
  rawOptions: unknown,
  hookState: object = {},
): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const store = await storeOf(Model, 'updateAttributes');
  let row = coercePartialData(Model, data);
  assertIdUnchanged(Model, inst, row);
  const id = inst.getId();
  const where = idWhere(Model, id);
  const before = notify(
    Model,
    'before save',
    { where, data: row, currentInstance: inst },
    hookState,
    options,
  );
  if (before) row = coercePartialData(Model, (await before).data);
  if (options.validate !== false) {
    // Validate the instance as it would be after the patch, without touching it if invalid.
    const probe = new Model({ ...inst.__data, ...row }, { applyDefaultValues: false, persisted: true });
    const invalid = validation(probe, options);
    if (invalid) await invalid;
  }
  const persist = notify(
    Model,
    'persist',
    { where, data: row, currentInstance: inst, isNewInstance: false },
    hookState,
    options,
  );
  if (persist) row = (await persist).data;
  const patch = row;
  const updated = await uniqueWrite(
    store.def,
    () => new Model({ ...inst.__data, ...patch }, { applyDefaultValues: false, persisted: true }),
    () =>
      writeWithCompanions(
        Model,
        store,
        options,
        (o) => store.connector.patchById(store.def, id, patch, o),
        (r) => (r ? { kind: 'save', id } : undefined),
      ),
  );
  if (!updated) throw notFound(Model, id, 'update');
  const loaded = notify(Model, 'loaded', { data: row, isNewInstance: false }, hookState, options);
  inst.setAttributes(loaded ? (await loaded).data : row);
  inst.__persisted = true;
  const after = notify(Model, 'after save', { instance: inst, isNewInstance: false }, hookState, options);
  if (after) await after;
  return inst;
}

/** instance.save(): a new instance is created; a persisted one is written whole. */
export async function saveInstance(Model: DaoModel, inst: any, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  if (inst.isNewRecord() || inst.getId() === undefined || inst.getId() === null)
    return createInstance(Model, inst, options);
  const store = await storeOf(Model, 'save');
  const hookState = {};
  await notify(Model, 'before save', { instance: inst }, hookState, options);
  if (options.validate !== false) await validateOrThrow(inst, options);
  const id = inst.getId();
  let row = instanceToRow(inst);
  const persist = await notify(
    Model,
    'persist',
    { data: row, where: idWhere(Model, id), currentInstance: inst },
    hookState,
    options,
  );
  if (persist) row = persist.data;
  const whole = row;
  // LB3's save upserts: a persisted instance whose row vanished is written again.
  const upsertWhole = async (o: OperationOptions) => {
    if (!(await store.connector.replaceById(store.def, id, whole, o)))
      await store.connector.create(store.def, whole, o);
  };
  await uniqueWrite(
    store.def,
    () => inst,
    () => writeWithCompanions(Model, store, options, upsertWhole, () => ({ kind: 'save', id })),
  );
  const loaded = notify(Model, 'loaded', { data: row, isNewInstance: false }, hookState, options);
  inst.setAttributes(loaded ? (await loaded).data : row);
  inst.__persisted = true;
  const after = notify(Model, 'after save', { instance: inst, isNewInstance: false }, hookState, options);
  if (after) await after;
  return inst;
}

/**
 * replaceById(id, data): `before save` (instance) → validation → `persist` → store → `loaded` →
 * `after save`. Properties absent from data are removed. 404 when the id does not exist.
 */
export async function replaceById(
  Model: DaoModel,
  id: unknown,
  data: unknown,
  rawOptions: unknown,
): Promise<any> {
  requireId(Model, id, 'replaceById');
  const options = normalizeOptions(rawOptions);
  const store = await storeOf(Model, 'replaceById');
  const idValue = coerceId(Model, id);
  coercePartialData(Model, data ?? {});
  const idName = store.def.idName!;
  const given = (data as Record<string, unknown>)?.[idName];
  if (given !== undefined && given !== null && String(coerceId(Model, given)) !== String(idValue)) {
    throw new InvalidArgumentError(
      `id property (${idName}) cannot be updated from ${String(idValue)} to ${String(given)}`,
      'ID_CHANGE_FORBIDDEN',
    );
  }
  const inst = new Model({ ...(data as object), [idName]: idValue }, { applyDefaultValues: true });
  inst.__persisted = true;
  const hookState = {};
  await notify(Model, 'before save', { instance: inst, isNewInstance: false }, hookState, options);
  if (options.validate !== false) await validateOrThrow(inst, options);
  let row = instanceToRow(inst);
  const persist = await notify(
    Model,
    'persist',
    { where: idWhere(Model, idValue), data: row, isNewInstance: false, currentInstance: inst },
    hookState,
    options,
  );
  if (persist) row = persist.data;
  const replacement = row;
  const replaced = await uniqueWrite(
    store.def,
    () => inst,
    () =>
      writeWithCompanions(
        Model,
        store,
        options,
        (o) => store.connector.replaceById(store.def, idValue, replacement, o),
        (r) => (r ? { kind: 'save', id: idValue } : undefined),
      ),
  );
  if (!replaced) throw notFound(Model, idValue, 'replace');
  const loaded = await notify(Model, 'loaded', { data: row, isNewInstance: false }, hookState, options);
  if (loaded) inst.setAttributes(loaded.data);
  await notify(Model, 'after save', { instance: inst, isNewInstance: false }, hookState, options);
  return inst;
}

export function notFound(Model: DaoModel, id: unknown, action: 'replace' | 'update'): LooplineError {
  const verb = action === 'replace' ? 'replace' : 'update';
  return new LooplineError(
    'MODEL_NOT_FOUND',
    `Could not ${verb}. Object with id ${String(id)} does not exist!`,
  );
}

export type { OperationOptions };

import { ValidationError } from '../../errors';
import type { OperationOptions } from '../connectors/connector';
import { scopeDefaults } from '../scope';
import { DaoModel, instanceToRow, normalizeOptions, notify, scopeWhereOf, storeOf } from './support';
import { asBatch } from '../validations';
import { assertKeyValues } from '../relations/key-properties';
import { uniqueWrite, validateOrThrow, validation } from './validate';
import { writeWithCompanions } from './write-companions';

/**
 * create: `before save` (ctx.instance) → validation → `persist` (ctx.data) → store → `loaded`
 * → `after save`, each with `isNewInstance: true`, as LB3. An array creates each item; every
 * item's `before save` and validation run before the first is written, so an item that a hook
 * or a validation refuses leaves the store untouched.
 */
export async function create(Model: DaoModel, data: unknown, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  if (Array.isArray(data)) {
    const instances = data.map((item) => buildNew(Model, item));
    return forgetFailedInstance(
      asBatch(instances, async () => {
        if (options.validate !== false)
          await Promise.all(instances.map((inst) => validateOrThrow(inst, options)));
        const prepared = [];
        for (const inst of instances) prepared.push(await prepareNew(Model, inst, options));
        const out = [];
        for (const [i, inst] of instances.entries())
          out.push(await persistNew(Model, inst, prepared[i], options));
        return out;
      }),
    );
  }
  return createInstance(Model, buildNew(Model, data), options);
}

export function buildNew(Model: DaoModel, data: unknown): any {
  if (data instanceof Model) return data;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    throw new ValidationError(Model.modelName, { data: ['type'] }, { data: ['must be an object'] });
  }
  // A key holding an object is refused before validation (which would call it a type error) and
  // before any item of a batch is written.
  assertKeyValues(Model, data as Record<string, unknown> | undefined);
  const scoped = scopeDefaults(scopeWhereOf(Model));
  // As LB3: the default scope's equalities win over the data (a scoped model only makes rows in scope).
  const input = scoped
    ? { ...((data as object) ?? {}), ...scoped }
    : (data as Record<string, unknown> | undefined);
  return new Model(input ?? {}, { applyDefaultValues: true });
}

/** The instance a single create was saving when it failed (validation, the store, 'after save'): LB3 calls it back with the error. */
const failedCreates = new WeakMap<object, unknown>();

export function instanceOfFailedCreate(err: unknown): any {
  return err && typeof err === 'object' ? failedCreates.get(err) : undefined;
}

/** A batch answers with its error alone (loopline writes a batch all or nothing). */
async function forgetFailedInstance<T>(batch: Promise<T>): Promise<T> {
  try {
    return await batch;
  } catch (err) {
    if (err && typeof err === 'object') failedCreates.delete(err);
    throw err;
  }
}

async function failingWith<T>(inst: unknown, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (err && typeof err === 'object') failedCreates.set(err, inst);
    throw err;
  }
}

export async function createInstance(Model: DaoModel, inst: any, options: OperationOptions): Promise<any> {
  return persistNew(Model, inst, await prepareNew(Model, inst, options), options);
}

/** `before save` and validation: everything that may refuse the instance before a write. */
async function prepareNew(Model: DaoModel, inst: any, options: OperationOptions): Promise<object> {
  const hookState = {};
  const before = notify(Model, 'before save', { instance: inst, isNewInstance: true }, hookState, options);
  if (before) await before;
  if (options.validate !== false) {
    const invalid = validation(inst, options);
    if (invalid) await failingWith(inst, invalid);
  }
  assertKeyValues(Model, inst.__data);
  return hookState;
}

async function persistNew(
  Model: DaoModel,
  inst: any,
  hookState: object,
  options: OperationOptions,
): Promise<any> {
  const store = await storeOf(Model, 'create');
  let row = instanceToRow(inst);
  const persist = notify(
    Model,
    'persist',
    { data: row, isNewInstance: true, currentInstance: inst },
    hookState,
    options,
  );
  if (persist) row = (await persist).data;
  const stored = row;
  const idName = store.def.idName;
  const write = (o: OperationOptions) => store.connector.create(store.def, stored, o);
  const written = (newId: unknown) => ({
    kind: 'save' as const,
    id: newId ?? (idName ? stored[idName] : undefined),
    isNewInstance: true,
  });
  const id = await failingWith(
    inst,
    uniqueWrite(
      store.def,
      () => inst,
      () => writeWithCompanions(Model, store, options, write, written),
    ),
  );
  if (idName !== undefined && id !== undefined && id !== null) row[idName] = id;
  const loaded = notify(Model, 'loaded', { data: row, isNewInstance: true }, hookState, options);
  inst.setAttributes(loaded ? (await loaded).data : row);
  inst.__persisted = true;
  const after = notify(Model, 'after save', { instance: inst, isNewInstance: true }, hookState, options);
  if (after) await failingWith(inst, after);
  return inst;
}

import { LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import { buildNew, createInstance } from './create';
import { accessAndQuery, parseFilterArg, parseWhereArg, rowsToInstances } from './find';
import { DaoModel, coerceId, normalizeOptions } from './support';
import { patchInstance, replaceById } from './update';
import { validateOrThrow } from './validate';

/**
 * The combined writes. Each finds the current row first (through `access`/`loaded`, as LB3's
 * non-atomic path does, so hooks see `currentInstance`) and then patches, replaces or creates.
 */

function idOf(Model: DaoModel, data: unknown): unknown {
  const idName = Model.definition.idName;
  if (!idName || !isPlainObject(data) && !(data && typeof data === 'object')) return undefined;
  const v = (data as any)[idName];
  return v === null || v === '' ? undefined : v;
}

async function findCurrent(Model: DaoModel, where: Record<string, unknown>, options: unknown, method: string, limit?: number): Promise<any[]> {
  const result = await accessAndQuery(Model, { where, ...(limit ? { limit, offset: 0, skip: 0 } : {}) }, options, method);
  return rowsToInstances(Model, result);
}

/** upsert / patchOrCreate / updateOrCreate: patch the instance with this id, or create it. */
export async function upsert(Model: DaoModel, data: unknown, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const id = idOf(Model, data);
  if (id === undefined) return createInstance(Model, buildNew(Model, data), options);
  const idName = Model.definition.idName!;
  const [current] = await findCurrent(Model, { [idName]: coerceId(Model, id) }, options, 'upsert', 1);
  if (current) return patchInstance(Model, current, data, options);
  return createInstance(Model, buildNew(Model, data), options);
}

/** replaceOrCreate: replace the instance with this id whole, or create it. */
export async function replaceOrCreate(Model: DaoModel, data: unknown, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const id = idOf(Model, data);
  if (id === undefined) return createInstance(Model, buildNew(Model, data), options);
  const idName = Model.definition.idName!;
  const [current] = await findCurrent(Model, { [idName]: coerceId(Model, id) }, options, 'replaceOrCreate', 1);
  if (current) return replaceById(Model, current.getId(), data, options);
  return createInstance(Model, buildNew(Model, data), options);
}

/** upsertWithWhere: patch the one instance matching `where`, create when none, refuse when several. */
export async function upsertWithWhere(Model: DaoModel, where: unknown, data: unknown, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const w = parseWhereArg(where) ?? {};
  // LB3 validates the given data on its own (no defaults, no current values), whether the row
  // exists or not; a partial update must still carry the required properties.
  if (options.validate !== false && isPlainObject(data)) {
    await validateOrThrow(new (Model as any)(data, { applyDefaultValues: false }), options);
  }
  const matches = await findCurrent(Model, w, options, 'upsertWithWhere', 2);
  if (matches.length > 1) {
    throw new LooplineError('MULTIPLE_INSTANCES_FOUND', 400, 'There are multiple instances found. Upsert Operation will not be performed!');
  }
  if (matches.length === 1) {
    const patch = { ...(data as object) };
    const idName = Model.definition.idName;
    if (idName) delete (patch as any)[idName];
    return patchInstance(Model, matches[0], patch, options);
  }
  return createInstance(Model, buildNew(Model, data), options);
}

/** findOrCreate(filter, data): resolves to `[instance, created]`. */
export async function findOrCreate(Model: DaoModel, filter: unknown, data: unknown, rawOptions: unknown): Promise<[any, boolean]> {
  const options = normalizeOptions(rawOptions);
  const query = parseFilterArg(filter) ?? {};
  const result = await accessAndQuery(Model, { ...query, limit: 1, offset: 0, skip: 0 }, options, 'findOrCreate');
  const [found] = await rowsToInstances(Model, result);
  if (found) return [found, false];
  const source = data === undefined ? query.where ?? {} : data;
  return [await createInstance(Model, buildNew(Model, source), options), true];
}

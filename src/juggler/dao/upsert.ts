import { LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import { buildNew, createInstance } from './create';
import type { Connector, OperationOptions } from '../connectors/connector';
import { accessAndQuery, parseFilterArg, parseWhereArg, ReadResult, rowsToInstances } from './find';
import { atomicReplaceOrCreate, atomicUpsert, atomicUpsertsFor } from './atomic-upsert';
import { DaoModel, coerceId, normalizeOptions, storeOf } from './support';
import { notFound, patchInstance, replaceById } from './update';
import { validateOrThrow } from './validate';
import { assertKeyValues } from '../relations/key-properties';

/**
 * The combined writes. On a connector that writes upserts atomically (SQL), upsert and
 * replaceOrCreate go to that one write (atomic-upsert.ts). Otherwise (memory: one process, each
 * step runs to completion) each finds the current row first, through `access`/`loaded` as LB3's
 * non-atomic path does so hooks see `currentInstance`, then patches, replaces or creates.
 * findOrCreate and upsertWithWhere read first everywhere; when nothing matched, they look again
 * and create inside the connector's `exclusive` section for that where, so concurrent callers on
 * SQL stores make one row, not one each. Under `forceId` a client may not choose an id, so an
 * upsert or replaceOrCreate naming one writes that existing row or is 404 `MODEL_NOT_FOUND`, as
 * LB3 (which looked the row up by id first): never a create.
 */

function idOf(Model: DaoModel, data: unknown): unknown {
  const idName = Model.definition.idName;
  if (!idName || (!isPlainObject(data) && !(data && typeof data === 'object'))) return undefined;
  const v = (data as Record<string, unknown>)[idName];
  return v === null || v === '' ? undefined : v;
}

/** As LB3: when an `access` hook led the read to another row, the client's id is dropped from the patch. */
function withoutOtherId(Model: DaoModel, current: any, data: unknown): unknown {
  const idName = Model.definition.idName!;
  if (String(current.getId()) === String(coerceId(Model, (data as Record<string, unknown>)[idName])))
    return data;
  const rest = { ...(data as object) } as Record<string, unknown>;
  delete rest[idName];
  return rest;
}

function readById(
  Model: DaoModel,
  id: unknown,
  options: OperationOptions,
  method: string,
): Promise<ReadResult> {
  return accessAndQuery(
    Model,
    { where: { [Model.definition.idName!]: coerceId(Model, id) }, limit: 1, offset: 0, skip: 0 },
    options,
    method,
  );
}

/**
 * When a read found nothing: runs `fn` in the connector's exclusive section for the read's where,
 * after reading again there (with `loaded`, without a second `access`), so that of concurrent
 * callers only the first creates and the others find its row. `fn` gets the rows read again.
 */
async function exclusivelyAgain<T>(
  Model: DaoModel,
  read: ReadResult,
  fn: (found: any[], options: OperationOptions) => Promise<T>,
): Promise<T> {
  // The read before this went through storeOf, so the data source holds a data connector.
  const connector = Model.dataSource!.connector as Connector;
  const def = Model.definition;
  if (!connector.exclusive) return fn([], read.options);
  return connector.exclusive(def, JSON.stringify(read.filter.where ?? {}), read.options, async (options) => {
    const rows = await connector.find(def, read.filter, options);
    return fn(rows.length ? await rowsToInstances(Model, { ...read, rows, options }) : [], options);
  });
}

/** upsert / patchOrCreate / updateOrCreate: patch the instance with this id, or create it. */
export async function upsert(Model: DaoModel, data: unknown, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const id = idOf(Model, data);
  if (id === undefined) return createInstance(Model, buildNew(Model, data), options);
  const store = await storeOf(Model, 'upsert');
  if (atomicUpsertsFor(Model, store, 'upsert'))
    return atomicUpsert(Model, store, coerceId(Model, id), data, options);
  const read = await readById(Model, id, options, 'upsert');
  const [current] = await rowsToInstances(Model, read);
  if (current) return patchInstance(Model, current, withoutOtherId(Model, current, data), options);
  if (Model.definition.forceId) throw notFound(Model, id, 'update');
  return exclusivelyAgain(Model, read, ([again], opts) =>
    again ? patchInstance(Model, again, data, opts) : createInstance(Model, buildNew(Model, data), opts),
  );
}

/** replaceOrCreate: replace the instance with this id whole, or create it. */
export async function replaceOrCreate(Model: DaoModel, data: unknown, rawOptions: unknown): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const id = idOf(Model, data);
  if (id === undefined) return createInstance(Model, buildNew(Model, data), options);
  const store = await storeOf(Model, 'replaceOrCreate');
  if (atomicUpsertsFor(Model, store, 'replaceOrCreate'))
    return atomicReplaceOrCreate(Model, store, coerceId(Model, id), data, options);
  const read = await readById(Model, id, options, 'replaceOrCreate');
  const [current] = await rowsToInstances(Model, read);
  if (current) return replaceById(Model, current.getId(), data, options);
  if (Model.definition.forceId) throw notFound(Model, id, 'replace');
  return exclusivelyAgain(Model, read, ([again], opts) =>
    again
      ? replaceById(Model, again.getId(), data, opts)
      : createInstance(Model, buildNew(Model, data), opts),
  );
}

/** upsertWithWhere: patch the one instance matching `where`, create when none, refuse when several. */
export async function upsertWithWhere(
  Model: DaoModel,
  where: unknown,
  data: unknown,
  rawOptions: unknown,
): Promise<any> {
  const options = normalizeOptions(rawOptions);
  const w = parseWhereArg(where) ?? {};
  if (isPlainObject(data)) assertKeyValues(Model, data);
  // LB3 validates the given data on its own (no defaults, no current values), whether the row
  // exists or not; a partial update must still carry the required properties.
  if (options.validate !== false && isPlainObject(data)) {
    await validateOrThrow(new Model(data, { applyDefaultValues: false }), options);
  }
  const read = await accessAndQuery(
    Model,
    { where: w, limit: 2, offset: 0, skip: 0 },
    options,
    'upsertWithWhere',
  );
  const write = async (matches: any[], opts: OperationOptions) => {
    if (matches.length > 1) {
      throw new LooplineError(
        'MULTIPLE_INSTANCES_FOUND',
        'There are multiple instances found. Upsert Operation will not be performed!',
      );
    }
    if (matches.length === 1) {
      const patch: Record<string, unknown> = { ...(data as object) };
      const idName = Model.definition.idName;
      if (idName) delete patch[idName];
      return patchInstance(Model, matches[0], patch, opts);
    }
    return createInstance(Model, buildNew(Model, data), opts);
  };
  const matches = await rowsToInstances(Model, read);
  if (matches.length) return write(matches, options);
  return exclusivelyAgain(Model, read, write);
}

/** findOrCreate(filter, data): resolves to `[instance, created]`. */
export async function findOrCreate(
  Model: DaoModel,
  filter: unknown,
  data: unknown,
  rawOptions: unknown,
): Promise<[any, boolean]> {
  const options = normalizeOptions(rawOptions);
  const query = parseFilterArg(filter) ?? {};
  const result = await accessAndQuery(
    Model,
    { ...query, limit: 1, offset: 0, skip: 0 },
    options,
    'findOrCreate',
  );
  const [found] = await rowsToInstances(Model, result);
  if (found) return [found, false];
  const source = data === undefined ? (query.where ?? {}) : data;
  return exclusivelyAgain(Model, result, async ([again], opts): Promise<[any, boolean]> => {
    if (again) return [again, false];
    return [await createInstance(Model, buildNew(Model, source), opts), true];
  });
}

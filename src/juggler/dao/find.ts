import type { Connector, OperationOptions, Row } from '../connectors/connector';
import type { ModelInitOptions } from '../model-base';
import { normalizeFilter, normalizeWhere } from '../filter/normalize-filter';
import type { FilterLimits } from '../filter/limits';
import type { IncludeSpec, NormalizedFilter } from '../filter/types';
import { mergeQuery, mergeWhere } from '../scope';
import {
  DaoModel,
  coerceId,
  hooksObserved,
  idWhere,
  normalizeOptions,
  notify,
  requireId,
  storeOf,
} from './support';
import { INVALID } from '../types';
import { InvalidFilterError, LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import { includeRelated, keysNeededFor } from '../relations/include';

/**
 * The read path shared by find, findOne, findById, exists and count:
 * default scope → `access` hook (may rewrite the query) → normalise once → connector → `loaded`
 * per row → instances → include.
 */

function defaultScope(Model: DaoModel): Record<string, any> | undefined {
  const scope = Model.definition.settings.scope;
  return scope && Object.keys(scope).length ? (scope as Record<string, any>) : undefined;
}

/** Parses a filter given as a JSON string, as LB3 accepts `find('{"where":…}')`. */
export function parseFilterArg(filter: unknown): Record<string, any> | undefined {
  if (filter === undefined || filter === null || filter === '') return undefined;
  if (typeof filter === 'string') {
    try {
      filter = JSON.parse(filter);
    } catch {
      throw new InvalidFilterError('The filter is not valid JSON');
    }
  }
  if (!isPlainObject(filter)) throw new InvalidFilterError('The filter must be an object');
  return filter as Record<string, any>;
}

export interface ReadResult {
  rows: Row[];
  filter: NormalizedFilter;
  hookState: object;
  options: OperationOptions;
  /** Properties fetched only for an include's join, removed from the instances afterwards. */
  stripAfterInclude?: string[];
}

export async function accessAndQuery(
  Model: DaoModel,
  rawFilter: unknown,
  rawOptions: unknown,
  method: string,
  extra?: Record<string, any>,
): Promise<ReadResult> {
  const options = normalizeOptions(rawOptions);
  const store = await storeOf(Model, method);
  let query = parseFilterArg(rawFilter);
  if (extra) query = { ...(query ?? {}), ...extra };
  const scope = defaultScope(Model);
  if (scope) query = mergeQuery(query, scope);
  const limits = filterLimits(Model, options);
  const hookState = {};
  let filter: NormalizedFilter;
  if (hooksObserved(Model, 'access')) {
    normalizeFilter(query ?? {}, store.def, limits);
    const ctx = await notify(Model, 'access', { query: query ?? {} }, hookState, options);
    filter = normalizeFilter(ctx!.query, store.def, limits);
  } else {
    filter = normalizeFilter(query ?? {}, store.def, limits);
  }
  let stripAfterInclude: string[] | undefined;
  if (filter.include && filter.include.length) {
    // The parent keys an include joins on stay in the query even when `fields` leaves them out;
    // they are taken off the instances once the include is done (LB3 does the same).
    const needed = keysNeededFor(Model, filter.include);
    if (filter.fields) {
      stripAfterInclude = needed.filter((k) => !filter.fields!.includes(k));
      if (stripAfterInclude.length)
        filter = Object.freeze({
          ...filter,
          fields: Object.freeze([...filter.fields, ...stripAfterInclude]),
        });
    }
  }
  const rows = await store.connector.find(store.def, filter, options);
  return { rows, filter, hookState, options, stripAfterInclude };
}

/** The data source's `filterLimits` setting, if any (bounds on limit, inq size, depth ...). */
export function filterLimits(
  Model: DaoModel,
  _options?: OperationOptions,
): Record<string, unknown> | undefined {
  return Model.dataSource?.settings.filterLimits as Record<string, unknown> | undefined;
}

/**
 * Checks a filter (or a where, with `kind: 'where'`) that came from a client: on top of the usual
 * rules it may not name hidden properties, nor unknown ones on a strict model, so hidden data
 * cannot be probed. Called at the REST boundary, before any hook adds server-side conditions.
 */
export function assertClientFilter(Model: DaoModel, value: unknown, kind: 'filter' | 'where'): void {
  if (value === undefined || value === null) return;
  const filter = normalizeFilter(
    kind === 'where' ? { where: value } : value,
    Model.definition,
    clientLimits(Model),
  );
  if (filter.include) assertClientIncludes(Model, filter.include, 'include');
}

function clientLimits(Model: DaoModel): FilterLimits {
  return {
    ...(filterLimits(Model) ?? {}),
    rejectHidden: true,
    rejectUnknown: Model.definition.strict !== false,
  };
}

/**
 * Each include scope is a filter on the related model, held to the same client rules: a hidden
 * property of the related model in its where, order or fields is refused before any query runs.
 * An unknown relation name is left for the include itself to report.
 */
function assertClientIncludes(Model: DaoModel, includes: readonly IncludeSpec[], path: string): void {
  for (const spec of includes) {
    const rel = Model.relations?.[spec.relation] as
      { modelTo?: DaoModel; modelThrough?: DaoModel } | undefined;
    const Target = rel?.modelTo;
    if (!spec.scope || !Target?.definition) continue;
    const at = `${path}.${spec.relation}.scope`;
    let scoped: NormalizedFilter;
    try {
      scoped = normalizeFilter(spec.scope, Target.definition, clientLimits(Target));
    } catch (err) {
      if (err instanceof InvalidFilterError) throw new InvalidFilterError(`${at}: ${err.message}`);
      throw err;
    }
    if (scoped.include) assertClientIncludes(Target, scoped.include, `${at}.include`);
  }
}

/** Turns rows into instances, running `loaded` for each (LB3 lets the hook rewrite `ctx.data`). */
export async function rowsToInstances(Model: DaoModel, result: ReadResult): Promise<any[]> {
  const { rows, filter, hookState, options } = result;
  const out = new Array(rows.length);
  const observed = hooksObserved(Model, 'loaded');
  const connector = Model.dataSource?.connector as Connector | undefined;
  const adopt: ModelInitOptions['adopt'] = observed
    ? false
    : connector?.rowsHoldOnlyDefinedKeys?.(Model.definition)
      ? 'defined'
      : true;
  const initOptions: ModelInitOptions = {
    persisted: true,
    applyDefaultValues: false,
    fields: filter.fields,
    adopt,
  };
  if (observed) {
    for (let i = 0; i < rows.length; i++) {
      const ctx = await notify(Model, 'loaded', { data: rows[i], isNewInstance: false }, hookState, options);
      out[i] = new Model(ctx!.data, initOptions);
    }
  } else {
    // What the constructor chain would do (every model constructor only runs the compiled
    // initialiser), without walking it once per row.
    const proto = Model.prototype;
    const compiled = Model.__compiled;
    const make = adopt ? compiled.adopter(proto, adopt) : undefined;
    if (make) {
      for (let i = 0; i < rows.length; i++) out[i] = make(rows[i]);
    } else {
      for (let i = 0; i < rows.length; i++) {
        const inst = Object.create(proto);
        compiled.init(inst, rows[i], initOptions);
        out[i] = inst;
      }
    }
  }
  if (filter.include && filter.include.length && out.length) {
    await includeRelated(Model, out, filter.include, options);
    const strip = result.stripAfterInclude;
    if (strip && strip.length) for (const inst of out) for (const k of strip) delete inst.__data[k];
  }
  return out;
}

export async function find(Model: DaoModel, filter: unknown, options: unknown): Promise<any[]> {
  const result = await accessAndQuery(Model, filter, options, 'find');
  return rowsToInstances(Model, result);
}

export async function findOne(Model: DaoModel, filter: unknown, options: unknown): Promise<any | null> {
  const result = await accessAndQuery(Model, filter, options, 'findOne', { limit: 1 });
  const list = await rowsToInstances(Model, result);
  return list.length ? list[0] : null;
}

export async function findById(
  Model: DaoModel,
  id: unknown,
  filter: unknown,
  options: unknown,
): Promise<any | null> {
  requireId(Model, id, 'findById');
  const idValue = coerceId(Model, id);
  const def = Model.definition;
  if (def.properties[def.idName!].kind.coerce(idValue) === INVALID) return null;
  const base = parseFilterArg(filter) ?? {};
  const where = mergeWhere(base.where, idWhere(Model, idValue));
  let result: ReadResult;
  try {
    result = await accessAndQuery(
      Model,
      { ...base, where, limit: 1, offset: 0, skip: 0 },
      options,
      'findById',
    );
  } catch (err) {
    // An id the id column cannot hold (1.5 or 1e30 for an integer key) names no instance.
    if (isIdValueError(err)) return null;
    throw err;
  }
  const list = await rowsToInstances(Model, result);
  return list.length ? list[0] : null;
}

function isIdValueError(err: unknown): boolean {
  return err instanceof LooplineError && err.code === 'INVALID_VALUE';
}

/** Instances for the given ids, in the order of the ids (as LB3). */
export async function findByIds(
  Model: DaoModel,
  ids: unknown[],
  filter: unknown,
  options: unknown,
): Promise<any[]> {
  if (!Array.isArray(ids) || ids.length === 0) return [];
  const idName = Model.definition.idName!;
  const coerced = ids.map((id) => coerceId(Model, id));
  const base = parseFilterArg(filter) ?? {};
  const where = mergeWhere(base.where, { [idName]: { inq: coerced } });
  const list = await find(Model, { ...base, where }, options);
  const position = new Map<unknown, number>();
  coerced.forEach((id, i) => position.set(String(id), i));
  return list.sort((a, b) => (position.get(String(a[idName])) ?? 0) - (position.get(String(b[idName])) ?? 0));
}

export async function count(Model: DaoModel, where: unknown, rawOptions: unknown): Promise<number> {
  const options = normalizeOptions(rawOptions);
  const store = await storeOf(Model, 'count');
  const scope = defaultScope(Model);
  let w = parseWhereArg(where);
  if (scope) w = mergeWhere(w, scope.where);
  const limits = filterLimits(Model, options);
  if (hooksObserved(Model, 'access')) {
    normalizeWhere(w, store.def, limits);
    const ctx = await notify(Model, 'access', { query: { where: w } }, {}, options);
    w = ctx!.query.where;
  }
  return store.connector.count(store.def, normalizeWhere(w, store.def, limits), options);
}

export async function exists(Model: DaoModel, id: unknown, options: unknown): Promise<boolean> {
  requireId(Model, id, 'exists');
  const idValue = coerceId(Model, id);
  const def = Model.definition;
  if (def.properties[def.idName!].kind.coerce(idValue) === INVALID) return false;
  try {
    return (await count(Model, idWhere(Model, idValue), options)) > 0;
  } catch (err) {
    if (isIdValueError(err)) return false;
    throw err;
  }
}

export function parseWhereArg(where: unknown): Record<string, any> | undefined {
  if (where === undefined || where === null || where === '') return undefined;
  if (typeof where === 'string') {
    try {
      where = JSON.parse(where);
    } catch {
      throw new InvalidFilterError('The where clause is not valid JSON');
    }
  }
  if (!isPlainObject(where)) throw new InvalidFilterError('The where clause must be an object');
  return where as Record<string, any>;
}

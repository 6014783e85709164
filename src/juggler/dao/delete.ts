import { normalizeWhere } from '../filter/normalize-filter';
import { mergeWhere } from '../scope';
import { filterLimits, parseWhereArg } from './find';
import {
  DaoModel,
  coerceId,
  idWhere,
  normalizeOptions,
  notify,
  requireId,
  scopeWhereOf,
  storeOf,
} from './support';
import { writeWithCompanions } from './write-companions';

/** destroyAll(where): `access` → `before delete` (where) → store → `after delete` (where, info). */
export async function destroyAll(
  Model: DaoModel,
  where: unknown,
  rawOptions: unknown,
  instance?: any,
): Promise<{ count: number }> {
  const options = normalizeOptions(rawOptions);
  const store = await storeOf(Model, 'destroyAll');
  let w = mergeWhere(parseWhereArg(where), scopeWhereOf(Model));
  const limits = filterLimits(Model, options);
  normalizeWhere(w, store.def, limits);
  const hookState = {};
  const access = await notify(Model, 'access', { query: { where: w } }, hookState, options);
  if (access) w = access.query.where;
  const fields: Record<string, unknown> = instance ? { where: w, instance } : { where: w };
  const before = await notify(Model, 'before delete', fields, hookState, options);
  if (before) w = before.where;
  const normalized = normalizeWhere(w, store.def, limits);
  const count = await writeWithCompanions(
    Model,
    store,
    options,
    (o) => store.connector.destroyAll(store.def, normalized, o),
    (n) => (n > 0 ? { kind: 'delete', where: w } : undefined),
  );
  const info = { count };
  await notify(Model, 'after delete', { ...fields, where: w, info }, hookState, options);
  return info;
}

export async function destroyById(
  Model: DaoModel,
  id: unknown,
  options: unknown,
): Promise<{ count: number }> {
  requireId(Model, id, 'destroyById');
  return destroyAll(Model, idWhere(Model, coerceId(Model, id)), options);
}

/** instance.destroy(): LB3 runs `access` too, then `before delete` with ctx.instance. */
export async function destroyInstance(
  Model: DaoModel,
  inst: any,
  options: unknown,
): Promise<{ count: number }> {
  const info = await destroyAll(Model, idWhere(Model, inst.getId()), options, inst);
  inst.__persisted = false;
  return info;
}

import { isPlainObject } from '../util/own';

type Query = Record<string, any>;

/**
 * Merges a scope (a model's default `scope`, a named scope, a relation scope) into a query the way
 * LB3 does: where clauses are and-ed, the query's order/limit/skip/fields win when present,
 * includes accumulate.
 */
export function mergeQuery(query: Query | undefined, scope: Query | undefined): Query {
  const q: Query = query ? { ...query } : {};
  if (!scope) return q;
  if (scope.where && Object.keys(scope.where).length) {
    q.where = q.where && Object.keys(q.where).length ? { and: [scope.where, q.where] } : scope.where;
  }
  if (scope.include !== undefined) {
    q.include = q.include === undefined ? scope.include : [...toArray(scope.include), ...toArray(q.include)];
  }
  // As LB3's mergeQuery: the scope's limit/skip/offset/fields win when it sets them; its order only
  // fills in for a query without one.
  for (const key of ['fields', 'limit', 'skip', 'offset'] as const) {
    if (scope[key] !== undefined) q[key] = scope[key];
  }
  if (q.order === undefined && scope.order !== undefined) q.order = scope.order;
  if (q.collect === undefined && scope.collect !== undefined) q.collect = scope.collect;
  return q;
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The default scope's where, and-ed into a where clause (count, updateAll, destroyAll). */
export function mergeWhere(where: Query | undefined, scopeWhere: Query | undefined): Query | undefined {
  if (!scopeWhere || !Object.keys(scopeWhere).length) return where;
  if (!where || !Object.keys(where).length) return scopeWhere;
  return { and: [scopeWhere, where] };
}

/**
 * LB3 writes a default scope's simple equalities into new data, so an instance created through a
 * scope (`{where: {type: 'vip'}}`) is found by it afterwards.
 */
export function scopeDefaults(scopeWhere: Query | undefined): Query | undefined {
  if (!scopeWhere) return undefined;
  let out: Query | undefined;
  for (const [key, value] of Object.entries(scopeWhere)) {
    if (key === 'and' && Array.isArray(value)) {
      // Equalities inside an `and` hold for every row in scope too.
      for (const part of value)
        if (isPlainObject(part)) Object.assign((out ??= {}), scopeDefaults(part as Query));
      continue;
    }
    if (key === 'or') continue;
    if (isPlainObject(value) || Array.isArray(value) || value instanceof RegExp) continue;
    (out ??= {})[key] = value;
  }
  return out;
}

import { DistanceUnit, GeoPoint, GeoPointLike } from '../geo-point';
import { compareValues, pathReader, readPath, valuesEqual } from './compare';
import { compileLike } from './like';
import { OPERATORS } from './normalize-where';
import { regexpTest } from './regexp';
import type { WhereClause } from './types';

type Row = Record<string, unknown>;
export type RowPredicate = (row: Row) => boolean;

const ALWAYS: RowPredicate = () => true;

/**
 * Compiles a normalised where clause (the output of `normalizeWhere`) into a predicate over rows,
 * once per query, for the memory store and for in-process checks such as validations.
 *
 * Semantics, as LB3's memory store (observed on loopback-datasource-juggler 3.x) unless noted:
 * - a condition on an array-valued property matches when any element matches (`{tags: 'a'}`);
 * - `null` (and `{eq: null}`) matches null and missing values; `{neq: null}` the others; `neq v`
 *   and `nin` match missing values too;
 * - gt/gte/lt/lte/between never match null or missing values; `between` is inclusive;
 * - dates compare by time, strings by UTF-16 code units;
 * - `like` is SQL LIKE, anchored (LB3's memory store was an unanchored regexp: see like.ts);
 * - `regexp` runs on a linear-time engine (regexp.ts), never on JavaScript's backtracking one;
 * - `exists` is honoured (LB3's memory store matched nothing for it);
 * - `near` keeps rows within min/maxDistance (in `unit`, default miles); the store sorts by distance.
 */
export function compileWhere(where: WhereClause | undefined): RowPredicate {
  if (!where) return ALWAYS;
  const parts: RowPredicate[] = [];
  for (const key of Object.keys(where)) {
    const cond = where[key];
    if (key === 'and' || key === 'or') {
      const subs = (cond as WhereClause[]).map(compileWhere);
      parts.push(key === 'and' ? (row) => subs.every((p) => p(row)) : (row) => subs.some((p) => p(row)));
    } else {
      parts.push(compileCondition(key, cond));
    }
  }
  if (parts.length === 0) return ALWAYS;
  if (parts.length === 1) return parts[0];
  return (row) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i](row)) return false;
    return true;
  };
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => OPERATORS.has(k));
}

type ValueTest = (value: unknown) => boolean;

function compileCondition(path: string, cond: unknown): RowPredicate {
  if (cond === null) return isNullAt(path);
  if (isOperatorObject(cond)) return compileOperators(path, cond);
  return anyElement(path, (v) => valuesEqual(v, cond), true);
}

function isNullAt(path: string): RowPredicate {
  const read = pathReader(path);
  return (row) => {
    const v = read(row);
    return v === null || v === undefined;
  };
}

/** Applies a test to the value, or to each element when the stored value is an array. */
function anyElement(path: string, test: ValueTest, matchWholeArray: boolean): RowPredicate {
  const read = pathReader(path);
  return (row) => {
    const v = read(row);
    if (Array.isArray(v)) return (matchWholeArray && test(v)) || v.some(test);
    return test(v);
  };
}

function not(p: RowPredicate): RowPredicate {
  return (row) => !p(row);
}

function compileOperators(path: string, ops: Record<string, unknown>): RowPredicate {
  const tests: RowPredicate[] = [];
  const flags = typeof ops.options === 'string' ? ops.options : '';
  for (const op of Object.keys(ops)) {
    const arg = ops[op];
    switch (op) {
      case 'eq':
        tests.push(compileCondition(path, arg));
        break;
      case 'neq':
        tests.push(not(compileCondition(path, arg)));
        break;
      case 'gt':
        tests.push(anyElement(path, (v) => present(v) && compareValues(v, arg) > 0, false));
        break;
      case 'gte':
        tests.push(anyElement(path, (v) => present(v) && compareValues(v, arg) >= 0, false));
        break;
      case 'lt':
        tests.push(anyElement(path, (v) => present(v) && compareValues(v, arg) < 0, false));
        break;
      case 'lte':
        tests.push(anyElement(path, (v) => present(v) && compareValues(v, arg) <= 0, false));
        break;
      case 'between': {
        const [lo, hi] = arg as [unknown, unknown];
        tests.push(
          anyElement(
            path,
            (v) => present(v) && compareValues(v, lo) >= 0 && compareValues(v, hi) <= 0,
            false,
          ),
        );
        break;
      }
      case 'inq':
        tests.push(inList(path, arg as unknown[]));
        break;
      case 'nin':
        tests.push(not(inList(path, arg as unknown[])));
        break;
      case 'like':
      case 'ilike':
      case 'nlike':
      case 'nilike': {
        const insensitive = op === 'ilike' || op === 'nilike' || flags.includes('i');
        const test =
          arg instanceof RegExp ? regexpTest(arg, `${path}.${op}`) : compileLike(String(arg), insensitive);
        const match = anyElement(path, (v) => typeof v === 'string' && test(v), false);
        tests.push(op[0] === 'n' ? not(match) : match);
        break;
      }
      case 'regexp': {
        const test = regexpTest(arg as RegExp, `${path}.regexp`);
        tests.push(anyElement(path, (v) => typeof v === 'string' && test(v), false));
        break;
      }
      case 'exists': {
        const present = isNullAt(path);
        tests.push(arg === true ? not(present) : present);
        break;
      }
      case 'near':
        tests.push(compileNear(path, arg as GeoPointLike, ops));
        break;
    }
  }
  if (tests.length === 1) return tests[0];
  return (row) => tests.every((t) => t(row));
}

function present(v: unknown): boolean {
  return v !== null && v !== undefined;
}

function inList(path: string, list: unknown[]): RowPredicate {
  // Primitive lists (the common case, ids) get a Set: O(1) per row instead of O(list).
  if (list.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) {
    const set = new Set<unknown>(list);
    return anyElement(path, (v) => set.has(v), false);
  }
  return anyElement(path, (v) => list.some((x) => (x === null ? !present(v) : valuesEqual(v, x))), false);
}

function compileNear(path: string, near: GeoPointLike, ops: Record<string, unknown>): RowPredicate {
  const unit = (ops.unit as DistanceUnit | undefined) ?? 'miles';
  const max = ops.maxDistance as number | undefined;
  const min = ops.minDistance as number | undefined;
  return (row) => {
    const point = GeoPoint.parse(readPath(row, path));
    if (!point) return false;
    const d = GeoPoint.distanceBetween(near, point, unit);
    return (max === undefined || d <= max) && (min === undefined || d >= min);
  };
}

/** The top-level `near` condition of a where clause, if any, so the store can sort by distance. */
export function findNear(
  where: WhereClause | undefined,
): { path: string; point: GeoPointLike; unit?: DistanceUnit } | undefined {
  if (!where) return undefined;
  for (const key of Object.keys(where)) {
    const cond = where[key];
    if (isOperatorObject(cond) && cond.near)
      return { path: key, point: cond.near as GeoPointLike, unit: cond.unit as DistanceUnit | undefined };
  }
  return undefined;
}

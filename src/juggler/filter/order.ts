import { InvalidFilterError } from '../../errors';
import { DistanceUnit, GeoPoint, GeoPointLike } from '../geo-point';
import type { ModelDefinition } from '../model-definition';
import { compareValues, pathReader, readPath } from './compare';
import type { ResolvedLimits } from './limits';
import { resolvePath } from './property-path';
import type { OrderKey } from './types';

type Row = Record<string, unknown>;

/**
 * `order` in LB3's forms — `'a'`, `'a DESC'`, `['a ASC', 'b DESC']`, `'a ASC, b DESC'` — as a
 * list of keys. The direction is case-insensitive and defaults to ASC; anything else is a 400
 * with LB3's message (`The order "name FOO" has invalid direction`).
 */
export function normalizeOrder(
  order: unknown,
  model: ModelDefinition,
  limits: ResolvedLimits,
): readonly OrderKey[] | undefined {
  if (order === undefined || order === null || order === '') return undefined;
  let items: unknown[];
  if (typeof order === 'string') items = order.split(',');
  else if (Array.isArray(order)) items = order.flatMap((o) => (typeof o === 'string' ? o.split(',') : [o]));
  else
    throw new InvalidFilterError(
      `The order ${JSON.stringify(order)} is not valid; use a string like "name ASC" or an array of them`,
    );
  const keys: OrderKey[] = [];
  for (const item of items) {
    if (typeof item !== 'string')
      throw new InvalidFilterError(`The order ${JSON.stringify(item) ?? String(item)} is not valid`);
    const text = item.trim();
    if (text === '') continue;
    const parts = text.split(/\s+/);
    if (parts.length > 2)
      throw new InvalidFilterError(
        `The order ${JSON.stringify(text)} is not valid; use "property ASC" or "property DESC"`,
      );
    const direction = (parts[1] ?? 'ASC').toUpperCase();
    if (direction !== 'ASC' && direction !== 'DESC')
      throw new InvalidFilterError(`The order ${JSON.stringify(text)} has invalid direction`);
    resolvePath(parts[0], model, limits, 'order');
    keys.push(Object.freeze({ property: parts[0], direction }));
  }
  return keys.length ? Object.freeze(keys) : undefined;
}

/**
 * A comparator for the order keys. Array#sort is stable, so ties keep the store's default order.
 * As in LB3's memory store, null and missing values sort first ascending (last descending),
 * strings compare by UTF-16 code units (`'Zed' < 'abe'`), dates by time.
 */
export function compileOrder(order: readonly OrderKey[]): (a: Row, b: Row) => number {
  const readers = order.map((k) => pathReader(k.property));
  const signs = order.map((k) => (k.direction === 'DESC' ? -1 : 1));
  if (readers.length === 1) {
    const read = readers[0];
    const sign = signs[0];
    return (a, b) => compareValues(read(a), read(b)) * sign;
  }
  return (a, b) => {
    for (let i = 0; i < readers.length; i++) {
      const c = compareValues(readers[i](a), readers[i](b));
      if (c !== 0) return c * signs[i];
    }
    return 0;
  };
}

/**
 * The rows sorted by `order` (a new array; the input is left alone). When only the first `top`
 * rows will be used (skip + limit) and that is a small share, a bounded insertion keeps just those:
 * O(n log top) instead of sorting everything. Both paths are stable.
 */
export function sortRows(rows: readonly Row[], order: readonly OrderKey[], top?: number): Row[] {
  const cmp = compileOrder(order);
  if (top === undefined || top > 1000 || top * 8 > rows.length) return rows.slice().sort(cmp);
  const best: Row[] = [];
  if (top === 0) return best;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (best.length === top && cmp(row, best[top - 1]) >= 0) continue;
    // Upper bound: after every equal row already kept, which keeps the sort stable.
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(row, best[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, row);
    if (best.length > top) best.pop();
  }
  return best;
}

/** Nearest first; rows without a point last. */
export function compileDistanceOrder(
  path: string,
  point: GeoPointLike,
  unit: DistanceUnit = 'miles',
): (a: Row, b: Row) => number {
  const distance = (row: Row): number => {
    const p = GeoPoint.parse(readPath(row, path));
    return p ? GeoPoint.distanceBetween(point, p, unit) : Infinity;
  };
  return (a, b) => {
    const x = distance(a);
    const y = distance(b);
    return x === y ? 0 : x < y ? -1 : 1;
  };
}

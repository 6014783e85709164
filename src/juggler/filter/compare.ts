/**
 * Value comparison shared by the in-memory matcher and sorter: dates by time, strings by code
 * units, numbers numerically; null/undefined sort first (as LB3's memory connector does).
 */
import { Buffer } from 'buffer';

export function toComparable(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.getTime();
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return v;
}

export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = toComparable(a);
  const y = toComparable(b);
  const xNull = x === null || x === undefined;
  const yNull = y === null || y === undefined;
  if (xNull || yNull) return xNull && yNull ? 0 : xNull ? -1 : 1;
  if (typeof x === typeof y) return (x as any) < (y as any) ? -1 : (x as any) > (y as any) ? 1 : 0;
  // Mixed types (free-form data): order by type name, then by string form, for a total order.
  const tx = typeof x;
  const ty = typeof y;
  if (tx !== ty) return tx < ty ? -1 : 1;
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = toComparable(a);
  const y = toComparable(b);
  if (x === y) return true;
  if (x === null || x === undefined || y === null || y === undefined) return false;
  if (typeof x === 'object' && typeof y === 'object') return JSON.stringify(x) === JSON.stringify(y);
  return false;
}

/** A reader for one path, chosen once: plain property access unless the path is dotted. */
export function pathReader(path: string): (row: Record<string, unknown>) => unknown {
  return path.indexOf('.') < 0 ? (row) => row[path] : (row) => readPath(row, path);
}

/** Reads a possibly dotted path from a row (`address.city`); only own properties are followed. */
export function readPath(row: Record<string, unknown>, path: string): unknown {
  if (path.indexOf('.') < 0) return row[path];
  let cur: unknown = row;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Leaf helpers for touching user-supplied objects without tripping over the prototype chain. */

/** Keys that never name data: reading or writing them through user input is prototype pollution. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function hasOwn(obj: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Does a write's data (plain, or an instance's `__data`) carry a value, not null, for `key`? */
export function givenValue(target: any, key: string): boolean {
  const data = target.__data ?? target;
  return hasOwn(data, key) && data[key] !== undefined && data[key] !== null;
}

/** A null-prototype dictionary: lookups by user-supplied keys cannot reach Object.prototype. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

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

/**
 * An object standing for one value, such as a MongoDB ObjectID made by server code: it has a
 * `toString` function of its own kind. Request bodies cannot make one (JSON has no functions), so
 * reading it as its string can never turn an operator object into a value.
 */
export function isValueObject(value: unknown): value is { toString(): string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value instanceof Date || value instanceof RegExp || Buffer.isBuffer(value)) return false;
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === 'function' && toString !== Object.prototype.toString;
}

/**
 * Defines `obj[key]` as a writable, configurable own data property left out of enumeration, so
 * `Object.keys`, spreads and `JSON.stringify` (what LB3 prints and serialises) never see it.
 */
export function defineHidden(obj: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * As `defineHidden`, only when `obj` has no own `key` (an inherited one is shadowed): a value the
 * caller or app code already set on the object itself wins. Answers whether it defined one.
 */
export function defineHiddenIfAbsent(obj: object, key: PropertyKey, value: unknown): boolean {
  if (hasOwn(obj, key)) return false;
  defineHidden(obj, key, value);
  return true;
}

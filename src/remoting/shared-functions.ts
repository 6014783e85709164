import type { RemoteMethodOptions } from './shared-method';

/**
 * LB3's older way to expose a method: mark the function itself (`loopback.remoteMethod(fn,
 * options)`, or `fn.shared = true` with `fn.accepts`, `fn.returns`, `fn.http` on it) and assign
 * it to the model class or its prototype. Such functions are found on the class when its methods
 * are listed, as strong-remoting did.
 */

/** What a marked function may carry, read as its remote method's declaration. */
const DECLARATION_KEYS = [
  'accepts',
  'returns',
  'errors',
  'http',
  'description',
  'notes',
  'accessType',
  'documented',
  'aliases',
  'rest',
] as const;

/** Bumped on every `markShared`, so REST handlers know to look for newly marked functions. */
let markedCount = 0;

/** `loopback.remoteMethod(fn, options)`: marks `fn` shared and copies the declaration onto it. */
export function markShared(fn: any, options?: Record<string, unknown>): any {
  fn.shared = true;
  if (options && typeof options === 'object') Object.assign(fn, options);
  // LB3: a function shared this way answers GET unless it says otherwise.
  fn.http = fn.http || { verb: 'get' };
  markedCount++;
  return fn;
}

export function sharedFunctionsMarked(): number {
  return markedCount;
}

/**
 * The marked functions of an object and what it inherits (a class and its parents' statics, or
 * a prototype chain), by name, nearest first. Getters are not invoked. Model classes kept as
 * properties (`User.email = Email`) are skipped: they are shared as classes, not as methods.
 */
export function findSharedFunctions(target: object | undefined): Map<string, RemoteMethodOptions> {
  const found = new Map<string, RemoteMethodOptions>();
  for (
    let obj = target;
    obj && obj !== Function.prototype && obj !== Object.prototype;
    obj = Object.getPrototypeOf(obj)
  ) {
    for (const key of Object.keys(obj)) {
      if (found.has(key) || key === 'super_') continue;
      const value = Object.getOwnPropertyDescriptor(obj, key)?.value;
      if (typeof value !== 'function' || value.shared !== true || value.modelName) continue;
      const declaration: RemoteMethodOptions = {};
      for (const k of DECLARATION_KEYS) if (value[k] !== undefined) declaration[k] = value[k];
      found.set(key, declaration);
    }
  }
  return found;
}

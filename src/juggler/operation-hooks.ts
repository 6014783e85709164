/**
 * Operation hooks (`Model.observe('before save', fn)`): per-model lists of observers, notified
 * base model first, then the model itself, as LB3 does — so a hook on a base model fires for
 * every model that extends it, whenever it was registered.
 *
 * Pay only for what is used: `hasObservers` lets the DAO skip building a context at all.
 */

export type OperationName =
  'access' | 'before save' | 'persist' | 'loaded' | 'after save' | 'before delete' | 'after delete' | string;

export type Observer = (ctx: any, next?: (err?: unknown) => void) => unknown;

/** Any model class; observers live in its own (non-inherited) `__observers` map. */
type ObservableCtor = object & { __observers?: Map<string, Observer[]> };

/**
 * Bumped by every change to any model's observers, so the answer of `hasObservers` (asked several
 * times by every write) is worked out once per model and kept until observers change.
 */
let observersVersion = 0;
const observedOperations = new WeakMap<object, { version: number; operations: Set<string> }>();

function ownObservers(ctor: ObservableCtor): Map<string, Observer[]> {
  observersVersion++;
  if (!Object.prototype.hasOwnProperty.call(ctor, '__observers') || !ctor.__observers) {
    Object.defineProperty(ctor, '__observers', { value: new Map(), enumerable: false, writable: true });
  }
  return ctor.__observers!;
}

export function observe(ctor: ObservableCtor, operation: string, fn: Observer): void {
  if (typeof fn !== 'function') throw new TypeError(`Observer for "${operation}" must be a function`);
  const map = ownObservers(ctor);
  const list = map.get(operation);
  if (list) list.push(fn);
  else map.set(operation, [fn]);
}

/** Like observe, but ahead of the model's own observers: a guard that must see what the caller sent. */
export function observeFirst(ctor: ObservableCtor, operation: string, fn: Observer): void {
  if (typeof fn !== 'function') throw new TypeError(`Observer for "${operation}" must be a function`);
  const map = ownObservers(ctor);
  map.set(operation, [fn, ...(map.get(operation) ?? [])]);
}

export function removeObserver(ctor: ObservableCtor, operation: string, fn: Observer): void {
  const list = ownObservers(ctor).get(operation);
  if (!list) return;
  const i = list.indexOf(fn);
  if (i >= 0) list.splice(i, 1);
}

export function clearObservers(ctor: ObservableCtor, operation?: string): void {
  const map = ownObservers(ctor);
  if (operation) map.delete(operation);
  else map.clear();
}

/** The model's own observers by operation, copied: what LB3 code reads as `Model._observers`. */
export function ownObserverLists(ctor: ObservableCtor): Record<string, Observer[]> {
  const out: Record<string, Observer[]> = {};
  if (Object.prototype.hasOwnProperty.call(ctor, '__observers') && ctor.__observers) {
    for (const [operation, list] of ctor.__observers) out[operation] = list.slice();
  }
  return out;
}

/** Observers for an operation, base model's first; an empty array when nobody observes. */
export function observersOf(ctor: ObservableCtor, operation: string): Observer[] {
  const chain: Observer[][] = [];
  for (let c: any = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c, '__observers')) {
      const list = (c.__observers as Map<string, Observer[]>).get(operation);
      if (list && list.length) chain.push(list);
    }
  }
  if (chain.length === 0) return EMPTY;
  if (chain.length === 1) return chain[0].slice();
  const out: Observer[] = [];
  for (let i = chain.length - 1; i >= 0; i--) out.push(...chain[i]);
  return out;
}

const EMPTY: Observer[] = [];

export function hasObservers(ctor: ObservableCtor, operation: string): boolean {
  const cached = observedOperations.get(ctor);
  if (cached && cached.version === observersVersion) return cached.operations.has(operation);
  const operations = new Set<string>();
  for (let c: any = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c, '__observers')) {
      for (const [name, list] of c.__observers as Map<string, Observer[]>)
        if (list.length) operations.add(name);
    }
  }
  observedOperations.set(ctor, { version: observersVersion, operations });
  return operations.has(operation);
}

/** Runs one observer, which may take `next` or return a promise (or both; first answer wins). */
function runObserver(fn: Observer, ctx: unknown): Promise<void> {
  if (fn.length < 2) {
    return Promise.resolve(fn(ctx)).then(() => undefined);
  }
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const next = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    try {
      const ret = fn(ctx, next) as { then?: unknown } | undefined;
      if (ret && typeof ret.then === 'function') {
        (ret as Promise<unknown>).then(() => next(), next);
      }
    } catch (err) {
      next(err);
    }
  });
}

/** Notifies every observer of `operation` in order; the first failure aborts the rest and rejects. */
export async function notifyObservers(ctor: ObservableCtor, operation: string, ctx: unknown): Promise<void> {
  const list = observersOf(ctor, operation);
  for (let i = 0; i < list.length; i++) await runObserver(list[i], ctx);
}

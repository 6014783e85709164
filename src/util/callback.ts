import BluebirdBase from 'bluebird';

/**
 * loopline's own copy of Bluebird: the same API LB3 made part of its contract, but resolving on
 * the microtask queue (Bluebird's default scheduler in Node is setImmediate, a trip through the
 * event loop on every await). A copy, so the scheduling of the app's own Bluebird is left alone.
 */
export const Bluebird: typeof BluebirdBase = BluebirdBase.getNewLibraryCopy();
Bluebird.setScheduler((fn) => queueMicrotask(fn));
type Bluebird<T> = BluebirdBase<T>;

export type NodeCallback<T> = (err: Error | null, result?: T, ...rest: unknown[]) => void;

/**
 * LB3 methods take an optional node-style callback as their last argument and otherwise return a
 * (Bluebird) promise. Inside we write async functions; this bridges the two at the public edge.
 */
export function withCallback<T>(promise: Promise<T>, cb?: NodeCallback<T>, spread = false): Bluebird<T> {
  const result = Bluebird.resolve(promise);
  if (typeof cb === 'function') {
    result.then(
      (value) => {
        if (spread && Array.isArray(value)) cb(null, ...(value as [T, ...unknown[]]));
        else cb(null, value);
      },
      (err: Error) => cb(err),
    );
  }
  return result;
}

/** Picks the trailing callback out of an LB3-style variadic argument list. */
export function splitCallback(args: unknown[]): { args: unknown[]; cb: NodeCallback<any> | undefined } {
  const last = args[args.length - 1];
  if (typeof last === 'function') return { args: args.slice(0, -1), cb: last as NodeCallback<any> };
  return { args, cb: undefined };
}

import type BluebirdBase from 'bluebird';

type Bluebird<T> = BluebirdBase<T>;
let copy: typeof BluebirdBase | undefined;

/**
 * loopline's own copy of Bluebird: the same API LB3 made part of its contract, but resolving on
 * the microtask queue (Bluebird's default scheduler in Node is setImmediate, a trip through the
 * event loop on every await). A copy, so the scheduling of the app's own Bluebird is left alone.
 * Made at its first use (loading Bluebird is some 12 ms of a cold start): an app whose boot and
 * requests never hand a promise to app code never loads it.
 */
export function bluebird(): typeof BluebirdBase {
  if (!copy) {
    copy = (require('bluebird') as typeof BluebirdBase).getNewLibraryCopy();
    copy.setScheduler((fn) => queueMicrotask(fn));
  }
  return copy;
}

/**
 * Marks a function that answers only through the promise it returns, whatever the callback: the
 * REST invocation then calls it without one (one promise settled instead of two, and no callback
 * bridge), with the same results. Only loopline's own methods carry it; a function an app put in
 * their place does not, and is called with a callback as LB3 calls it.
 */
export const ANSWERS_BY_PROMISE: unique symbol = Symbol.for('loopline.answersByPromise');

export function markAnswersByPromise(fn: object): void {
  Object.defineProperty(fn, ANSWERS_BY_PROMISE, { value: true });
}

let plainAnswer = false;

/**
 * Calls one of loopline's own methods (marked ANSWERS_BY_PROMISE) for a caller of loopline's that
 * only awaits the answer (the REST invocation): the method answers with the plain promise it
 * made, not a Bluebird one, unless something else takes the request first. The method takes it
 * (`takePlainAnswer`) at its entry, before any code of the app can run; it is cleared on return.
 */
export function callForPlainAnswer<T>(call: () => T): T {
  plainAnswer = true;
  try {
    return call();
  } finally {
    plainAnswer = false;
  }
}

/** Whether the method now starting was called for a plain promise (see callForPlainAnswer); the request is used up. */
export function takePlainAnswer(): boolean {
  const plain = plainAnswer;
  plainAnswer = false;
  return plain;
}

export type NodeCallback<T> = (err: Error | null, result?: T, ...rest: unknown[]) => void;

/**
 * LB3 methods take an optional node-style callback as their last argument and otherwise return a
 * (Bluebird) promise. Inside we write async functions; this bridges the two at the public edge.
 *
 * The callback runs outside the promise chain, as LB3 calls it: an exception it throws is an
 * uncaught exception (the process ends, and a cluster or supervisor starts another), not an
 * unhandled rejection that is printed while the request it should have answered hangs for good.
 */
export function withCallback<T>(
  promise: Promise<T>,
  cb?: NodeCallback<T>,
  spread = false,
  resultOfError?: (err: Error) => T | undefined,
  plain = false,
): Bluebird<T> {
  // Asked for by loopline's own awaiting caller only (callForPlainAnswer), never with a callback.
  if (plain && typeof cb !== 'function') return promise as unknown as Bluebird<T>;
  const result = bluebird().resolve(promise);
  if (typeof cb === 'function') {
    result.then(
      (value) =>
        outsidePromise(() =>
          spread && Array.isArray(value) ? cb(null, ...(value as [T, ...unknown[]])) : cb(null, value),
        ),
      (err: Error) => {
        // Some LB3 methods call back a result beside the error (create: the instance it tried to save).
        const partial = resultOfError?.(err);
        outsidePromise(() => (partial === undefined ? cb(err) : cb(err, partial)));
      },
    );
  }
  return result;
}

function outsidePromise(call: () => void): void {
  try {
    call();
  } catch (thrown) {
    process.nextTick(() => {
      throw thrown;
    });
  }
}

/** Picks the trailing callback out of an LB3-style variadic argument list. */
export function splitCallback(args: unknown[]): { args: unknown[]; cb: NodeCallback<any> | undefined } {
  const last = args[args.length - 1];
  if (typeof last === 'function') return { args: args.slice(0, -1), cb: last as NodeCallback<any> };
  return { args, cb: undefined };
}

/**
 * Calls a function an app may have written either way, LB3-style: it answers through the
 * callback it is given, or returns a promise (or both; the first answer wins).
 */
export function callbackOrPromise<T>(
  invoke: (cb: (err?: unknown, value?: T) => void) => unknown,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const ret = invoke((err, value) => (err ? reject(err) : resolve(value as T)));
    if (ret && typeof (ret as PromiseLike<T>).then === 'function')
      (ret as PromiseLike<T>).then(resolve, reject);
  });
}

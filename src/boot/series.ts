export type Step = () => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return !!value && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Runs steps in order, synchronously for as long as they are synchronous (as loopback-boot runs
 * components and boot scripts), waiting only on a step that returns a promise. Undefined when all
 * ran synchronously; otherwise a promise of the rest. A synchronous step's throw is thrown.
 */
export function inSeries(steps: Step[], from = 0): Promise<void> | undefined {
  for (let i = from; i < steps.length; i++) {
    const result = steps[i]();
    if (isThenable(result)) return Promise.resolve(result).then(() => inSeries(steps, i + 1));
  }
  return undefined;
}

/**
 * A callback-style script `fn(app, cb)`: done when `cb` is called (synchronously or later) or,
 * as loopback-boot, when a promise it returns settles; the first answer wins.
 */
export function callbackStep(call: (cb: (err?: unknown) => void) => unknown): unknown {
  // An object, so TypeScript does not narrow it across the call that may change it.
  const outcome: { state: 'pending' | 'done' | 'failed' } = { state: 'pending' };
  let error: unknown;
  let onSettled: ((err?: unknown) => void) | undefined;
  const cb = (err?: unknown) => {
    if (outcome.state !== 'pending') return;
    outcome.state = err ? 'failed' : 'done';
    error = err;
    onSettled?.(err);
  };
  const ret = call(cb);
  if (isThenable(ret))
    ret.then(
      () => cb(),
      (err: unknown) => cb(err ?? new Error('Boot script rejected')),
    );
  if (outcome.state === 'done') return undefined;
  if (outcome.state === 'failed') throw error;
  return new Promise<void>((resolve, reject) => {
    onSettled = (err) => (err ? reject(err) : resolve());
  });
}

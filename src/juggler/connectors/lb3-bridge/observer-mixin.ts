/**
 * LB3's observer API on a connector (`connector.observe('before execute', fn)`), which the juggler
 * mixes into every connector it loads: SqlConnector wraps each statement in
 * `notifyObserversAround('execute', …)`, so a bridged SQL connector needs it to run at all.
 */
type Done = (err?: unknown, ...results: unknown[]) => void;
type Observer = (context: Record<string, unknown>, next: (err?: unknown) => void) => unknown;

interface Observable {
  _observers?: Record<string, Observer[]>;
  notifyObserversOf(operation: string, context: Record<string, unknown>, callback?: Done): void;
}

function runObservers(
  list: Observer[],
  context: Record<string, unknown>,
  done: (err?: unknown) => void,
): void {
  let i = 0;
  const next = (err?: unknown): void => {
    if (err || i >= list.length) return done(err);
    const fn = list[i++];
    let called = false;
    const once = (e?: unknown) => {
      if (called) return;
      called = true;
      next(e);
    };
    try {
      const out = fn(context, once);
      if (out && typeof (out as Promise<unknown>).then === 'function')
        (out as Promise<unknown>).then(() => once(), once);
    } catch (e) {
      once(e);
    }
  };
  next();
}

const methods: Record<string, (this: Observable, ...args: any[]) => unknown> = {
  observe(this: Observable, operation: string, listener: Observer): void {
    this._observers ??= {};
    (this._observers[operation] ??= []).push(listener);
  },
  removeObserver(this: Observable, operation: string, listener: Observer): Observer | undefined {
    const list = this._observers?.[operation];
    const at = list ? list.indexOf(listener) : -1;
    return at >= 0 ? list!.splice(at, 1)[0] : undefined;
  },
  clearObservers(this: Observable, operation: string): void {
    if (this._observers) delete this._observers[operation];
  },
  notifyObserversOf(
    this: Observable,
    operation: string,
    context: Record<string, unknown>,
    callback?: Done,
  ): void {
    const list = this._observers?.[operation] ?? [];
    runObservers([...list], context, (err) => callback?.(err, context));
  },
  notifyObserversAround(
    this: Observable,
    operation: string,
    context: Record<string, unknown>,
    fn: (ctx: Record<string, unknown>, done: Done) => void,
    callback: Done,
  ): void {
    this.notifyObserversOf(`before ${operation}`, context, (err?: unknown) => {
      if (err) return callback(err);
      fn(context, (workErr?: unknown, ...results: unknown[]) => {
        if (workErr) {
          context.error = workErr;
          return this.notifyObserversOf(`after ${operation} error`, context, () =>
            callback(workErr, ...results),
          );
        }
        context.results = results;
        this.notifyObserversOf(`after ${operation}`, context, (afterErr?: unknown) => {
          if (afterErr) return callback(afterErr);
          const out = Array.isArray(context.results) ? (context.results as unknown[]) : results;
          callback(null, ...out);
        });
      });
    });
  },
};

/** Adds the observer methods a connector lacks (its own, if any, are kept). */
export function mixinObservers(target: Record<string, unknown>): void {
  for (const [name, fn] of Object.entries(methods)) if (typeof target[name] !== 'function') target[name] = fn;
}

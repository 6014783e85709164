/** An LB3 connector instance: callback-style methods on a plain object. */
export type Lb3Connector = Record<string, any>;

/** True when the LB3 connector has the callback method `name`. */
export function has(connector: Lb3Connector, name: string): boolean {
  return typeof connector[name] === 'function';
}

/**
 * Calls an LB3 callback method (`method(...args, cb)`) and resolves to every value the callback
 * passed after the error. A method that returns a promise instead of calling back (a few newer
 * connectors do both) settles the call too, whichever comes first.
 */
export function callAll(connector: Lb3Connector, method: string, args: unknown[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const cb = (err?: unknown, ...results: unknown[]) => {
      if (settled) return;
      settled = true;
      if (err)
        reject(
          err instanceof Error ? err : new Error(String((err as { message?: unknown })?.message ?? err)),
        );
      else resolve(results);
    };
    try {
      const out: unknown = connector[method](...args, cb);
      if (out && typeof (out as Promise<unknown>).then === 'function') {
        (out as Promise<unknown>).then(
          (value) => cb(null, value),
          (err: unknown) => cb(err ?? new Error(`${method} failed`)),
        );
      }
    } catch (err) {
      cb(err);
    }
  });
}

/** `callAll`, resolving to the first value only. */
export async function call<T = unknown>(
  connector: Lb3Connector,
  method: string,
  args: unknown[],
): Promise<T> {
  return (await callAll(connector, method, args))[0] as T;
}

/**
 * Calls a model method of an LB3 connector as the juggler does: `(modelName, ...args, options, cb)`
 * when the method declares room for options, else `(modelName, ...args, cb)` — and the old
 * `count(modelName, cb, where)` order for a count without options.
 */
export function callModelMethod<T = unknown>(
  connector: Lb3Connector,
  method: string,
  modelName: string,
  args: unknown[],
  options: unknown,
): Promise<T> {
  const fn = connector[method] as (...a: unknown[]) => unknown;
  const optionsSupported = fn.length >= args.length + 3;
  if (!optionsSupported && method === 'count') {
    return new Promise((resolve, reject) => {
      try {
        fn.call(
          connector,
          modelName,
          (err: unknown, n: unknown) => (err ? reject(err) : resolve(n as T)),
          args[0],
        );
      } catch (err) {
        reject(err);
      }
    });
  }
  return call<T>(connector, method, [modelName, ...args, ...(optionsSupported ? [options] : [])]);
}

/** What connecting reads and sets of the data source an LB3 connector was initialized with. */
interface ConnectingDataSource {
  connected: boolean;
  connecting: boolean;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * Connects an LB3 connector as the juggler does: waits for `initialize` (a failed one, the store
 * being down, is retried here, as LB3 retries on the next call), then its `connect`, and marks the
 * data source connected. `mapError` turns a driver's failure into loopline's (store-errors.ts).
 */
export async function connectLb3(
  dataSource: ConnectingDataSource,
  initialized: Promise<unknown>,
  lb3: Lb3Connector,
  mapError: (err: unknown) => unknown,
): Promise<void> {
  if (dataSource.connected) return;
  await initialized.catch(() => undefined);
  if (dataSource.connected) return;
  try {
    if (has(lb3, 'connect')) await call(lb3, 'connect', []);
  } catch (err) {
    throw mapError(err);
  }
  dataSource.connected = true;
  dataSource.connecting = false;
  dataSource.emit('connected');
}

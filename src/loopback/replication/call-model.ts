import { ConfigurationError } from '../../errors';
import type { ModelClass } from '../model-api/registry';

/** The id property's name; replication needs models with an id. */
export function idNameOf(Model: ModelClass): string {
  const name = Model.getIdName();
  if (!name)
    throw new ConfigurationError(
      `${Model.modelName} has no id property, which change tracking and replication need`,
      'MODEL_WITHOUT_ID',
    );
  return name;
}

/**
 * Calls a model method the LB3 way, with a node callback last, and takes whichever answer comes
 * first: the callback or a returned promise. Replication goes through the models' public methods
 * so that an app's (or a test's) replacement of `diff`, `bulkUpdate`, … and remote models are used.
 */
export function callModel(Model: ModelClass, method: string, args: unknown[]): Promise<any> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const cb = (err?: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(result);
    };
    try {
      // A replication method named by the caller (`changes`, `diff`, `createUpdates`, …).
      const ret = (Model as unknown as Record<string, (...params: unknown[]) => any>)[method](...args, cb);
      if (ret && typeof ret.then === 'function')
        ret.then(
          (v: unknown) => cb(null, v),
          (e: unknown) => cb(e ?? new Error(`${method} failed`)),
        );
    } catch (err) {
      cb(err);
    }
  });
}

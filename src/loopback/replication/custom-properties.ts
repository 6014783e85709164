/**
 * LB3's hook for copying instance data onto its change record (`Model.prototype
 * .fillCustomChangeProperties(change, cb)`), so that `changes(since, filter)` can filter on it.
 * Apps override it with a callback or return a promise; either answer is taken.
 */
export function fillCustomChangeProperties(inst: object, change: object): Promise<void> {
  const fill = (inst as { fillCustomChangeProperties?: unknown }).fillCustomChangeProperties;
  if (typeof fill !== 'function') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    try {
      const ret = fill.call(inst, change, done) as { then?: unknown } | undefined;
      if (ret && typeof ret.then === 'function') (ret as Promise<unknown>).then(() => done(), done);
    } catch (err) {
      done(err);
    }
  });
}

/** The default: nothing to copy. */
export function noCustomChangeProperties(
  this: unknown,
  _change: unknown,
  cb?: (err?: Error | null) => void,
): Promise<void> | void {
  if (typeof cb === 'function') {
    process.nextTick(cb);
    return;
  }
  return Promise.resolve();
}

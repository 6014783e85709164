/**
 * Signups of this process still being written, by identity (email, username).
 *
 * LB3 hashed a password synchronously as the instance was built, so a user that a boot script
 * created without waiting existed before any later request was read: LB3 apps (and their tests)
 * log in straight after boot. loopline hashes without blocking the event loop, so such a login
 * would race the signup and answer 401. Instead a login for an identity whose signup is still in
 * flight waits for it to land. Keyed by identity, a login only ever waits on its own account; and
 * bounded, so a signup that fails after its `before save` hooks delays nothing for long.
 */

type Model = object;
interface Identity {
  email?: unknown;
  username?: unknown;
}

/** How long a login waits, at most, for a signup of the same identity. */
const SIGNUP_WAIT_MS = 2000;

const pendingByModel = new WeakMap<Model, Map<string, Set<Promise<void>>>>();

function keysOf(identity: Identity): string[] {
  const keys: string[] = [];
  if (typeof identity.email === 'string' && identity.email) keys.push(`email:${identity.email}`);
  if (typeof identity.username === 'string' && identity.username) keys.push(`username:${identity.username}`);
  return keys;
}

/**
 * Records the signups of `data` (one user's data or an array) on `Model`, from the moment
 * `create` is called; the returned function marks them written (or failed). Each also settles by
 * itself after SIGNUP_WAIT_MS.
 */
export function trackSignups(
  Model: Model,
  data: unknown,
  normalize: (identity: Identity) => Identity,
): () => void {
  const items = Array.isArray(data) ? data : [data];
  const settles = items
    .filter((item): item is Identity => !!item && typeof item === 'object')
    .map((item) => trackSignup(Model, normalize({ email: item.email, username: item.username })));
  return () => settles.forEach((settle) => settle());
}

function trackSignup(Model: Model, identity: Identity): () => void {
  const keys = keysOf(identity);
  if (!keys.length) return () => undefined;
  let pending = pendingByModel.get(Model);
  if (!pending) pendingByModel.set(Model, (pending = new Map()));
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const timer = setTimeout(settle, SIGNUP_WAIT_MS);
  timer.unref();
  for (const key of keys) {
    let set = pending.get(key);
    if (!set) pending.set(key, (set = new Set()));
    set.add(done);
  }
  void done.then(() => {
    clearTimeout(timer);
    for (const key of keys) {
      const set = pending!.get(key);
      set?.delete(done);
      if (set && set.size === 0) pending!.delete(key);
    }
  });
  return settle;
}

/** What a login for `identity` must wait for first, or undefined (the usual case: no wait at all). */
export function signupsInFlight(Model: Model, identity: Identity): Promise<unknown> | undefined {
  const pending = pendingByModel.get(Model);
  if (!pending) return undefined;
  const waits: Promise<void>[] = [];
  for (const key of keysOf(identity)) for (const p of pending.get(key) ?? []) waits.push(p);
  return waits.length ? Promise.all(waits) : undefined;
}

/**
 * loopback-context keeps a per-request store in continuation-local storage: its `perRequest`
 * middleware sets `req.loopbackContext` (the namespace) and runs the rest of the request in it.
 * Its async-listener form (loopback-context 1.x) follows callbacks and timers but not `await`,
 * so app code loopline calls after an await (remote hooks, the method, the middleware after
 * `loopback.token()`) would find no context. A keeper taken while the request's context is still
 * active re-enters it around such calls; without loopback-context it just calls.
 */

interface ContinuationNamespace {
  active?: unknown;
  bind(fn: (...args: unknown[]) => unknown, context: unknown): (...args: unknown[]) => unknown;
}

export type ContextKeeper = <T>(fn: () => T) => T;

const callDirectly: ContextKeeper = (fn) => fn();

export function requestContextKeeper(req: unknown): ContextKeeper {
  const ns = (req as { loopbackContext?: ContinuationNamespace } | undefined)?.loopbackContext;
  const active = ns && typeof ns === 'object' ? ns.active : undefined;
  if (!active || typeof ns?.bind !== 'function') return callDirectly;
  return <T>(fn: () => T): T => ns.bind(fn as () => unknown, active)() as T;
}

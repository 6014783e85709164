import type { RemotingContext } from './context';
import type { SharedMethod } from './shared-method';

export type RemoteHook = (ctx: RemotingContext, next: (err?: unknown) => void, method?: SharedMethod) => unknown;
export type HookKind = 'before' | 'after' | 'afterError';

interface Registration {
  kind: HookKind;
  pattern: RegExp;
  fn: RemoteHook;
}

/**
 * `before('Customer.*', fn)`-style registrations, resolved to per-method chains. Patterns:
 * `*` is one name segment (so `Customer.*` means static methods), `**` any number of them.
 * Chains are cached per method and rebuilt only when a hook is added.
 */
export class RemoteHooks {
  private readonly registrations: Registration[] = [];
  private cache = new Map<string, RemoteHook[] | null>();

  add(kind: HookKind, pattern: string, fn: RemoteHook): void {
    if (typeof fn !== 'function') throw new TypeError(`A ${kind} hook for "${pattern}" must be a function`);
    this.registrations.push({ kind, pattern: compilePattern(pattern), fn });
    this.cache = new Map();
  }

  /** The hooks for a method in registration order, or null when there are none (nothing to run). */
  chain(kind: HookKind, method: SharedMethod): RemoteHook[] | null {
    const key = `${kind}\u0000${method.stringName}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const names = method.hookNames;
    const list = this.registrations.filter((r) => r.kind === kind && names.some((n) => r.pattern.test(n))).map((r) => r.fn);
    const chain = list.length ? list : null;
    this.cache.set(key, chain);
    return chain;
  }
}

function compilePattern(pattern: string): RegExp {
  const source = pattern
    .split('.')
    .map((seg) => (seg === '**' ? '.*' : seg.split('*').map(escape).join('[^.]*')))
    .join('\\.');
  return new RegExp(`^${source}$`);
}

function escape(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs one hook: it may call `next`, return a promise, or both (first answer wins). */
export function runHook(fn: RemoteHook, ctx: RemotingContext): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const next = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    try {
      const ret = fn(ctx, next, ctx.method) as { then?: unknown } | undefined;
      if (ret && typeof ret.then === 'function') (ret as Promise<unknown>).then(() => next(), (e) => next(e ?? new Error('Remote hook rejected')));
    } catch (err) {
      next(err);
    }
  });
}

export async function runChain(chain: RemoteHook[] | null, ctx: RemotingContext): Promise<void> {
  if (!chain) return;
  for (const fn of chain) await runHook(fn, ctx);
}

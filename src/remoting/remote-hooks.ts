import type { RemotingContext } from './context';
import type { SharedMethod } from './shared-method';

export type RemoteHook = (
  ctx: RemotingContext,
  next: (err?: unknown) => void,
  method?: SharedMethod,
) => unknown;
export type HookKind = 'before' | 'after' | 'afterError';

interface Registration {
  kind: HookKind;
  segments: string[];
  pattern: RegExp;
  fn: RemoteHook;
}

/**
 * `before('Customer.*', fn)`-style registrations, resolved to per-method chains. Patterns:
 * `*` is one name segment (so `Customer.*` means static methods), `**` any number of them.
 * Chains are cached per method and rebuilt only when a hook is added.
 *
 * Order is LB3's (strong-remoting walks a wildcard tree): segment by segment, an exact name runs
 * before `*` and `*` before `**`, so `Customer.create` hooks precede `Customer.*`, which precede
 * `Customer.**` and then `**`; hooks on the same pattern run in registration order.
 */
export class RemoteHooks {
  private readonly registrations: Registration[] = [];
  private cache = new Map<string, RemoteHook[] | null>();
  /** Changes whenever a hook is added: what was worked out from the chains is then stale. */
  version = 0;

  add(kind: HookKind, pattern: string, fn: RemoteHook): void {
    if (typeof fn !== 'function') throw new TypeError(`A ${kind} hook for "${pattern}" must be a function`);
    this.registrations.push({ kind, segments: pattern.split('.'), pattern: compilePattern(pattern), fn });
    this.cache = new Map();
    this.version++;
  }

  /** The hooks registered with exactly this pattern (no wildcard matching), in registration order. */
  named(kind: HookKind, pattern: string): RemoteHook[] {
    return this.registrations
      .filter((r) => r.kind === kind && r.segments.join('.') === pattern)
      .map((r) => r.fn);
  }

  /** The hooks for a method in registration order, or null when there are none (nothing to run). */
  chain(kind: HookKind, method: SharedMethod): RemoteHook[] | null {
    const key = `${kind}\u0000${method.stringName}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const names = method.hookNames;
    const list = this.registrations
      .map((r, index) => ({
        r,
        index,
        name: r.kind === kind ? names.find((n) => r.pattern.test(n)) : undefined,
      }))
      .filter((m) => m.name !== undefined)
      .map((m) => ({ ...m, rank: specificity(m.r.segments) }))
      .sort((a, b) => compareRanks(a.rank, b.rank) || a.index - b.index)
      .map((m) => m.r.fn);
    const chain = list.length ? list : null;
    this.cache.set(key, chain);
    return chain;
  }
}

/** Per segment: 0 for a literal name, 1 for a segment with `*` in it, 2 for `**` (which ends it). */
function specificity(segments: string[]): number[] {
  const rank: number[] = [];
  for (const seg of segments) {
    if (seg === '**') {
      rank.push(2);
      break;
    }
    rank.push(seg.includes('*') ? 1 : 0);
  }
  return rank;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function compilePattern(pattern: string): RegExp {
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
      const ret = (
        typeof ctx.inRequestContext === 'function'
          ? ctx.inRequestContext(() => fn(ctx, next, ctx.method))
          : fn(ctx, next, ctx.method)
      ) as { then?: unknown } | undefined;
      if (ret && typeof ret.then === 'function')
        (ret as Promise<unknown>).then(
          () => next(),
          (e) => next(e ?? new Error('Remote hook rejected')),
        );
    } catch (err) {
      next(err);
    }
  });
}

export async function runChain(chain: RemoteHook[] | null, ctx: RemotingContext): Promise<void> {
  if (!chain) return;
  for (const fn of chain) await runHook(fn, ctx);
}

import { NextFunction, Request, Response } from 'express';
import { ConfigurationError } from '../../errors';
import { withBodyErrorCode } from '../../errors/body-parser-errors';

export const DEFAULT_PHASES = ['initial', 'session', 'auth', 'parse', 'routes', 'files', 'final'];

export type PhaseHandler = (...args: any[]) => unknown;

/** One entry of the app router's stack (Express's `Layer`), with the phase LB3 tags it with. */
export interface PhasedLayer {
  handle: PhaseHandler;
  /** `routes`, `auth:before`, …; undefined for what `app.use`/`app.get` added (start of `routes`). */
  phase?: string;
  [key: string]: unknown;
}

interface StackRouter {
  stack: PhasedLayer[];
  use(...args: unknown[]): unknown;
  route(path: string): unknown;
}

/** The parts of the Express app the phases work on. */
export interface PhasedApp {
  router: unknown;
  use(...args: unknown[]): unknown;
}

const STACK_VERSION = Symbol('loopline.stackVersion');

/**
 * A number that changes whenever the phases code adds to or reorders the app router's stack (the
 * REST fast lane works out again what runs before REST when it does).
 */
export function stackVersion(router: unknown): number {
  return ((router as Record<symbol, number | undefined>)[STACK_VERSION] ??= 0);
}

/** Put before every error handler: body-parser failures from any phase reach it with their code. */
function codeBodyErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  next(withBodyErrorCode(err));
}

/**
 * LB3's middleware phases: each phase has `:before`, main and `:after` stages, run in that order.
 * As in LB3, every handler lives in the app's own Express router: `app.middleware(phase, fn)` adds
 * it with `app.use` (so a mounted Express app gets its `mount` event, `mountpath` and `parent`) and
 * tags the layer with its phase; the stack is then sorted, stably, by phase. What `app.use` and
 * `app.get` add runs first in `routes`. One router means an error raised in one phase reaches
 * error middleware in any later phase (or `app.use`d) exactly as Express routes it. Sorting happens
 * when middleware is added (at boot), never per request.
 */
export class MiddlewarePhases {
  private phases: string[] = [...DEFAULT_PHASES];
  private sorting = true;
  private readonly coded = new WeakSet<PhasedLayer>();
  private rawUse: ((...args: unknown[]) => unknown) | undefined;
  private created: StackRouter | undefined;
  private readonly pending: Array<[string, unknown, PhaseHandler]> = [];

  constructor(private readonly app: PhasedApp) {
    // Express creates its router on first use (so `strict routing` and `case sensitive routing`
    // set before then apply): wrap it then. `app.use`, `app.get`… go through its `use` and
    // `route`: keep the stack in phase order after each.
    const descriptor = Object.getOwnPropertyDescriptor(app, 'router');
    const create = descriptor?.get;
    if (!create)
      throw new ConfigurationError('The Express app has no lazy router to put middleware phases on');
    Object.defineProperty(app, 'router', {
      configurable: true,
      enumerable: true,
      get: () => {
        if (!this.created) {
          this.created = this.wrap(create.call(app) as StackRouter);
          // The built-ins added before the router existed, in order.
          for (const [stage, scope, handler] of this.pending.splice(0)) this.mount(stage, scope, handler);
        }
        return this.created;
      },
    });
  }

  private get router(): StackRouter {
    return this.app.router as StackRouter;
  }

  private wrap(router: StackRouter): StackRouter {
    const use = router.use;
    const route = router.route;
    this.rawUse = use.bind(router);
    router.use = (...args: unknown[]) => {
      const out = use.apply(router, args);
      this.sort();
      return out;
    };
    router.route = (path: string) => {
      const out = route.call(router, path);
      this.sort();
      return out;
    };
    return router;
  }

  /** The phase names, in order. */
  list(): string[] {
    return [...this.phases];
  }

  /**
   * `defineMiddlewarePhases('custom')` inserts before `routes`. A list is merged keeping the order
   * of both: a new name goes right after the known name that precedes it in the list (or first).
   */
  define(phases: string | string[]): void {
    if (!Array.isArray(phases)) {
      if (!this.phases.includes(phases)) this.phases.splice(this.phases.indexOf('routes'), 0, phases);
      this.sort();
      return;
    }
    const merged = [...this.phases];
    let anchor = -1; // index in `merged` of the last known name met in the list
    let lastKnown: string | undefined;
    for (const phase of phases) {
      const at = merged.indexOf(phase);
      if (at < 0) {
        merged.splice(anchor + 1, 0, phase);
        anchor += 1;
        continue;
      }
      if (at < anchor)
        throw new ConfigurationError(
          `Ordering conflict: middleware phase "${phase}" is already before "${lastKnown ?? merged[anchor]}", the list puts it after`,
          'PHASE_ORDER_CONFLICT',
        );
      anchor = at;
      lastKnown = phase;
    }
    this.phases = merged;
    this.sort();
  }

  add(stage: string, paths: unknown, handlers: PhaseHandler | PhaseHandler[]): void {
    const phase = stage.replace(/:(before|after)$/, '');
    if (!this.phases.includes(phase)) {
      throw new ConfigurationError(
        `Unknown middleware phase "${stage}" (known: ${this.phases.join(', ')})`,
        'UNKNOWN_PHASE',
      );
    }
    const scope =
      paths !== undefined && paths !== null && (!Array.isArray(paths) || paths.length) ? paths : '/';
    for (const h of Array.isArray(handlers) ? handlers : [handlers]) {
      if (typeof h !== 'function')
        throw new ConfigurationError(
          `Middleware for phase "${stage}" must be a function`,
          'INVALID_MIDDLEWARE',
        );
      this.mount(stage, scope, h);
    }
  }

  /**
   * Adds the app's own built-in handlers without creating the router yet: they are mounted, in
   * order, when the app first uses it (the first `app.use`, `app.middleware` or request).
   */
  addBuiltin(stage: string, handler: PhaseHandler): void {
    if (this.created) this.mount(stage, '/', handler);
    else this.pending.push([stage, '/', handler]);
  }

  private mount(stage: string, scope: unknown, handler: PhaseHandler): void {
    const from = this.router.stack.length;
    this.sorting = false;
    try {
      this.app.use(scope, handler);
    } finally {
      this.sorting = true;
    }
    for (const layer of this.router.stack.slice(from)) layer.phase = stage;
    this.sort();
  }

  /**
   * The layer of `handler` (LB3's `app._findLayerByHandler`), also when a monitoring agent wrapped
   * it (New Relic's `__NR_original`, AppDynamics' `__appdynamicsProxyInfo__.orig`, or any property
   * of the wrapper that holds the original).
   */
  findLayer(handler: unknown): PhasedLayer | null {
    const stack = this.router.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const handle = stack[i].handle as PhaseHandler & Record<string, unknown>;
      const proxy = handle.__appdynamicsProxyInfo__ as { orig?: unknown } | undefined;
      if (handle === handler || handle.__NR_original === handler || proxy?.orig === handler) return stack[i];
      for (const key in handle) if (handle[key] === handler) return stack[i];
    }
    return null;
  }

  private rank(layer: PhasedLayer): number {
    // Untagged layers (app.use, app.get) come first in `routes`: before its main stage, after `routes:before`.
    const stage = layer.phase ?? 'routes';
    const m = /^(.*):(before|after)$/.exec(stage);
    const name = m ? m[1] : stage;
    const step = m ? (m[2] === 'before' ? 0 : 4) : layer.phase === undefined ? 1 : 2;
    return this.phases.indexOf(name) * 5 + step;
  }

  private sort(): void {
    if (this.created) {
      const router = this.created as unknown as Record<symbol, number | undefined>;
      router[STACK_VERSION] = (router[STACK_VERSION] ?? 0) + 1;
    }
    if (!this.sorting || !this.rawUse) return;
    const stack = this.router.stack;
    for (let i = 0; i < stack.length; i++) {
      const layer = stack[i];
      if (layer.handle.length !== 4 || layer.handle === codeBodyErrors || this.coded.has(layer)) continue;
      this.rawUse('/', codeBodyErrors);
      const coder = stack.pop()!;
      coder.phase = layer.phase;
      stack.splice(i, 0, coder);
      this.coded.add(layer);
      i++;
    }
    // Array#sort is stable: within a stage, registration order is kept (and each coder stays
    // right before its error handler).
    const ranks = new Map(stack.map((l) => [l, this.rank(l)]));
    stack.sort((a, b) => ranks.get(a)! - ranks.get(b)!);
  }
}

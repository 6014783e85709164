import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { ConfigurationError } from '../errors';
import { withBodyErrorCode } from '../util/body-errors';

export const DEFAULT_PHASES = ['initial', 'session', 'auth', 'parse', 'routes', 'files', 'final'];

interface Entry {
  stage: string;
  seq: number;
  paths: string | string[] | undefined;
  handler: RequestHandler;
}

/**
 * LB3's middleware phases: each phase has `:before`, main and `:after` stages, run in that order.
 * All handlers live in ONE Express router, rebuilt (at boot, not per request) when middleware is
 * added, so an error raised in one phase reaches error middleware in any later phase exactly as
 * Express would route it. The app's own router (app.use, app.get) runs at the end of `routes`.
 */
function codeBodyErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  next(withBodyErrorCode(err));
}

export class MiddlewarePhases {
  private phases: string[] = [...DEFAULT_PHASES];
  private entries: Entry[] = [];
  private seq = 0;
  private router: Router | undefined;

  private stages(): string[] {
    return this.phases.flatMap((p) => [`${p}:before`, p, `${p}:after`]);
  }

  /** `defineMiddlewarePhases('custom')` inserts before `routes`; a list is merged in order. */
  define(phases: string | string[]): void {
    const list = Array.isArray(phases) ? phases : [phases];
    let anchor = -1;
    for (const phase of list) {
      const at = this.phases.indexOf(phase);
      if (at >= 0) {
        anchor = at;
        continue;
      }
      const routes = this.phases.indexOf('routes');
      const pos = anchor >= 0 ? anchor + 1 : routes < 0 ? this.phases.length : routes;
      this.phases.splice(pos, 0, phase);
      anchor = pos;
    }
    this.router = undefined;
  }

  add(stage: string, paths: string | string[] | undefined, handlers: RequestHandler | RequestHandler[]): void {
    if (!this.stages().includes(stage)) {
      throw new ConfigurationError(`Unknown middleware phase "${stage}" (known: ${this.phases.join(', ')})`, 'UNKNOWN_PHASE');
    }
    for (const h of Array.isArray(handlers) ? handlers : [handlers]) {
      if (typeof h !== 'function') throw new ConfigurationError(`Middleware for phase "${stage}" must be a function`, 'INVALID_MIDDLEWARE');
      this.entries.push({ stage, seq: this.seq++, paths: paths && (!Array.isArray(paths) || paths.length) ? paths : undefined, handler: h });
    }
    this.router = undefined;
  }

  private build(appRouter: RequestHandler): Router {
    const order = new Map(this.stages().map((s, i) => [s, i]));
    const routesAt = order.get('routes')!;
    const sorted = [...this.entries].sort((a, b) => order.get(a.stage)! - order.get(b.stage)! || a.seq - b.seq);
    const router = express.Router();
    let appRouterMounted = false;
    for (const e of sorted) {
      if (!appRouterMounted && order.get(e.stage)! > routesAt) {
        router.use(appRouter);
        appRouterMounted = true;
      }
      // Error middleware (four parameters) sees body-parser failures from any phase with their code.
      if (e.handler.length === 4) router.use(codeBodyErrors);
      if (e.paths === undefined) router.use(e.handler);
      else router.use(e.paths, e.handler);
    }
    if (!appRouterMounted) router.use(appRouter);
    router.use(codeBodyErrors);
    return router;
  }

  run(req: Request, res: Response, appRouter: RequestHandler, done: (err?: unknown) => void): void {
    this.router ??= this.build(appRouter);
    (this.router as unknown as RequestHandler)(req, res, done as NextFunction);
  }
}

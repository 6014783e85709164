import type * as express from 'express';
import { ConfigurationError } from '../../errors';
import { MiddlewarePhases, PhaseHandler } from './middleware-phases';
import type { LooplineApp } from './types';

/**
 * LB3's middleware API on the app: `app.middleware(phase, [paths], handler)`,
 * `app.middlewareFromConfig(factory, config)` (what boot's middleware.json calls) and
 * `app.defineMiddlewarePhases()`, over the app's phases.
 */
export function installMiddlewareRegistration(app: LooplineApp, phases: MiddlewarePhases): void {
  app.middleware = (phase, paths, handler) => {
    if (handler === undefined) phases.add(phase, undefined, paths as PhaseHandler | PhaseHandler[]);
    else phases.add(phase, paths, handler as PhaseHandler | PhaseHandler[]);
    return app;
  };

  app._findLayerByHandler = (handler: unknown) => phases.findLayer(handler);

  app.middlewareFromConfig = (factory, config) => {
    if (!config || typeof config.phase !== 'string')
      throw new ConfigurationError('middlewareFromConfig needs a phase', 'INVALID_MIDDLEWARE');
    if (config.enabled === false) return app;
    const params = config.params;
    const handler = Array.isArray(params)
      ? factory(...params)
      : params === undefined
        ? factory()
        : factory(params);
    return app.middleware(config.phase, config.paths, onlyForVerbs(handler, config.methods ?? config.verbs));
  };

  app.defineMiddlewarePhases = (list) => phases.define(list);
}

/** A handler wrapped to run for some verbs only, pointing back at the handler it wraps. */
type VerbFilter = PhaseHandler & { __handler?: PhaseHandler };

/**
 * `methods` of a middleware config: the handler runs only for those verbs (an error handler passes
 * the error on for the others). No list, or one with `all`: every verb.
 */
function onlyForVerbs(handler: PhaseHandler, verbs: unknown): PhaseHandler {
  if (!Array.isArray(verbs)) return handler;
  const allowed = verbs.map((v) => String(v).toUpperCase());
  if (allowed.includes('ALL')) return handler;
  const wrapped: VerbFilter =
    handler.length === 4
      ? (err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) =>
          allowed.includes(req.method.toUpperCase()) ? handler(err, req, res, next) : next(err)
      : (req: express.Request, res: express.Response, next: express.NextFunction) =>
          allowed.includes(req.method.toUpperCase()) ? handler(req, res, next) : next();
  // app._findLayerByHandler(handler) still finds the layer of the original.
  wrapped.__handler = handler;
  return wrapped;
}

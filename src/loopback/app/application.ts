import type express from 'express';
import { createExpressApp } from '../../util/express-parts';
import { jwksRoute } from '../security/jwt-tokens';
import * as qs from 'qs';
import { QUERY_STRING_LIMITS } from './middleware/builtin';
import { MiddlewarePhases } from './middleware-phases';
import { healthEndpoints } from './operations/health';
import type { GracefulShutdown } from './operations/shutdown';
import { Registry, registry as defaultRegistry } from '../model-api/registry';
import { installDataSources } from './data-sources';
import { installListen } from './listen';
import { installMiddlewareRegistration } from './middleware-registration';
import { installModelRegistration } from './model-registration';
import { installRequestHandling } from './request-handling';
import type { ApplicationOptions, LooplineApp } from './types';

// For the boot loader, which reaches the data layer only through here.
export { addConnectorSearchRoot } from '../../juggler';
// The app's types, where code that makes or receives an app has always found them.
export type { AppModels, ApplicationOptions, LooplineApp, MiddlewareConfig } from './types';

/**
 * `loopback()`: an Express 5 app with LB3's application API on top. Each part of that API is
 * installed by its own module: how a request enters (request-handling), models and their remote
 * API (model-registration), data sources (data-sources), middleware phases
 * (middleware-registration) and the server's life (listen).
 */
export function createApplication(loopback: any, options: ApplicationOptions = {}): LooplineApp {
  const app = createExpressApp() as unknown as LooplineApp;
  const phases = new MiddlewarePhases(app);
  const local = options.localRegistry === true || loopback.localRegistry === true;
  const registry = local
    ? new Registry({ loadBuiltinModels: options.loadBuiltinModels === true })
    : defaultRegistry;
  let shutdown: GracefulShutdown | undefined;

  app.loopback = loopback;
  app.registry = registry;
  app.set('restApiRoot', '/api');
  app.set('query parser', (str: string) => qs.parse(str, QUERY_STRING_LIMITS));
  app.disable('x-powered-by');
  // The public keys of JWT access tokens, for other services to verify them (passes on when the app issues none).
  app.get('/.well-known/jwks.json', jwksRoute(app) as express.RequestHandler);

  const models = (() =>
    Object.values(models).filter((m, i, all) => all.indexOf(m) === i)) as LooplineApp['models'];
  app.models = models;
  installDataSources(app, registry);
  installRequestHandling(app);
  installModelRegistration(app, registry, models);
  installMiddlewareRegistration(app, phases);

  // After the app's own routes, so an app that serves these paths itself keeps its handlers.
  phases.addBuiltin(
    'routes:after',
    healthEndpoints(app, () => shutdown?.shuttingDown ?? false),
  );

  installListen(app, (graceful) => (shutdown = graceful));
  return app;
}

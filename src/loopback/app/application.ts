import express, { Express, RequestHandler } from 'express';
import { jwksRoute } from '../security/jwt-tokens';
import finalhandler from 'finalhandler';
import * as http from 'http';
import * as qs from 'qs';
import { ConfigurationError } from '../../errors';
import { camelizeName, classifyName } from '../../util/lb3-names';
import { DataSource } from '../../juggler/datasource';
import { RemoteObjects } from '../../remoting/remote-objects';
import type { RestHandler } from '../../remoting/rest/rest-adapter';
import {
  defaultErrorHandler,
  remotingErrorResponder,
  type RemotingErrorHandlerOptions,
} from './middleware/error-handler';
import { QUERY_STRING_LIMITS } from './middleware/builtin';
import { MiddlewarePhases, PhasedLayer, PhaseHandler } from './middleware-phases';
import { withBodyErrorCode } from '../../errors/body-parser-errors';
import { answerClientErrors } from './operations/client-errors';
import { healthEndpoints } from './operations/health';
import { createLogger, Logger, loggingSettings } from './operations/logger';
import { requestLogEnabled, requestLogger } from './operations/request-log';
import { GracefulShutdown, shutdownTimeoutOf } from './operations/shutdown';
import { installModelApi } from '../model';
import { createAuthorizer } from '../security/access';
import { guardOwnerKeys } from '../security/owner-keys';
import { ModelAppConfig, ModelClass, Registry, registry as defaultRegistry } from '../registry';
import { connectorModule, ConnectorModule } from '../../juggler/connectors/registry';

// For the boot loader, which reaches the data layer only through here.
export { addConnectorSearchRoot } from '../../juggler/connectors/registry';

export interface MiddlewareConfig {
  phase: string;
  paths?: string | RegExp | Array<string | RegExp>;
  params?: unknown;
  enabled?: boolean;
  /** Run the handler only for these HTTP verbs (`['get', 'head']`; `all`: every verb). LB3 also read `verbs`. */
  methods?: string[];
  verbs?: string[];
}

/**
 * `app.models`, by name. Generated declarations (`loopline types`) add each model of an app
 * with its properties and relations: `declare module 'loopline' { interface AppModels {...} }`.
 */
export interface AppModels {
  [name: string]: any;
}

export interface LooplineApp extends Express {
  loopback: any;
  registry: Registry;
  models: (() => ModelClass[]) & AppModels;
  dataSources: Record<string, DataSource>;
  /** LB3's other spelling of `dataSources`: the same object. */
  datasources: Record<string, DataSource>;
  /** Connectors `app.dataSource(name, {connector: 'name'})` looks up first, by name. */
  connectors: Record<string, ConnectorModule | unknown>;
  booting?: boolean;
  model(Model: ModelClass, config?: ModelAppConfig): ModelClass;
  dataSource(name: string, config: Record<string, unknown> | DataSource): DataSource;
  /** Registers a connector for this app's data sources under `name` (and its LB3 aliases). */
  connector(name: string, connector: ConnectorModule | unknown): void;
  /** Removes a model from the app, its REST API, its data source and the registry. */
  deleteModelByName(modelName: string): void;
  /** The app's shared classes' constructors by name (LB3). */
  remoteObjects(): Record<string, ModelClass>;
  /** The remoting handler of the given type (only 'rest'), rebuilt when the models change. */
  handler(type: 'rest', options?: Record<string, unknown>): RestHandler;
  remotes(): RemoteObjects;
  middleware(
    phase: string,
    paths: string | RegExp | Array<string | RegExp> | RequestHandler | RequestHandler[] | Express,
    handler?: RequestHandler | RequestHandler[] | Express,
  ): LooplineApp;
  /** The router layer a handler was registered as, with its `phase` (LB3's internal, used by APM agents). */
  _findLayerByHandler(handler: unknown): PhasedLayer | null;
  middlewareFromConfig(factory: (...args: any[]) => RequestHandler, config: MiddlewareConfig): LooplineApp;
  defineMiddlewarePhases(phases: string | string[]): void;
  enableAuth(options?: Record<string, unknown>): void;
  /**
   * The app's pino logger, made on first use from config.json's `logging` (the request lines and
   * error lines go through it). Assign another pino logger to send them elsewhere.
   */
  logger: Logger;
  start?: () => http.Server;
  [key: string]: any;
}

/** The app router's entry point (Express 5's types leave it out). */
interface RouterHandle {
  handle(req: unknown, res: unknown, done: (err?: unknown) => void): void;
}

/** The names LB3 lists a model or connector under: its own, classified and camelized. */
function modelAliases(name: string): string[] {
  return Array.from(new Set([name, classifyName(name), camelizeName(name)]));
}

/** A data source's names: LB3's, and the lower- and upper-first forms loopline always gave. */
function dataSourceAliases(name: string): string[] {
  const more = [name.charAt(0).toLowerCase() + name.slice(1), name.charAt(0).toUpperCase() + name.slice(1)];
  return Array.from(new Set([...modelAliases(name), ...more]));
}

/** `loopback(options)`, as LB3. */
export interface ApplicationOptions {
  /**
   * Give the app its own registry instead of the shared `loopback.registry` (also when
   * `loopback.localRegistry` is true), so its models do not meet other apps' models.
   */
  localRegistry?: boolean;
  /** With `localRegistry`: define the built-in models (`User`, `AccessToken`, `ACL`, …) in it. */
  loadBuiltinModels?: boolean;
}

/** `loopback()`: an Express 5 app with LB3's application API on top. */
export function createApplication(loopback: any, options: ApplicationOptions = {}): LooplineApp {
  installModelApi();
  const app = express() as unknown as LooplineApp;
  const phases = new MiddlewarePhases(app);
  const local = options.localRegistry === true || loopback.localRegistry === true;
  const registry = local
    ? new Registry({ loadBuiltinModels: options.loadBuiltinModels === true })
    : defaultRegistry;
  let remotes: RemoteObjects | undefined;
  let shutdown: GracefulShutdown | undefined;
  // Read on the first request, once boot has applied config.json.
  let logRequests: boolean | undefined;
  let logRequest: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  let logger: Logger | undefined;

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
  app.dataSources = {};
  app.datasources = app.dataSources;
  app.connectors = {};
  Object.defineProperty(app, 'logger', {
    configurable: true,
    enumerable: false,
    get: () => (logger ??= createLogger(loggingSettings(app.get('logging')))),
    set: (replacement: Logger) => {
      logger = replacement;
      logRequest = undefined;
    },
  });
  // As LB3, every app lists the two connectors loopback itself ships.
  for (const name of ['memory', 'remote'] as const) {
    const connector = connectorModule(name);
    if (connector) app.connectors[name] = connector;
  }

  app.handle = function handle(this: LooplineApp, req: any, res: any, callback?: (err?: unknown) => void) {
    // Anything no handler answered ends in a safe error response: no stack traces by default.
    const done =
      callback ??
      ((err?: unknown) =>
        err
          ? defaultErrorHandler(err, req, res, this.get('remoting')?.errorHandler)
          : finalhandler(req, res, { env: 'production' })());
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, this.request);
    Object.setPrototypeOf(res, this.response);
    if (!res.locals) res.locals = Object.create(null);
    // Off (the default), a request pays this one test and nothing else.
    if ((logRequests ??= requestLogEnabled(this.get('logging'), this.get('requestLog'))))
      (logRequest ??= requestLogger(this.logger))(req, res);
    // A body-parser failure nobody handled still reaches the final handler with its code.
    (this.router as unknown as RouterHandle).handle(req, res, (err?: unknown) =>
      done(withBodyErrorCode(err)),
    );
  } as any;
  // LB3 apps run on Express 4, whose request had `param(name)`: a route parameter, else a body
  // field, else a query parameter (Express 5 dropped it; LB3 middleware still calls it).
  (app.request as express.Request & { param: unknown }).param = function param(
    this: express.Request,
    name: string,
    defaultValue?: unknown,
  ): unknown {
    const params = this.params ?? {};
    const body = (this.body ?? {}) as Record<string, unknown>;
    const query = (this.query ?? {}) as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(params, name) && params[name] !== undefined) return params[name];
    if (Object.prototype.hasOwnProperty.call(body, name) && body[name] !== undefined) return body[name];
    if (Object.prototype.hasOwnProperty.call(query, name) && query[name] !== undefined) return query[name];
    return defaultValue;
  };

  app.remotes = () => {
    if (!remotes) {
      remotes = new RemoteObjects(app.get('remoting') ?? {});
      if (app.isAuthEnabled) remotes.authorize = createAuthorizer(app);
      remotes.errorResponder = (err, req, res, next) => {
        const options = app.get('remoting')?.errorHandler as RemotingErrorHandlerOptions | undefined;
        if (!options || typeof options !== 'object') return next(err);
        remotingErrorResponder(options)(err as Error, req, res, next);
      };
    }
    return remotes;
  };

  app.model = (Model: ModelClass, config?: ModelAppConfig) => {
    if (typeof Model === 'string')
      throw new ConfigurationError(
        `app.model("${String(Model)}") is not supported (nor in LB3 3.x): create the model with app.registry.createModel(definition), then call app.model(ModelCtor, config)`,
        'INVALID_MODEL',
      );
    if (!Model || typeof Model !== 'function' || !Model.modelName)
      throw new ConfigurationError('app.model() expects a model class', 'INVALID_MODEL');
    // Read before model-config.json options are merged into the settings.
    const ownSharedMethods = sharedMethodSettings(Model.settings, `model ${Model.modelName}`);
    // Without a config (LB3), the model keeps its data source and is public.
    if (config !== undefined) {
      let ds = config.dataSource;
      if (typeof ds === 'string') {
        const found = app.dataSources[ds];
        if (!found)
          throw new ConfigurationError(
            `Model "${Model.modelName}" uses an unknown data source "${ds}"`,
            'UNKNOWN_DATASOURCE',
          );
        ds = found;
      }
      registry.configureModel(Model, { ...config, dataSource: ds || null });
    }
    Model.sharedClass?.setSharedMethodSettings({
      ...sharedMethodSettings({ remoting: app.get('remoting') }, 'config.json'),
      ...ownSharedMethods,
      ...sharedMethodSettings(config?.options, `model-config.json ${Model.modelName}`),
    });
    Model.app = app;
    // As LB3, a model is also listed under its classified and camelized names (`team` is also
    // `app.models.Team`); a later model whose alias collides takes the alias over, as in LB3.
    for (const alias of modelAliases(Model.modelName)) models[alias] = Model;
    Model.shared = config?.public !== false;
    if (Model.shared) guardOwnerKeys(Model);
    if (Model.shared && Model.sharedClass) {
      app.remotes().addClass(Model.sharedClass);
      app.emit('modelRemoted', Model.sharedClass);
    }
    // LB3 apps (and the explorer) learn of remote methods added or disabled after the model joined.
    Model.on('remoteMethodAdded', (sharedClass: unknown) => app.emit('remoteMethodAdded', sharedClass));
    Model.on('remoteMethodDisabled', (sharedClass: unknown, name: string) =>
      app.emit('remoteMethodDisabled', sharedClass, name),
    );
    Model.__attachedToApp?.(app);
    Model.emit('attached', app);
    return Model;
  };

  app.deleteModelByName = (modelName: string) => {
    const Model = models[modelName] as ModelClass | undefined;
    for (const alias of modelAliases(modelName)) if (models[alias] === Model) delete models[alias];
    if (Model) {
      Model.removeAllListeners();
      app.remotes().deleteClassByName(Model.modelName);
      (Model.dataSource as DataSource | undefined)?.deleteModelByName(Model.modelName);
      registry.modelBuilder.deleteModelByName(Model.modelName);
    }
    app.emit('modelDeleted', Model ?? modelName);
  };

  app.remoteObjects = () => {
    const out: Record<string, ModelClass> = {};
    for (const sharedClass of app.remotes().classes()) out[sharedClass.name] = sharedClass.ctor;
    return out;
  };

  app.handler = (type: 'rest', options?: Record<string, unknown>) => app.remotes().handler(type, options);

  app.dataSource = (name, config) => {
    let ds: DataSource;
    try {
      ds =
        config instanceof DataSource
          ? config
          : registry.createDataSource(name, withAppConnector(app, config));
    } catch (err) {
      // LB3 names the data source (and the connector asked for) in the message.
      const connector = (config as { connector?: unknown })?.connector;
      if (err instanceof Error)
        err.message = `Cannot create data source "${name}"${typeof connector === 'string' ? ` (connector "${connector}")` : ''}: ${err.message}`;
      throw err;
    }
    for (const alias of dataSourceAliases(name)) app.dataSources[alias] = ds;
    if (!ds.app) ds.app = app;
    return ds;
  };

  app.connector = (name: string, connector: unknown) => {
    for (const alias of modelAliases(name)) app.connectors[alias] = connector;
  };

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
    return app.middleware(
      config.phase,
      config.paths ?? (undefined as any),
      onlyForVerbs(handler, config.methods ?? config.verbs),
    );
  };

  app.defineMiddlewarePhases = (list) => phases.define(list);

  // After the app's own routes, so an app that serves these paths itself keeps its handlers.
  phases.addBuiltin(
    'routes:after',
    healthEndpoints(app, () => shutdown?.shuttingDown ?? false),
  );

  /**
   * Turns access control on: every remote invocation is checked against the model's ACLs. With
   * `{dataSource}`, the built-in User, AccessToken, ACL, Role and RoleMapping not yet in the app
   * are attached to it (as LB3). Models without ACLs stay open, as in LB3.
   */
  app.enableAuth = (opts: Record<string, unknown> = {}) => {
    app.set('_enableAuth', true);
    app.set('_enableAuthOptions', opts);
    app.isAuthEnabled = true;
    const ds = opts.dataSource;
    if (ds) {
      const known = Object.values(registry.modelBuilder.models) as ModelClass[];
      const inUse = (M: ModelClass) => !!(M.dataSource || M.app);
      for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping']) {
        const Model = registry.findModel(name);
        if (!Model)
          throw new ConfigurationError(
            `Access control needs the model ${name}, which this registry does not define`,
            'MODEL_NOT_DEFINED',
          );
        // The app already has it, or a model extending it (a Customer based on User) in its place.
        if (inUse(Model) || known.some((M) => M.prototype instanceof Model && inUse(M))) continue;
        app.model(Model, { dataSource: ds as DataSource | string, public: name === 'User' });
      }
    }
    if (remotes) remotes.authorize = createAuthorizer(app);
  };

  app.listen = ((...args: any[]) => {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    // A mistake in config.json's `logging` stops the start, rather than the first request.
    loggingSettings(app.get('logging'));
    const server = http.createServer(slowClientBounds(app), app as unknown as http.RequestListener);
    answerClientErrors(server);
    if (args.length === 0) {
      const port = app.get('port') ?? 3000;
      const host = app.get('host');
      if (host) server.listen(port, host);
      else server.listen(port);
    } else {
      server.listen(...args);
    }
    const timeout = shutdownTimeoutOf(app.get('shutdownTimeout'));
    if (timeout !== undefined) handleStopSignals(app, server, timeout, (s) => (shutdown = s));
    server.on('listening', () => {
      const address = server.address();
      if (address && typeof address === 'object') {
        app.set('port', address.port);
        const host =
          !app.get('host') || app.get('host') === '0.0.0.0' || app.get('host') === '::'
            ? 'localhost'
            : app.get('host');
        app.set('url', `http://${host}:${address.port}/`);
      }
      // As http.Server#listen, the callback runs with the server as `this` (LB3 tests read this.address()).
      if (cb) cb.call(server);
    });
    return server;
  }) as any;

  return app;
}

/**
 * `methods` of a middleware config: the handler runs only for those verbs (an error handler passes
 * the error on for the others). No list, or one with `all`: every verb.
 */
function onlyForVerbs(handler: RequestHandler, verbs: unknown): RequestHandler {
  if (!Array.isArray(verbs)) return handler;
  const allowed = verbs.map((v) => String(v).toUpperCase());
  if (allowed.includes('ALL')) return handler;
  const wrapped: any =
    handler.length === 4
      ? (err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) =>
          allowed.includes(req.method.toUpperCase()) ? (handler as any)(err, req, res, next) : next(err)
      : (req: express.Request, res: express.Response, next: express.NextFunction) =>
          allowed.includes(req.method.toUpperCase()) ? handler(req, res, next) : next();
  // app._findLayerByHandler(handler) still finds the layer of the original.
  wrapped.__handler = handler;
  return wrapped;
}

/** `{connector: 'custom'}` names a connector the app registered with `app.connector()` first. */
function withAppConnector(app: LooplineApp, config: Record<string, unknown>): Record<string, unknown> {
  const name = config?.connector;
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(app.connectors, name)) {
    return { ...config, connector: app.connectors[name] };
  }
  return config;
}

/**
 * How long a client may take to send a request: its head within `headersTimeout` (ms, default
 * 10000), the whole of it within `requestTimeout` (default 60000; 0: no bound), else 408 and the
 * connection closes. Node's own defaults (60 s, 300 s, checked every 30 s) let a few slow clients
 * (slowloris) hold connections for minutes. Both from config.json, as is `maxHeaderSize` (bytes of
 * the request line and headers; Node's 16 kB by default), past which the answer is 431.
 */
function slowClientBounds(app: LooplineApp): http.ServerOptions {
  const ms = (key: string, fallback: number) => {
    const v = Number(app.get(key));
    return app.get(key) !== undefined && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const requestTimeout = ms('requestTimeout', 60000);
  const headersTimeout = ms('headersTimeout', 10000);
  return {
    requestTimeout,
    // Node requires the head's bound to be within the request's (when that is on).
    headersTimeout: requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout,
    connectionsCheckingInterval: 1000,
    ...(Number(app.get('maxHeaderSize')) > 0 ? { maxHeaderSize: Number(app.get('maxHeaderSize')) } : {}),
  };
}

/** The servers a stop signal reaches; the process listens for the signals only while there are some. */
const listeningServers = new Set<GracefulShutdown>();

function onStopSignal(signal: NodeJS.Signals): void {
  for (const graceful of listeningServers) graceful.begin(signal);
}

/**
 * SIGTERM (and SIGINT) stop the server gracefully (see GracefulShutdown), then close every data
 * source's pool. One pair of process handlers serves every listening server (an app, or a test
 * suite, may listen many times without closing: one handler each would pass Node's listener
 * limit), and it goes when the last server closes.
 */
function handleStopSignals(
  app: LooplineApp,
  server: http.Server,
  timeout: number,
  onCreated: (s: GracefulShutdown) => void,
): void {
  const graceful = new GracefulShutdown(server, {
    timeout,
    release: async () => {
      for (const ds of new Set(Object.values(app.dataSources))) await ds.disconnect();
    },
    log: (message, level = 'info') => app.logger[level](message),
    exit: (code) => process.exit(code),
  });
  onCreated(graceful);
  if (listeningServers.size === 0) {
    process.on('SIGTERM', onStopSignal);
    process.on('SIGINT', onStopSignal);
  }
  listeningServers.add(graceful);
  server.once('close', () => {
    listeningServers.delete(graceful);
    if (listeningServers.size > 0) return;
    process.removeListener('SIGTERM', onStopSignal);
    process.removeListener('SIGINT', onStopSignal);
  });
}

/**
 * `remoting.sharedMethods` of one level (config.json's `remoting`, a model's options, its
 * model-config.json `options`). LB3 read only config.json and model-config.json; loopline also
 * honours the model JSON's own options, since an app that writes `"*": false` there means it.
 */
function sharedMethodSettings(holder: unknown, where: string): Record<string, boolean> {
  const remoting =
    holder && typeof holder === 'object' ? (holder as { remoting?: unknown }).remoting : undefined;
  const settings =
    remoting && typeof remoting === 'object'
      ? (remoting as { sharedMethods?: unknown }).sharedMethods
      : undefined;
  if (settings === undefined || settings === null) return {};
  if (typeof settings !== 'object' || Array.isArray(settings))
    throw new ConfigurationError(
      `${where}: remoting.sharedMethods must be an object of method names to true/false`,
    );
  for (const [k, v] of Object.entries(settings))
    if (typeof v !== 'boolean')
      throw new ConfigurationError(
        `${where}: remoting.sharedMethods.${k} must be true or false, not ${JSON.stringify(v)}`,
      );
  return settings as Record<string, boolean>;
}

import type { Express, RequestHandler } from 'express';
import type * as express from 'express';
import type * as http from 'http';
import type { DataSource, ConnectorModule } from '../../juggler';
import type { RemoteObjects } from '../../remoting/remote-objects';
import type { RestHandler } from '../../remoting/rest/rest-adapter';
import type { ModelAppConfig, ModelClass, Registry } from '../model-api/registry';
import type { PhasedLayer } from './middleware-phases';
import type { Logger } from './operations/logger';

/** The app's declared surface: what `loopback()` returns, and the options it takes. */

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
  [name: string]: ModelClass;
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
  /** Every request's entry point (Express's own, which its types leave out). */
  handle(req: express.Request, res: express.Response, callback?: (err?: unknown) => void): void;
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
    paths: string | RegExp | Array<string | RegExp> | RequestHandler | RequestHandler[] | Express | undefined,
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

import type express from 'express';
import { application, bodyParsers, request, response, Router } from '../../util/express-parts';
import { createApplication } from './application';
import type { ApplicationOptions, LooplineApp } from './types';
import { registry, Registry, ModelClass } from '../model-api/registry';
import {
  favicon,
  faviconFile,
  query,
  rest,
  staticFiles,
  status,
  token,
  urlNotFound,
} from './middleware/builtin';
import {
  ModelBase,
  PersistedModel,
  DataSource,
  ModelBuilder,
  GeoPoint,
  connectorModule,
  ConnectorModule,
  CONNECTOR_CLASSES,
  DateString,
} from '../../juggler';
import { ConfigurationError, ValidationError } from '../../errors';
import { markShared } from '../../remoting/shared-functions';
import { BaseConnector } from './base-connector';
import { template } from './template';

const { version: looplineVersion } = require('../../../package.json') as { version: string };

/**
 * The LoopBack release whose API loopline provides. LB3 packages (components, mixins, connectors)
 * check `loopback.version` with semver ranges such as `^3.0.0`, so it carries LB3's version;
 * loopline's own is `loopback.looplineVersion`.
 */
export const LB3_COMPATIBLE_VERSION = '3.28.0';

// `loopback.Model.extend()` and `loopback.PersistedModel.extend()` define in the default registry.
(ModelBase as unknown as { modelBuilder: unknown }).modelBuilder = registry.modelBuilder;
(PersistedModel as unknown as { modelBuilder: unknown }).modelBuilder = registry.modelBuilder;

function removedContextApi(what: string): ConfigurationError {
  return new ConfigurationError(
    `${what} was removed in version 3.0 (as in LB3); pass \`options\` through your calls instead. See http://loopback.io/doc/en/lb2/Using-current-context.html`,
  );
}

/** Express's body parsers, typed without naming body-parser's declarations in ours. */
type BodyParserFactory = (options?: Record<string, unknown>) => express.RequestHandler;

function loopbackFn(options?: ApplicationOptions): LooplineApp {
  return createApplication(loopback, options);
}

/**
 * `require('loopline')`: callable like LB3's `loopback` — `loopback()` makes an app — with the
 * registry, the core model classes and the built-in middleware as its properties.
 */
export const loopback = Object.assign(loopbackFn, {
  version: LB3_COMPATIBLE_VERSION,
  looplineVersion,
  /** LB3 code asks whether it runs in Node (`loopback.isServer`) or a browser bundle. */
  isServer: true,
  isBrowser: false,
  registry,
  /** The default registry's model builder (replaced below by a getter reading `loopback.registry`). */
  modelBuilder: registry.modelBuilder as ModelBuilder,
  Registry,
  Model: ModelBase,
  PersistedModel,
  DataSource,
  ModelBuilder,
  GeoPoint,
  DateString,
  ValidationError,
  /** LB3's base class of connectors (an event emitter with `options`), for connectors that extend it. */
  Connector: BaseConnector,
  /** `loopback.template('views/x.ejs')`: the ejs template in that file, compiled (see template.ts). */
  template,
  /** The default registry's `defaultDataSources` (replaced below by a getter reading `loopback.registry`). */
  defaultDataSources: registry.defaultDataSources,
  // What LB3 took over from Express: the prototypes of apps, requests and responses (extend them
  // to give every loopline app, request or response a member), routers and the body parsers.
  application,
  request,
  response,
  // Exported by Express at run time, though its type declarations leave it out.
  Route: Router.Route,
  Router: Router as typeof express.Router,
  // Replaced below by getters: body-parser loads when an app first asks for a parser.
  json: undefined as unknown as BodyParserFactory,
  raw: undefined as unknown as BodyParserFactory,
  text: undefined as unknown as BodyParserFactory,
  urlencoded: undefined as unknown as BodyParserFactory,
  query,
  createModel: registry.createModel.bind(registry),
  configureModel: registry.configureModel.bind(registry),
  getModel: registry.getModel.bind(registry),
  findModel: registry.findModel.bind(registry),
  getModelByType: registry.getModelByType.bind(registry),
  createDataSource: registry.createDataSource.bind(registry),
  /** `loopback.memory()`: a memory data source (LB3 shortcut). */
  memory(name?: string) {
    return registry.createDataSource(name ?? 'memory', { connector: 'memory' });
  },
  rest,
  /** Removed in LB3 3.0 (as there): says what to use instead. */
  errorHandler(): never {
    throw new ConfigurationError(
      'loopback.errorHandler is no longer available. Please use the module "strong-error-handler" instead.',
    );
  },
  /** LB3 2.x's request context, removed in 3.0 (as there): says where to read about it. */
  context(): never {
    throw removedContextApi('loopback#context middleware');
  },
  getCurrentContext(): never {
    throw removedContextApi('loopback.getCurrentContext()');
  },
  runInContext(): never {
    throw removedContextApi('loopback.runInContext()');
  },
  createContext(): never {
    throw removedContextApi('loopback.createContext()');
  },
  urlNotFound,
  favicon,
  faviconFile,
  static: staticFiles,
  status,
  token,
  /** The memory connector, to pass by value: `createDataSource({connector: loopback.Memory})`. */
  Memory: connectorModule('memory') as ConnectorModule,
  /**
   * The remote connector, by value: `createDataSource({connector: loopback.Remote, url})` makes a
   * data source whose models are another loopline or LB3 server's REST API.
   */
  Remote: connectorModule('remote') as ConnectorModule,
  /** LB3 apps call `loopback.remoteMethod(fn, options)` on plain functions. */
  remoteMethod(fn: any, options?: Record<string, unknown>) {
    return markShared(fn, options);
  },
  // Replaced below by getters reading the default registry.
  User: undefined as unknown as ModelClass,
  AccessToken: undefined as unknown as ModelClass,
  ACL: undefined as unknown as ModelClass,
  Role: undefined as unknown as ModelClass,
  RoleMapping: undefined as unknown as ModelClass,
  Scope: undefined as unknown as ModelClass,
  Application: undefined as unknown as ModelClass,
  Email: undefined as unknown as ModelClass,
  KeyValueModel: undefined as unknown as ModelClass,
  /**
   * LB3's mail connector class: `createDataSource({connector: loopback.Mail, transports: […]})`
   * (replaced below by a getter: the connector and nodemailer load when first named).
   */
  Mail: undefined as unknown as typeof CONNECTOR_CLASSES.Mail,
  boot: undefined as unknown as (
    app: LooplineApp,
    options?: unknown,
    cb?: (err?: Error) => void,
  ) => Promise<void>,
});

// The built-in models of the default registry: `loopback.User`, `loopback.AccessToken`, ...
for (const name of [
  'User',
  'AccessToken',
  'ACL',
  'Role',
  'RoleMapping',
  'Scope',
  'Application',
  'Email',
  'KeyValueModel',
  'Change',
  'Checkpoint',
]) {
  Object.defineProperty(loopback, name, {
    get: () => registry.getModel(name),
    enumerable: true,
    configurable: true,
  });
}

// Express's body parsers (`loopback.json === express.json`), loaded when first named.
for (const name of ['json', 'raw', 'text', 'urlencoded'] as const) {
  Object.defineProperty(loopback, name, {
    get: () => bodyParsers()[name],
    enumerable: true,
    configurable: true,
  });
}

// The default registry's builder (LB3: `loopback.modelBuilder`), read live like `loopback.registry`.
Object.defineProperty(loopback, 'modelBuilder', {
  get: () => loopback.registry.modelBuilder,
  enumerable: true,
  configurable: true,
});
Object.defineProperty(loopback, 'Mail', {
  get: () => CONNECTOR_CLASSES.Mail,
  enumerable: true,
  configurable: true,
});
Object.defineProperty(loopback, 'defaultDataSources', {
  get: () => loopback.registry.defaultDataSources,
  enumerable: true,
  configurable: true,
});

export type Loopback = typeof loopback;

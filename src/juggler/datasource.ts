import { EventEmitter } from 'events';
import { ConfigurationError } from '../errors';
import { hasOwn } from '../util/own';
import { NodeCallback, splitCallback, withCallback } from '../util/callback';
import {
  AnyConnector,
  isDataConnector,
  isRemoteModelConnector,
  isServiceConnector,
} from './connectors/store-kinds';
import { resolveConnector } from './connectors/registry';
import { installLb3ConnectorApi } from './connectors/lb3-connector-api';
import { mixinConnectorDao } from './connectors/lb3-bridge/connector-dao';
import { ModelBase } from './model-base';
import { ModelBuilder, RawProperties } from './model-builder';
import type { ModelDefinition, ModelSettings } from './model-definition';
import { PersistedModel } from './persisted-model';
import * as discovery from './store/discovery';
import type { DiscoveryOptions } from './store/discovery';
import { Store } from './store/store';
import type { DataSourceSettings, ModelDataSource } from './store/model-data-source';
import { createModelBuilder } from './core-models';
import type Bluebird from 'bluebird';

export type { DataSourceSettings } from './store/model-data-source';

/** An operation a data source offers (LB3's `dataSource.defineOperation`). */
export interface DataSourceOperation {
  name: string;
  fn: (...args: any[]) => unknown;
  remoteEnabled?: boolean;
  [key: string]: unknown;
}

let sharedBuilder: ModelBuilder | undefined;

/**
 * LB3's DataSource: a named store (store/store.ts: the connector, connected lazily; its schema,
 * discovery and transactions) and the models built on and attached to it. The data layer sees
 * it as a ModelDataSource; this façade adds what LB3 apps call on it.
 */
export class DataSource extends EventEmitter implements ModelDataSource {
  readonly name: string;
  readonly settings: DataSourceSettings;
  /** A data store, a key-value store or a mail sender (store-kinds.ts). */
  readonly connector: AnyConnector;
  readonly store: Store;
  readonly modelBuilder: ModelBuilder;
  readonly models: Record<string, typeof ModelBase> = Object.create(null);
  /** The app that registered this data source (`app.dataSource()`), as LB3 sets it. */
  app: unknown = undefined;
  private readonly ops: Record<string, DataSourceOperation> = Object.create(null);

  constructor(
    name?: string | DataSourceSettings,
    settings?: DataSourceSettings,
    modelBuilder?: ModelBuilder,
  ) {
    super();
    this.setMaxListeners(0);
    if (typeof name === 'object' && name !== null) {
      modelBuilder = settings as unknown as ModelBuilder | undefined;
      settings = name;
      name = undefined;
    }
    this.settings = { ...(settings ?? {}) };
    this.name =
      (name as string | undefined) ??
      (this.settings.name as string | undefined) ??
      connectorName(this.settings.connector);
    this.settings.name ??= this.name;
    this.modelBuilder = modelBuilder ?? (sharedBuilder ??= createModelBuilder());
    this.connector = resolveConnector(this.settings.connector ?? 'memory', this.settings);
    this.store = new Store(this.name, this.connector, this);
    if (isDataConnector(this.connector)) {
      installLb3ConnectorApi(
        this.connector,
        (modelName) => (this.models[modelName] as typeof ModelBase | undefined)?.definition,
        () => this.ready(),
      );
      this.connector.adoptDataSource?.(this);
    }
  }

  /** True once the store is connected (LB3's flag). */
  get connected(): boolean {
    return this.store.connected;
  }

  set connected(value: boolean) {
    this.store.connected = value;
  }

  /** True while the store's first connect is under way (LB3's flag). */
  get connecting(): boolean {
    return this.store.connecting;
  }

  set connecting(value: boolean) {
    this.store.connecting = value;
  }

  /** Resolves once the connector is connected; the first call connects. */
  ready(): Promise<void> {
    return this.store.ready();
  }

  connect(cb?: NodeCallback<void>): Bluebird<void> {
    return withCallback(this.ready(), cb);
  }

  disconnect(cb?: NodeCallback<void>): Bluebird<void> {
    return withCallback(this.store.disconnect(), cb);
  }

  /**
   * `ds.createModel(name, properties, settings)`: a PersistedModel attached to this data source —
   * a plain Model on a service (the storage component), as LB3 made one on a connector that is no
   * database.
   */
  createModel(name: string, properties?: RawProperties, settings: ModelSettings = {}): typeof PersistedModel {
    const base =
      (settings.base as string | typeof ModelBase | undefined) ??
      (isServiceConnector(this.connector) ? ModelBase : PersistedModel);
    const Model = this.modelBuilder.define(name, properties, settings, base) as typeof PersistedModel;
    this.attach(Model);
    return Model;
  }

  define(name: string, properties?: RawProperties, settings?: ModelSettings): typeof PersistedModel {
    return this.createModel(name, properties, settings);
  }

  /** Attaches a model class to this data source; the connector learns its definition. */
  attach(Model: typeof ModelBase): typeof ModelBase {
    (Model as { dataSource?: unknown }).dataSource = this;
    const connector = this.connector;
    // A connector with data-access methods of its own (an LB3 connector's DataAccessObject) gives them to its models.
    const dao = isDataConnector(connector) ? connector.DataAccessObject : undefined;
    if (dao) mixinConnectorDao(Model, dao);
    const injectedId =
      Model.definition.idName === 'id' &&
      !hasOwn((Model as { __rawProperties?: object }).__rawProperties ?? {}, 'id');
    if (injectedId && isDataConnector(connector) && connector.capabilities.defaultIdType !== 'Number')
      this.modelBuilder.compile(Model);
    if (isRemoteModelConnector(connector)) {
      // A model of another server's REST API: its methods call that server from now on.
      connector.bindModel(Model);
      this.models[Model.modelName] = Model;
      Model.emit('dataSourceAttached', Model);
      this.emit('attached', Model);
      return Model;
    }
    if (!(Model as { __isPersistedModel?: boolean }).__isPersistedModel || !isDataConnector(connector)) {
      // LB3 apps attach plain Models (remote methods only) to a data source; they store nothing.
      // KeyValueModel and Email find their key-value or mail connector here when called.
      // A service's methods become the model's statics (LB3 overrides same-named ones too).
      if (isServiceConnector(connector)) Object.assign(Model, connector.DataAccessObject);
      this.models[Model.modelName] = Model;
      Model.emit('dataSourceAttached', Model);
      this.emit('attached', Model);
      return Model;
    }
    if (Model.settings.strict === undefined && !connector.capabilities.freeformProperties) {
      Model.settings.strict = true;
      this.modelBuilder.compile(Model);
    }
    connector.define(Model.definition);
    this.models[Model.modelName] = Model;
    // LB3: 'dataSourceAttached' on the model; its 'attached' event is for joining an app.
    Model.emit('dataSourceAttached', Model);
    this.emit('attached', Model);
    return Model;
  }

  getModel(name: string): typeof ModelBase | undefined {
    return this.models[name];
  }

  /**
   * LB3's data source operations: named functions a data source offers beside its models'
   * methods (`defineOperation`), listed by `operations()`, each marked remote-enabled or not
   * (`enableRemote` / `disableRemote`) for an app that exposes them.
   */
  defineOperation(name: string, options: Record<string, unknown>, fn: (...args: any[]) => unknown): void {
    this.ops[name] = { ...options, name, fn };
  }

  operations(): Record<string, DataSourceOperation> {
    return this.ops;
  }

  getOperation(name: string): DataSourceOperation | undefined {
    return Object.prototype.hasOwnProperty.call(this.ops, name) ? this.ops[name] : undefined;
  }

  enableRemote(name: string): void {
    this.operationOf(name).remoteEnabled = true;
  }

  disableRemote(name: string): void {
    this.operationOf(name).remoteEnabled = false;
  }

  private operationOf(name: string): DataSourceOperation {
    const op = this.getOperation(name);
    if (!op) throw new ConfigurationError(`${name} is not an operation of data source "${this.name}"`);
    return op;
  }

  /** Forgets a model: it is detached here and no longer known by name to the model builder. */
  deleteModelByName(name: string): void {
    const Model = this.models[name];
    delete this.models[name];
    if (Model && (Model as { dataSource?: unknown }).dataSource === this)
      (Model as { dataSource?: unknown }).dataSource = null;
    this.modelBuilder.deleteModelByName(name);
  }

  /** Drops and recreates the store of the given models (all attached ones by default). */
  automigrate(models?: string | string[] | NodeCallback<void>, cb?: NodeCallback<void>): Bluebird<void> {
    if (typeof models === 'function') [cb, models] = [models, undefined];
    return withCallback(this.schemaSync('automigrate', models), cb);
  }

  /** Brings the store of the given models up to date without losing data. */
  autoupdate(models?: string | string[] | NodeCallback<void>, cb?: NodeCallback<void>): Bluebird<void> {
    if (typeof models === 'function') [cb, models] = [models, undefined];
    return withCallback(this.schemaSync('autoupdate', models), cb);
  }

  private definitionsOf(kind: string, models: string | string[] | undefined): ModelDefinition[] {
    const names = models === undefined ? Object.keys(this.models) : Array.isArray(models) ? models : [models];
    return names.map((n) => {
      const M = this.models[n];
      if (!M)
        throw new ConfigurationError(
          `Cannot ${kind} unknown model "${n}" on data source "${this.name}"`,
          'UNKNOWN_MODEL',
        );
      return M.definition;
    });
  }

  private async schemaSync(
    kind: 'automigrate' | 'autoupdate',
    models: string | string[] | undefined,
  ): Promise<void> {
    await this.ready();
    await this.store[kind](this.definitionsOf(kind, models));
  }

  /**
   * LB3's discovery methods (discovery.ts), each `(…, [options], [cb])`: the store's tables,
   * a table's columns and keys, and model JSON built from them. The memory store has none: 400.
   */
  discoverModelDefinitions(...args: unknown[]): Bluebird<unknown> {
    return this.discover((options) => discovery.discoverModelDefinitions(this.connector, options), args);
  }

  discoverModelProperties(table: string, ...args: unknown[]): Bluebird<unknown> {
    return this.discover(
      (options) => discovery.discoverModelProperties(this.connector, table, options),
      args,
    );
  }

  discoverPrimaryKeys(table: string, ...args: unknown[]): Bluebird<unknown> {
    return this.discover((options) => discovery.discoverPrimaryKeys(this.connector, table, options), args);
  }

  discoverForeignKeys(table: string, ...args: unknown[]): Bluebird<unknown> {
    return this.discover((options) => discovery.discoverForeignKeys(this.connector, table, options), args);
  }

  discoverExportedForeignKeys(table: string, ...args: unknown[]): Bluebird<unknown> {
    return this.discover(
      (options) => discovery.discoverExportedForeignKeys(this.connector, table, options),
      args,
    );
  }

  discoverSchema(table: string, ...args: unknown[]): Bluebird<unknown> {
    return this.discover((options) => discovery.discoverSchema(this.connector, table, options), args);
  }

  discoverSchemas(table: string, ...args: unknown[]): Bluebird<unknown> {
    return this.discover((options) => discovery.discoverSchemas(this.connector, table, options), args);
  }

  private discover(run: (options: DiscoveryOptions) => Promise<unknown>, rest: unknown[]): Bluebird<unknown> {
    const { args, cb } = splitCallback(rest);
    const options = (args[0] && typeof args[0] === 'object' ? args[0] : {}) as DiscoveryOptions;
    return withCallback(
      this.store.readyForDiscovery().then(() => run(options)),
      cb,
    );
  }

  /** True when autoupdate would change nothing for the given models (all attached ones by default). */
  isActual(
    models?: string | string[] | NodeCallback<boolean>,
    cb?: NodeCallback<boolean>,
  ): Bluebird<boolean> {
    if (typeof models === 'function') [cb, models] = [models, undefined];
    return withCallback(this.schemaCheck(models), cb);
  }

  private async schemaCheck(models: string | string[] | undefined): Promise<boolean> {
    await this.ready();
    return this.store.isActual(this.definitionsOf('isActual', models));
  }

  ping(cb?: NodeCallback<void>): Bluebird<void> {
    return withCallback(this.store.ping(), cb);
  }
}

function connectorName(connector: unknown): string {
  if (typeof connector === 'string') return connector.replace(/^loopback-connector-/, '');
  const name =
    connector && typeof connector === 'object' ? (connector as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : 'memory';
}

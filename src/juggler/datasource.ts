import { EventEmitter } from 'events';
import { ConfigurationError } from '../errors';
import { NodeCallback, withCallback } from '../util/callback';
import { debugFor } from '../util/debug';
import type { Connector } from './connectors/connector';
import { resolveConnector } from './connectors/registry';
import { ModelBase } from './model-base';
import { ModelBuilder, RawProperties } from './model-builder';
import type { ModelSettings } from './model-definition';
import { PersistedModel } from './persisted-model';
import { createModelBuilder } from './core-models';
import type Bluebird from 'bluebird';

const debug = debugFor('datasource');

export interface DataSourceSettings {
  [key: string]: unknown;
  name?: string;
  connector?: string | Connector | { initialize?: unknown };
}

let sharedBuilder: ModelBuilder | undefined;

/**
 * A named store: wraps one connector, connects lazily before the first operation, and attaches
 * models to it.
 */
export class DataSource extends EventEmitter {
  readonly name: string;
  readonly settings: DataSourceSettings;
  readonly connector: Connector;
  readonly modelBuilder: ModelBuilder;
  readonly models: Record<string, typeof ModelBase> = Object.create(null);
  connected = false;
  connecting = false;
  private readyPromise: Promise<void> | undefined;

  constructor(name?: string | DataSourceSettings, settings?: DataSourceSettings, modelBuilder?: ModelBuilder) {
    super();
    this.setMaxListeners(0);
    if (typeof name === 'object' && name !== null) {
      modelBuilder = settings as unknown as ModelBuilder | undefined;
      settings = name;
      name = undefined;
    }
    this.settings = { ...(settings ?? {}) };
    this.name = (name as string | undefined) ?? (this.settings.name as string | undefined) ?? connectorName(this.settings.connector);
    this.settings.name ??= this.name;
    this.modelBuilder = modelBuilder ?? (sharedBuilder ??= createModelBuilder());
    this.connector = resolveConnector(this.settings.connector ?? 'memory', this.settings);
  }

  /** Resolves once the connector is connected; the first call connects. */
  ready(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (!this.readyPromise) {
      this.connecting = true;
      this.readyPromise = this.connector.connect().then(
        () => {
          this.connected = true;
          this.connecting = false;
          debug('%s connected', this.name);
          this.emit('connected');
        },
        (err: unknown) => {
          this.connecting = false;
          this.readyPromise = undefined;
          this.emit('error', err);
          throw err;
        },
      );
      // An 'error' event with no listener would throw; the promise carries the error instead.
      if (this.listenerCount('error') === 0) this.on('error', () => undefined);
    }
    return this.readyPromise;
  }

  connect(cb?: NodeCallback<void>): Bluebird<void> {
    return withCallback(this.ready(), cb);
  }

  disconnect(cb?: NodeCallback<void>): Bluebird<void> {
    const done = this.connector.disconnect().then(() => {
      this.connected = false;
      this.readyPromise = undefined;
      this.emit('disconnected');
    });
    return withCallback(done, cb);
  }

  /** `ds.createModel(name, properties, settings)`: a PersistedModel attached to this data source. */
  createModel(name: string, properties?: RawProperties, settings: ModelSettings = {}): typeof PersistedModel {
    const base = (settings.base as string | typeof ModelBase | undefined) ?? PersistedModel;
    const Model = this.modelBuilder.define(name, properties, settings, base) as typeof PersistedModel;
    this.attach(Model);
    return Model;
  }

  define(name: string, properties?: RawProperties, settings?: ModelSettings): typeof PersistedModel {
    return this.createModel(name, properties, settings);
  }

  /** Attaches a model class to this data source; the connector learns its definition. */
  attach(Model: typeof ModelBase): typeof ModelBase {
    (Model as any).dataSource = this;
    if (!(Model as any).__isPersistedModel) {
      // LB3 apps attach plain Models (remote methods only) to a data source; they store nothing.
      this.models[Model.modelName] = Model;
      this.emit('attached', Model);
      return Model;
    }
    if (Model.settings.strict === undefined && !this.connector.capabilities.freeformProperties) {
      Model.settings.strict = true;
      this.modelBuilder.compile(Model);
    }
    this.connector.define(Model.definition);
    this.models[Model.modelName] = Model;
    (Model as any).emit?.('attached', this);
    this.emit('attached', Model);
    return Model;
  }

  getModel(name: string): typeof ModelBase | undefined {
    return this.models[name];
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

  private async schemaSync(kind: 'automigrate' | 'autoupdate', models: string | string[] | undefined): Promise<void> {
    await this.ready();
    const names = models === undefined ? Object.keys(this.models) : Array.isArray(models) ? models : [models];
    const defs = names.map((n) => {
      const M = this.models[n];
      if (!M) throw new ConfigurationError(`Cannot ${kind} unknown model "${n}" on data source "${this.name}"`, 'UNKNOWN_MODEL');
      return M.definition;
    });
    const sync = (this.connector as any)[kind] as ((defs: unknown[]) => Promise<void>) | undefined;
    if (typeof sync === 'function') await sync.call(this.connector, defs);
  }

  ping(cb?: NodeCallback<void>): Bluebird<void> {
    const ping = (this.connector as any).ping as (() => Promise<void>) | undefined;
    return withCallback(this.ready().then(() => (ping ? ping.call(this.connector) : undefined)), cb);
  }
}

function connectorName(connector: unknown): string {
  if (typeof connector === 'string') return connector.replace(/^loopback-connector-/, '');
  if (connector && typeof connector === 'object' && typeof (connector as any).name === 'string') return (connector as any).name;
  return 'memory';
}

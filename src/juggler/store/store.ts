import type { EventEmitter } from 'events';
import { ConfigurationError, LooplineError } from '../../errors';
import { debugFor } from '../../util/debug';
import type { Connector, Transaction, TransactionOptions } from '../connectors/connector';
import { type AnyConnector, isDataConnector } from '../connectors/store-kinds';
import type { ModelDefinition } from '../model-definition';
import { catalogOf } from './discovery';

const debug = debugFor('datasource');

/** Where a store tells of its connection: the data source façade, which LB3 apps listen on. */
export type StoreEvents = Pick<EventEmitter, 'emit' | 'on' | 'listenerCount'>;

/**
 * The store over one connector, which the DAO works on: connects lazily before the first
 * operation (a failed connect is tried again by the next one, and the connector answers 503
 * STORE_UNAVAILABLE meanwhile), and offers the connector's optional features — ping, schema,
 * discovery's catalog, transactions — with LB3's answer where the connector has none.
 */
export class Store {
  connected = false;
  connecting = false;
  private readyPromise: Promise<void> | undefined;

  constructor(
    /** The data source's name, for messages. */
    readonly name: string,
    /** A data store, a key-value store, a mail sender, a service or a remote server (store-kinds.ts). */
    readonly connector: AnyConnector,
    private readonly events: StoreEvents,
  ) {}

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
          this.events.emit('connected');
        },
        (err: unknown) => {
          this.connecting = false;
          this.readyPromise = undefined;
          this.events.emit('error', err);
          throw err;
        },
      );
      // An 'error' event with no listener would throw; the promise carries the error instead.
      if (this.events.listenerCount('error') === 0) this.events.on('error', () => undefined);
    }
    return this.readyPromise;
  }

  async disconnect(): Promise<void> {
    await this.connector.disconnect();
    this.connected = false;
    this.readyPromise = undefined;
    this.events.emit('disconnected');
  }

  /**
   * The data connector, connected, for a model's data access; a model on a store of another kind
   * is refused, as it stores no instances.
   */
  async forDataAccess(modelName: string, method: string): Promise<Connector> {
    const connector = this.connector;
    if (!isDataConnector(connector)) {
      throw new ConfigurationError(
        `Cannot call ${modelName}.${method}(): its data source "${this.name}" uses the ${connector.name} connector, ` +
          'which stores no model instances; attach the model to a data store (memory, postgresql, mysql)',
        'WRONG_STORE_KIND',
      );
    }
    if (!this.connected) await this.ready();
    return connector;
  }

  /** Checks the store answers: connects, then pings where the connector can. */
  async ping(): Promise<void> {
    await this.ready();
    if (isDataConnector(this.connector)) await this.connector.ping?.();
  }

  /** Drops and recreates the stores of these models; nothing on a connector without a schema. */
  async automigrate(models: ModelDefinition[]): Promise<void> {
    await this.ready();
    if (isDataConnector(this.connector)) await this.connector.automigrate?.(models);
  }

  /** Brings the stores of these models up to date, keeping their rows. */
  async autoupdate(models: ModelDefinition[]): Promise<void> {
    await this.ready();
    if (isDataConnector(this.connector)) await this.connector.autoupdate?.(models);
  }

  /** True when autoupdate would change nothing (always, on a connector without a schema). */
  async isActual(models: ModelDefinition[]): Promise<boolean> {
    await this.ready();
    const connector = this.connector;
    if (!isDataConnector(connector) || !connector.isActual) return true;
    return connector.isActual(models);
  }

  /** Resolves when discovery can read the store: a catalog is read connected; without one discovery refuses. */
  async readyForDiscovery(): Promise<void> {
    if (catalogOf(this.connector) !== undefined) await this.ready();
  }

  /** A transaction on the store, to pass on as `options.transaction`; 400 where there are none. */
  async beginTransaction(options: TransactionOptions): Promise<Transaction> {
    await this.ready();
    const connector = this.connector;
    if (!isDataConnector(connector) || !connector.beginTransaction || !connector.capabilities.transactions) {
      throw new LooplineError(
        'TRANSACTIONS_UNSUPPORTED',
        `The ${connector.name} connector does not support transactions`,
      );
    }
    return connector.beginTransaction(options);
  }
}

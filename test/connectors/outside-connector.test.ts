import loopback, { DataSource, registerConnector } from '../../src';
import type {
  Connector,
  ConnectorCapabilities,
  ModelDefinition,
  NormalizedFilter,
  OperationOptions,
  Row,
  WhereClause,
} from '../../src';
import { defineConnectorSuite, type StoreFeatures } from '../../src/testing';

/**
 * A connector from outside loopline, written as a third-party package would: against the public
 * entries only (`loopline` for the Connector contract and `registerConnector`, `loopline/testing`
 * for the suite). It keeps its rows in a memory store it reaches by value (`loopback.Memory`) and
 * counts every call it serves, so the test can tell the suite really went through it.
 */

/** What the store it delegates to answers besides the Connector contract (migrations, ping). */
type DelegateStore = Connector & {
  automigrate(models: ModelDefinition[]): Promise<void>;
  autoupdate(models: ModelDefinition[]): Promise<void>;
  ping(): Promise<void>;
};

const served = new Map<string, number>();
const count = (call: string) => served.set(call, (served.get(call) ?? 0) + 1);

class CountingConnector implements Connector {
  readonly name = 'counting-memory';
  readonly capabilities: ConnectorCapabilities;
  private readonly store: DelegateStore;

  constructor(settings: Record<string, unknown>) {
    this.store = loopback.Memory.createConnector(settings) as DelegateStore;
    this.capabilities = { ...this.store.capabilities };
  }

  connect(): Promise<void> {
    return this.store.connect();
  }
  disconnect(): Promise<void> {
    return this.store.disconnect();
  }
  define(model: ModelDefinition): void {
    this.store.define(model);
  }
  create(model: ModelDefinition, data: Row, options: OperationOptions): Promise<unknown> {
    count('create');
    return this.store.create(model, data, options);
  }
  find(model: ModelDefinition, filter: NormalizedFilter, options: OperationOptions): Promise<Row[]> {
    count('find');
    return this.store.find(model, filter, options);
  }
  findById(model: ModelDefinition, id: unknown, options: OperationOptions): Promise<Row | null> {
    count('findById');
    return this.store.findById(model, id, options);
  }
  count(model: ModelDefinition, where: WhereClause | undefined, options: OperationOptions): Promise<number> {
    count('count');
    return this.store.count(model, where, options);
  }
  updateAll(
    model: ModelDefinition,
    where: WhereClause | undefined,
    data: Row,
    options: OperationOptions,
  ): Promise<number> {
    count('updateAll');
    return this.store.updateAll(model, where, data, options);
  }
  destroyAll(
    model: ModelDefinition,
    where: WhereClause | undefined,
    options: OperationOptions,
  ): Promise<number> {
    count('destroyAll');
    return this.store.destroyAll(model, where, options);
  }
  patchById(model: ModelDefinition, id: unknown, data: Row, options: OperationOptions): Promise<Row | null> {
    count('patchById');
    return this.store.patchById(model, id, data, options);
  }
  replaceById(
    model: ModelDefinition,
    id: unknown,
    data: Row,
    options: OperationOptions,
  ): Promise<Row | null> {
    count('replaceById');
    return this.store.replaceById(model, id, data, options);
  }
  exclusive<T>(
    model: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    return this.store.exclusive!(model, key, options, fn);
  }
  automigrate(models: ModelDefinition[]): Promise<void> {
    count('automigrate');
    return this.store.automigrate(models);
  }
  autoupdate(models: ModelDefinition[]): Promise<void> {
    return this.store.autoupdate(models);
  }
  ping(): Promise<void> {
    return this.store.ping();
  }
}

registerConnector('counting-memory', (settings) => new CountingConnector(settings));

/** What it declares: a store of one process, without transactions, keeping any JavaScript text. */
const features: StoreFeatures = {
  transactions: false,
  server: false,
  shared: false,
  text: { loneSurrogates: true, nul: true },
  dateYears: 'any',
  refusesDocumentOrdering: false,
};

defineConnectorSuite({ name: 'counting-memory', settings: { connector: 'counting-memory' }, features });

describe('a connector registered from outside', () => {
  it('is what a data source naming it gets', async () => {
    const ds = new DataSource('outside', { connector: 'counting-memory' });
    expect(ds.connector).toBeInstanceOf(CountingConnector);
    await ds.disconnect();
  });

  it('served the suite above: every call went through it', () => {
    for (const call of ['create', 'find', 'count', 'updateAll', 'destroyAll', 'automigrate'])
      expect([call, (served.get(call) ?? 0) > 0]).toEqual([call, true]);
  });
});

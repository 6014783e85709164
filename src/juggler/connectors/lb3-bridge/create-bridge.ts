import { ConfigurationError } from '../../../errors';
import type { ConnectorCapabilities } from '../connector';
import type { AnyConnector } from '../store-kinds';
import { Lb3BridgeConnector } from './bridge-connector';
import { Lb3KeyValueBridge } from './kv-bridge';
import { KEY_VALUE_ACCESS_OBJECT, Lb3DataSource } from './lb3-data-source';
import type { Lb3ConnectorModule } from './load-module';
import { mixinObservers } from './observer-mixin';
import { debugFor } from '../../../util/debug';

const debug = debugFor('connector:lb3-bridge');

/**
 * Initializes an LB3 connector module as the juggler does — `initialize(dataSource, cb)` on a data
 * source object holding the settings — and puts what it installed on `dataSource.connector`
 * behind loopline's interface: a key-value bridge when the connector brings the juggler's
 * KeyValueAccessObject, the data bridge otherwise.
 *
 * The connector must install itself during `initialize` (every LB3 connector does, before it
 * calls back); connecting may finish later, and loopline waits for it before the first call.
 * `settings.capabilities` may correct what the bridge infers (ConnectorCapabilities, as data).
 */
export function createLb3Connector(
  mod: Lb3ConnectorModule,
  settings: Record<string, unknown>,
  label: string,
): AnyConnector {
  const facade = new Lb3DataSource(String(settings.name ?? label), { ...settings });
  let settle: (err?: unknown) => void = () => undefined;
  const initialized = new Promise<void>((resolve, reject) => {
    settle = (err?: unknown) => (err ? reject(err) : resolve());
  });
  initialized.catch(() => undefined);
  // Connectors report a lost connection as an 'error' event on their data source; the next call
  // answers for it (503), so an unheard event must not crash the process.
  facade.on('error', (err: unknown) => debug('%s: %s', label, (err as Error)?.message ?? err));
  try {
    mod.initialize(facade, (err?: unknown, result?: unknown) => {
      facade.initialized = !err;
      facade.connecting = false;
      if (!err && !facade.settings.lazyConnect && result !== false) facade.connected = true;
      if (facade.connected) facade.emit('connected');
      settle(err);
    });
  } catch (err) {
    throw new ConfigurationError(
      `Cannot initialize connector "${label}": ${(err as Error)?.message ?? String(err)}`,
      'CONNECTOR_INIT_FAILED',
    );
  }
  const lb3 = facade.connector ?? facade.adapter;
  if (!lb3 || (typeof lb3 !== 'object' && typeof lb3 !== 'function')) {
    throw new ConfigurationError(
      `"${label}" is not a LoopBack connector: its initialize(dataSource, callback) did not set dataSource.connector, where a connector puts the object that reads and writes the store`,
      'NOT_A_CONNECTOR',
    );
  }
  return bridgeOf(facade, lb3, initialized, settings);
}

/**
 * An LB3 connector object made by the app itself (`createDataSource({connector: new MyConnector()})`,
 * one with LB3's callback methods or `getTypes`): used as the installed connector, already initialized.
 */
export function wrapLb3ConnectorInstance(
  instance: Record<string, any>,
  settings: Record<string, unknown>,
  label: string,
): AnyConnector {
  const facade = new Lb3DataSource(String(settings.name ?? label), { ...settings });
  facade.on('error', (err: unknown) => debug('%s: %s', label, (err as Error)?.message ?? err));
  facade.initialized = true;
  return bridgeOf(facade, instance, Promise.resolve(), settings);
}

/** LB3's methods that mark an object as an LB3 connector instance. */
export function looksLikeLb3Connector(value: object): boolean {
  const c = value as Record<string, unknown>;
  return ['getTypes', 'all', 'connect', 'execute'].some((m) => typeof c[m] === 'function');
}

function bridgeOf(
  facade: Lb3DataSource,
  lb3: Record<string, any>,
  initialized: Promise<unknown>,
  settings: Record<string, unknown>,
): AnyConnector {
  facade.connector = lb3;
  facade.adapter = lb3;
  lb3.dataSource ??= facade;
  if (typeof lb3.log !== 'function') lb3.log = () => undefined;
  mixinObservers(lb3);
  if (lb3.DataAccessObject === KEY_VALUE_ACCESS_OBJECT)
    return forwardMembers(new Lb3KeyValueBridge(facade, initialized), lb3);
  const capabilities = (settings.capabilities ?? {}) as Partial<ConnectorCapabilities>;
  return forwardMembers(new Lb3BridgeConnector(facade, initialized, capabilities), lb3);
}

/**
 * Names the data layer calls or probes on a connector with loopline's meaning, and LB3's connector
 * protocol, which the bridge speaks itself: never forwarded, or loopline would call an LB3
 * callback method with its own arguments.
 */
const PROTOCOL: ReadonlySet<string> = new Set([
  'all',
  'automigrate',
  'autoupdate',
  'beginTransaction',
  'bindModel',
  'buildNearFilter',
  'capabilities',
  'catalog',
  'changeFeed',
  'columns',
  'commit',
  'connect',
  'count',
  'create',
  'define',
  'defineForeignKey',
  'defineProperty',
  'delivers',
  'destroy',
  'destroyAll',
  'disconnect',
  'discoverExportedForeignKeys',
  'discoverForeignKeys',
  'discoverModelDefinitions',
  'discoverModelProperties',
  'discoverPrimaryKeys',
  'discoverSchemas',
  'exclusive',
  'execute',
  'exists',
  'exportedForeignKeys',
  'find',
  'findById',
  'findOrCreate',
  'foreignKeys',
  'generateId',
  'getDefaultIdType',
  'getTypes',
  'isActual',
  'kind',
  'migrate',
  'name',
  'observe',
  'patchById',
  'ping',
  'primaryKeys',
  'remotes',
  'replace',
  'replaceById',
  'replaceOrCreate',
  'rollback',
  'rowsHoldOnlyDefinedKeys',
  'save',
  'schema',
  'send',
  'table',
  'transaction',
  'update',
  'updateAll',
  'updateAttributes',
  'updateOrCreate',
  'upsert',
  'upsertWithWhere',
]);

/**
 * LB3 code reaches a connector's own members through `dataSource.connector` (the storage
 * component's `connector.upload(req, res, cb)`, a SQL connector's `client` or `executeSQL`): each
 * member the bridge does not define itself, and that is no part of the protocol, is offered on it, read from the LB3 connector at the
 * time of use (a method called on the LB3 connector, so `this` is what it expects).
 */
function forwardMembers<T extends object>(bridge: T, lb3: Record<string, any>): T {
  const names = new Set<string>();
  for (
    let o: object | null = lb3;
    o && o !== Object.prototype && o !== Function.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  for (const name of names) {
    if (name === 'constructor' || name.startsWith('__') || name in bridge || PROTOCOL.has(name)) continue;
    Object.defineProperty(bridge, name, {
      configurable: true,
      enumerable: false,
      get: () => (typeof lb3[name] === 'function' ? (...args: unknown[]) => lb3[name](...args) : lb3[name]),
      set: (value: unknown) => {
        lb3[name] = value;
      },
    });
  }
  return bridge;
}

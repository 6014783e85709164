import { ConfigurationError } from '../../errors';
import type { Connector } from './connector';
import { MemoryConnector } from './memory/memory-connector';
import type { SqlDialect } from './sql/sql-dialect';
import type { AnyConnector } from './store-kinds';
import type { MailConnector } from './mail/mail-connector';
import { asConnectorModule, loadConnectorModule } from './lb3-bridge/load-module';

/** Where LB3 connector packages are looked for besides the working directory (the boot loader adds the app's folder). */
export { addConnectorSearchRoot } from './lb3-bridge/load-module';

export type ConnectorFactory = (settings: Record<string, unknown>) => AnyConnector;

// Every store but memory is loaded with its first data source, not by `require('loopline')`: their
// drivers (pg, mysql2, ioredis, nodemailer…) and dialect tables cost most of a cold require, and
// an app uses one or two of them (test/unit/lazy-require.test.ts holds this).
type Load<T> = () => T;
const sqlConnector: Load<typeof import('./sql/sql-connector')> = () => require('./sql/sql-connector');
const postgresql: Load<typeof import('./postgresql/dialect')> = () => require('./postgresql/dialect');
const mysql: Load<typeof import('./mysql/dialect')> = () => require('./mysql/dialect');
const sqlite: Load<typeof import('./sqlite/dialect')> = () => require('./sqlite/dialect');
const transient: Load<typeof import('./transient/transient-connector')> = () =>
  require('./transient/transient-connector');
const kvMemory: Load<typeof import('./kv-memory/kv-memory-connector')> = () =>
  require('./kv-memory/kv-memory-connector');
const kvRedis: Load<typeof import('./kv-redis/kv-redis-connector')> = () =>
  require('./kv-redis/kv-redis-connector');
const remote: Load<typeof import('./remote/remote-connector')> = () => require('./remote/remote-connector');
const storage: Load<typeof import('../../components/storage')> = () => require('../../components/storage');
/** The bridge that drives an LB3 connector package: loaded with the first such data source. */
const lb3Bridge: Load<typeof import('./lb3-bridge/create-bridge')> = () =>
  require('./lb3-bridge/create-bridge');
let mail: typeof import('./mail/mail-connector') | undefined;
const mailModule = () =>
  (mail ??= require('./mail/mail-connector') as typeof import('./mail/mail-connector'));

/** A SQL store: the one SqlConnector, built from the store's dialect for each data source's settings. */
function sqlStore(dialect: () => (settings: Record<string, unknown>) => SqlDialect): ConnectorFactory {
  return (settings) => new (sqlConnector().SqlConnector)(dialect()(settings), settings);
}

/**
 * Connector name → factory: the only file that names a concrete connector; everything else speaks
 * the Connector interface. LB3's package names (`loopback-connector-memory`) resolve too, so an
 * LB3 `datasources.json` works unchanged.
 */
const FACTORIES = new Map<string, ConnectorFactory>([
  ['memory', (settings) => new MemoryConnector(settings)],
  ['postgresql', sqlStore(() => postgresql().postgresqlDialect)],
  ['postgres', sqlStore(() => postgresql().postgresqlDialect)],
  ['mysql', sqlStore(() => mysql().mysqlDialect)],
  ['mariadb', sqlStore(() => mysql().mysqlDialect)],
  // `sqlite3` is LB3's name (loopback-connector-sqlite3).
  ['sqlite', sqlStore(() => sqlite().sqliteDialect)],
  ['sqlite3', sqlStore(() => sqlite().sqliteDialect)],
  ['transient', (settings) => new (transient().TransientConnector)(settings)],
  ['kv-memory', (settings) => new (kvMemory().KeyValueMemoryConnector)(settings)],
  ['kv-redis', (settings) => new (kvRedis().KeyValueRedisConnector)(settings)],
  ['mail', (settings) => new (mailModule().MailConnector)(settings)],
  ['remote', (settings) => new (remote().RemoteConnector)(settings)],
  // The storage component's service (components/storage), under LB3's package name too.
  ['storage', (settings) => storage().createStorageConnector(settings)],
  ['loopback-component-storage', (settings) => storage().createStorageConnector(settings)],
]);

/**
 * A connector as LB3 code hands it around by value: `loopback.Memory`, `app.connector(name, c)`,
 * `createDataSource({connector: loopback.Memory})`. One frozen object per built-in name, so
 * `app.connectors.memory === loopback.Memory` holds.
 */
export interface ConnectorModule {
  readonly name: string;
  createConnector(settings: Record<string, unknown>): AnyConnector;
}

const MODULES = new Map<string, ConnectorModule>();

/** The module of a registered connector name (`memory`, `postgresql`, …); undefined when unknown. */
export function connectorModule(name: string): ConnectorModule | undefined {
  const factory = FACTORIES.get(name);
  if (!factory) return undefined;
  let mod = MODULES.get(name);
  if (!mod) {
    mod = Object.freeze({ name, createConnector: (settings: Record<string, unknown>) => factory(settings) });
    MODULES.set(name, mod);
  }
  return mod;
}

function isConnectorModule(value: object): value is ConnectorModule {
  return typeof (value as Partial<ConnectorModule>).createConnector === 'function';
}

/**
 * The connector classes LB3 exports from `loopback` (`loopback.Mail`); a data source may name one
 * as its `connector` instead of a string.
 */
export const CONNECTOR_CLASSES: { readonly Mail: typeof MailConnector } = {
  get Mail() {
    return mailModule().MailConnector;
  },
};

/** A connector class passed by value (`loopback.Mail`): only a loaded class can have been passed. */
function byClass(value: unknown): ConnectorFactory | undefined {
  const Mail = mail?.MailConnector;
  return Mail && value === Mail ? (settings) => new Mail(settings) : undefined;
}

/** Every name `connector` may take without a package: loopline's own connectors, in registration order (the CLI offers these). */
export function registeredConnectorNames(): string[] {
  return Array.from(FACTORIES.keys());
}

/** Adds a connector under a name (for tests and third-party connectors). */
export function registerConnector(name: string, factory: ConnectorFactory): void {
  FACTORIES.set(name, factory);
}

/**
 * The connector a data source's `connector` setting names, built with its settings. A value that
 * already implements Connector is used as is. An unknown name is a configuration error that says
 * which names are available.
 */
export function resolveConnector(nameOrConnector: unknown, settings: Record<string, unknown>): AnyConnector {
  const classFactory = byClass(nameOrConnector);
  if (classFactory) return classFactory(settings);
  if (nameOrConnector && typeof nameOrConnector === 'object') {
    if (isConnector(nameOrConnector)) return nameOrConnector;
    if (isConnectorModule(nameOrConnector)) return nameOrConnector.createConnector(settings);
    const label =
      typeof (nameOrConnector as { name?: unknown }).name === 'string'
        ? (nameOrConnector as { name: string }).name
        : 'the connector object';
    if (typeof (nameOrConnector as { initialize?: unknown }).initialize === 'function') {
      return lb3Bridge().createLb3Connector(asConnectorModule(nameOrConnector, label), settings, label);
    }
    const bridge = lb3Bridge();
    if (bridge.looksLikeLb3Connector(nameOrConnector))
      return bridge.wrapLb3ConnectorInstance(nameOrConnector as Record<string, any>, settings, label);
    throw new ConfigurationError(
      `The connector object is not a connector: it implements neither loopline's Connector interface (find, create, findById, define, …) nor LB3's initialize(dataSource, callback) or connector methods (getTypes, all, connect, execute)`,
      'NOT_A_CONNECTOR',
    );
  }
  const given = nameOrConnector ?? 'memory';
  if (typeof given !== 'string')
    throw new ConfigurationError(
      `The connector setting must be a name such as "memory", not ${typeof given}`,
    );
  const name = given.replace(/^loopback-connector-/, '');
  const factory = FACTORIES.get(name);
  if (factory) return factory(settings);
  // Not one of loopline's own: an LB3 connector package from the app's node_modules, as LB3 loads it.
  return lb3Bridge().createLb3Connector(
    loadConnectorModule(given, undefined, Array.from(FACTORIES.keys())),
    settings,
    given,
  );
}

function isConnector(value: object): value is Connector {
  const c = value as Partial<Record<keyof Connector, unknown>>;
  return (
    typeof c.find === 'function' &&
    typeof c.create === 'function' &&
    typeof c.findById === 'function' &&
    typeof c.define === 'function'
  );
}

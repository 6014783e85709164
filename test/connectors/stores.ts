import { execFileSync } from 'child_process';
import os from 'os';
import path from 'path';
import type { SchemaFeatures, SqlFeatures, StoreFeatures } from '../../src/testing';
import { caseUnless as sharedCaseUnless, skipByTitle } from '../../src/testing/jest-globals';
import type { CaseBody, CaseFunction } from '../../src/testing/jest-globals';
import { LB3_KV_SKIPS, LB3_SKIPS } from './lb3-skips';

export { Relay } from '../../src/testing';

/**
 * The stores the connector suite runs against. Memory and SQLite always (they run in the test's
 * process); PostgreSQL and MariaDB when their servers answer on this machine. Under CI=true an
 * absent server is a failure, not a skip.
 */
/** The SQL stores, by name: the key of a table of per-store expectations (as the hostile-case table's). */
export type SqlStoreName = 'postgresql' | 'mysql' | 'sqlite';

export interface StoreConfig {
  name: 'memory' | 'postgresql' | 'mysql' | 'sqlite';
  settings: Record<string, unknown>;
  /** The store runs inside the process (no server to reach, to cut off or to wait for). */
  embedded?: boolean;
  /** Cases of the suite this store does not run, by title, each with its reason (shown in the skipped title). */
  skips?: Readonly<Record<string, string>>;
  /** What the store does where stores differ: the cases read these, never the store's name. */
  features: StoreConfigFeatures;
}

/** The features of loopline/testing, and those the suites of this folder read besides. */
export interface StoreConfigFeatures extends StoreFeatures {
  /** Isolation levels are applied as asked (SQLite runs every transaction SERIALIZABLE). */
  readonly isolationLevels: boolean;
  /**
   * A unique index can hold a NULL scope as one value (a partial index, or NULLS NOT DISTINCT), so
   * rows without a realm are unique per email in the store itself; MariaDB's and SQLite's indexes
   * hold NULLs distinct.
   */
  readonly uniqueNullScope: boolean;
}

const env = process.env;
const pgSettings = {
  host: env.PGHOST ?? '127.0.0.1',
  port: Number(env.PGPORT ?? 5432),
  user: env.PGUSER ?? 'postgres',
  password: env.PGPASSWORD,
  database: env.PGDATABASE ?? 'test',
};
const mysqlSettings = {
  host: env.MYSQL_HOST ?? '127.0.0.1',
  port: Number(env.MYSQL_PORT ?? 3306),
  user: env.MYSQL_USER ?? 'root',
  password: env.MYSQL_PASSWORD ?? '',
  database: env.MYSQL_DATABASE ?? 'test',
};

/** One SQLite file per database name the run uses (PGDATABASE), so parallel runs do not share it. */
const sqliteSettings = {
  file: env.SQLITE_FILE ?? path.join(os.tmpdir(), `loopline-${env.PGDATABASE ?? 'test'}.sqlite`),
};

const SQL_PARAMETER_DOLLAR: SqlFeatures = { parameter: (n) => `$${n}`, quote: (id) => `"${id}"` };
const SQL_PARAMETER_MARK: SqlFeatures = { parameter: () => '?', quote: (id) => `\`${id}\`` };

const POSTGRESQL_SCHEMA: SchemaFeatures = {
  // As loopback-connector-postgresql: unquoted, so folded to lower case.
  defaultName: (name) => name.toLowerCase(),
  primaryKeyIndexes: (table) => [`${table}_pkey`],
  indexDefinitions: (table) => `SELECT indexdef AS def FROM pg_indexes WHERE tablename = '${table}'`,
};
const MYSQL_SCHEMA: SchemaFeatures = {
  defaultName: (name) => name,
  primaryKeyIndexes: () => ['PRIMARY'],
  indexDefinitions: (table) =>
    `SELECT CONCAT(IF(NON_UNIQUE = 0, 'UNIQUE ', ''), COLUMN_NAME) AS def FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`,
};
const SQLITE_SCHEMA: SchemaFeatures = {
  defaultName: (name) => name,
  // The id is the rowid: no index of its own.
  primaryKeyIndexes: () => [],
  indexDefinitions: (table) =>
    `SELECT CASE WHEN l."unique" THEN 'UNIQUE ' ELSE '' END || i.name AS def FROM pragma_index_list('${table}') l JOIN pragma_index_info(l.name) i`,
};

/** What every SQL store shares: text without half surrogate pairs, documents compared by equality only. */
const SQL_STORE = {
  transactions: true,
  shared: true,
  refusesDocumentOrdering: true,
  dateYears: 'any',
  isolationLevels: true,
  uniqueNullScope: true,
} as const;

export const MEMORY_FEATURES: StoreConfigFeatures = {
  transactions: false,
  server: false,
  shared: false,
  text: { loneSurrogates: true, nul: true },
  dateYears: 'any',
  refusesDocumentOrdering: false,
  isolationLevels: false,
  uniqueNullScope: true,
};
const POSTGRESQL_FEATURES: StoreConfigFeatures = {
  ...SQL_STORE,
  server: true,
  // PostgreSQL's text cannot hold NUL.
  text: { loneSurrogates: false, nul: false },
  schema: POSTGRESQL_SCHEMA,
  sql: SQL_PARAMETER_DOLLAR,
};
const MYSQL_FEATURES: StoreConfigFeatures = {
  ...SQL_STORE,
  server: true,
  text: { loneSurrogates: false, nul: true },
  // DATETIME holds years 1000 to 9999.
  dateYears: { min: 1000, max: 9999 },
  // MariaDB has neither partial indexes nor NULLS NOT DISTINCT (README, Stores).
  uniqueNullScope: false,
  schema: MYSQL_SCHEMA,
  sql: SQL_PARAMETER_MARK,
};
const SQLITE_FEATURES: StoreConfigFeatures = {
  ...SQL_STORE,
  // Embedded: there is no server to lose.
  server: false,
  text: { loneSurrogates: false, nul: true },
  // Every transaction is SERIALIZABLE, with the write lock held from BEGIN IMMEDIATE: two open
  // transactions, and a write beside them, take turns.
  isolationLevels: false,
  // Its unique indexes hold NULLs distinct (as MariaDB's).
  uniqueNullScope: false,
  schema: SQLITE_SCHEMA,
  sql: SQL_PARAMETER_MARK,
};

/** The servers of the house rules (DESIGN.md); the usual client variables point elsewhere. */
export const STORES: StoreConfig[] = [
  { name: 'memory', settings: { connector: 'memory' }, embedded: true, features: MEMORY_FEATURES },
  { name: 'postgresql', settings: { connector: 'postgresql', ...pgSettings }, features: POSTGRESQL_FEATURES },
  { name: 'mysql', settings: { connector: 'mysql', ...mysqlSettings }, features: MYSQL_FEATURES },
  {
    name: 'sqlite',
    settings: { connector: 'sqlite', ...sqliteSettings },
    embedded: true,
    features: SQLITE_FEATURES,
  },
];

/** The real LB3 SQL packages, driven through the LB3 connector bridge (src/juggler/connectors/lb3-bridge), for the shared suite. */
export interface Lb3StoreConfig extends Omit<StoreConfig, 'name'> {
  name: 'lb3-postgresql' | 'lb3-mysql';
}

/** LB3's SQL packages store a Number as an integer column unless told otherwise (their own rule). */
const LB3_FRACTIONAL_NUMBER = { postgresql: { dataType: 'double precision' }, mysql: { dataType: 'double' } };

export const LB3_STORES: Lb3StoreConfig[] = [
  {
    name: 'lb3-postgresql',
    settings: { connector: require('loopback-connector-postgresql'), ...pgSettings },
    skips: LB3_SKIPS.postgresql,
    features: { ...POSTGRESQL_FEATURES, fractionalNumber: LB3_FRACTIONAL_NUMBER },
  },
  {
    name: 'lb3-mysql',
    settings: { connector: require('loopback-connector-mysql'), ...mysqlSettings },
    skips: LB3_SKIPS.mysql,
    features: { ...MYSQL_FEATURES, fractionalNumber: LB3_FRACTIONAL_NUMBER },
  },
];

/** `it` for one store: a case the store lists in `skips` is reported skipped, its reason in the title. */
export function storeIt(store: StoreConfig | Lb3StoreConfig | KvStoreConfig): typeof it {
  const wrapped = skipByTitle(it as unknown as CaseFunction, store.skips ?? {}) as unknown as typeof it;
  return Object.assign(wrapped, {
    skip: it.skip,
    only: it.only,
    todo: it.todo,
    each: it.each,
    failing: it.failing,
    concurrent: it.concurrent,
  });
}

/**
 * This SQL store's entry of a table of expectations by store, as the hostile-case table's per-store
 * expectations: what differs between the SQL dialects' catalogs is written as data, side by side.
 */
export function expectedOn<T>(store: StoreConfig, table: Record<SqlStoreName, T>): T {
  if (!(store.name in table)) throw new Error(`no expectation for the ${store.name} store`);
  return table[store.name as SqlStoreName];
}

/**
 * Why a store does not run a case that needs a feature, by feature (false when it has it): the
 * reason goes into the skipped case's title.
 */
export function lacking(features: StoreConfigFeatures) {
  return {
    transactions: !features.transactions && 'the store has no transactions (capability transactions: false)',
    server: !features.server && 'the store is embedded: there is no server to lose',
    shared: !features.shared && "the store is one data source's own: there is no other process on it",
    sql: !features.sql && 'the store runs no SQL statements',
    schema: !features.schema && 'the store has no schema',
    isolationLevels:
      !features.isolationLevels &&
      'the store runs every transaction SERIALIZABLE (SQLite, with the write lock held from BEGIN IMMEDIATE: two open transactions, and a write beside them, take turns)',
    uniqueNullScope:
      !features.uniqueNullScope &&
      "the store's unique indexes hold NULLs distinct (MariaDB, SQLite), so a NULL realm is unique by the rule's query only",
  } as const;
}

/** `it`, or (when `skipped` gives a reason) the case listed as skipped with the reason in its title. */
export function caseUnless(
  it: jest.It,
  skipped: string | false,
  title: string,
  fn: jest.ProvidesCallback,
  timeout?: number,
): void {
  sharedCaseUnless(it as unknown as CaseFunction, skipped, title, fn as CaseBody, timeout);
}

/** The key-value stores KeyValueModel runs on: in process always, Redis when its server answers. */
export interface KvStoreConfig {
  name: 'kv-memory' | 'kv-redis' | 'lb3-kv-redis';
  settings: Record<string, unknown>;
  /** Cases this store does not run, by title, each with its reason (shown in the skipped title). */
  skips?: Readonly<Record<string, string>>;
}

export const KV_STORES: KvStoreConfig[] = [
  { name: 'kv-memory', settings: { connector: 'kv-memory' } },
  {
    name: 'kv-redis',
    settings: {
      connector: 'kv-redis',
      host: env.REDIS_HOST ?? '127.0.0.1',
      port: Number(env.REDIS_PORT ?? 6379),
      db: Number(env.REDIS_DB ?? 0),
    },
  },
  // The real loopback-connector-kv-redis package, driven through the LB3 connector bridge.
  {
    name: 'lb3-kv-redis',
    settings: {
      connector: require('loopback-connector-kv-redis'),
      host: env.REDIS_HOST ?? '127.0.0.1',
      port: Number(env.REDIS_PORT ?? 6379),
      db: Number(env.REDIS_DB ?? 0),
    },
    skips: LB3_KV_SKIPS,
  },
];

const PROBE = `
const net = require('net');
const [host, port] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port), timeout: 1500 });
s.on('connect', () => { s.end(); process.exit(0); });
s.on('timeout', () => process.exit(1));
s.on('error', () => process.exit(1));
`;

const cache = new Map<string, boolean>();

/** True when the store's server accepts connections (checked once, synchronously, at collection time). */
export function storeAvailable(store: StoreConfig | KvStoreConfig | Lb3StoreConfig): boolean {
  if (store.name === 'kv-memory' || ('embedded' in store && store.embedded)) return true;
  const key = `${String(store.settings.host)}:${String(store.settings.port)}`;
  if (!cache.has(key)) {
    let ok = true;
    try {
      execFileSync(
        process.execPath,
        ['-e', PROBE, String(store.settings.host), String(store.settings.port)],
        { stdio: 'ignore', timeout: 5000 },
      );
    } catch {
      ok = false;
    }
    if (!ok && process.env.CI === 'true') {
      throw new Error(
        `CI=true but the ${store.name} server at ${String(store.settings.host)}:${String(store.settings.port)} does not answer; start it (see README, "Stores")`,
      );
    }
    if (!ok)
      console.warn(
        `[connectors] ${store.name} is not reachable at ${String(store.settings.host)}:${String(store.settings.port)}: its suite is skipped (CI=true makes this a failure)`,
      );
    cache.set(key, ok);
  }
  return cache.get(key)!;
}

/** describe() for a store: skipped, with the message above, when its server is down. */
export function describeStore(store: StoreConfig | KvStoreConfig | Lb3StoreConfig, fn: () => void): void {
  (storeAvailable(store) ? describe : describe.skip)(`${store.name} store`, fn);
}

export const REPO_ROOT = path.resolve(__dirname, '../..');

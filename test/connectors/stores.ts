import { execFileSync } from 'child_process';
import net from 'net';
import os from 'os';
import path from 'path';
import { LB3_KV_SKIPS, LB3_SKIPS } from './lb3-skips';

/**
 * The stores the connector suite runs against. Memory and SQLite always (they run in the test's
 * process); PostgreSQL and MariaDB when their servers answer on this machine. Under CI=true an
 * absent server is a failure, not a skip.
 */
export interface StoreConfig {
  name: 'memory' | 'postgresql' | 'mysql' | 'sqlite';
  settings: Record<string, unknown>;
  /** The store runs inside the process (no server to reach, to cut off or to wait for). */
  embedded?: boolean;
  /** Cases of the suite this store does not run, by title, each with its reason (shown in the skipped title). */
  skips?: Readonly<Record<string, string>>;
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

/** What a case cannot do on SQLite, by title (the titles of the suites that skip it). */
const SQLITE_SKIPS: Readonly<Record<string, string>> = {
  'answers 503 STORE_UNAVAILABLE quickly while the store is down, and recovers when it returns':
    'SQLite is embedded: there is no server to lose',
  'pings while the store is up, answers 503 while it is down, and disconnect closes every pooled connection':
    'SQLite is embedded: there is no server to lose',
  'answers 503 STORE_UNAVAILABLE over REST, quickly, while the store is cut off, and 200 again once it is back':
    'SQLite is embedded: there is no server to lose',
  'a user without a realm is unique per email among users without one, under concurrency':
    "SQLite's unique indexes hold NULLs distinct (as MariaDB's), so a NULL realm is unique by the rule's query only",
  'applies the isolation level asked for: REPEATABLE READ keeps its snapshot, READ COMMITTED sees commits':
    'SQLite runs every transaction SERIALIZABLE with the write lock held from BEGIN IMMEDIATE: two open transactions, and a write beside them, take turns',
};

/** The servers of the house rules (DESIGN.md); the usual client variables point elsewhere. */
export const STORES: StoreConfig[] = [
  { name: 'memory', settings: { connector: 'memory' }, embedded: true },
  { name: 'postgresql', settings: { connector: 'postgresql', ...pgSettings } },
  { name: 'mysql', settings: { connector: 'mysql', ...mysqlSettings } },
  {
    name: 'sqlite',
    settings: { connector: 'sqlite', ...sqliteSettings },
    embedded: true,
    skips: SQLITE_SKIPS,
  },
];

/** The real LB3 SQL packages, driven through the LB3 connector bridge (src/juggler/connectors/lb3-bridge), for the shared suite. */
export interface Lb3StoreConfig extends Omit<StoreConfig, 'name'> {
  name: 'lb3-postgresql' | 'lb3-mysql';
}

export const LB3_STORES: Lb3StoreConfig[] = [
  {
    name: 'lb3-postgresql',
    settings: { connector: require('loopback-connector-postgresql'), ...pgSettings },
    skips: LB3_SKIPS.postgresql,
  },
  {
    name: 'lb3-mysql',
    settings: { connector: require('loopback-connector-mysql'), ...mysqlSettings },
    skips: LB3_SKIPS.mysql,
  },
];

/** `it` for one store: a case the store lists in `skips` is reported skipped, its reason in the title. */
export function storeIt(store: StoreConfig | Lb3StoreConfig | KvStoreConfig): typeof it {
  const skips = store.skips ?? {};
  const wrapped = ((title: string, fn?: jest.ProvidesCallback, timeout?: number) => {
    const reason = skips[title];
    return reason ? it.skip(`${title} [skipped: ${reason}]`, fn) : it(title, fn, timeout);
  }) as typeof it;
  return Object.assign(wrapped, {
    skip: it.skip,
    only: it.only,
    todo: it.todo,
    each: it.each,
    failing: it.failing,
    concurrent: it.concurrent,
  });
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

/**
 * A TCP relay in front of a real server, so a test can cut the store off and bring it back
 * (`stop()` closes the listener and every open connection; `start()` listens again on the same
 * port). The store itself is real; only the wire between is interrupted.
 *
 * `stall()` keeps accepting connections but forwards nothing (a black-holed network: the client
 * waits for an answer that never comes); `slow(ms)` delays every chunk both ways; `pass()` brings
 * back a plain wire, closing the connections that lost bytes while stalled.
 */
export class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'pass' | 'stall' | 'slow' = 'pass';
  private delay = 0;
  /** Connections that dropped bytes while stalled: their protocol state is lost. */
  private readonly broken = new Set<() => void>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  stall(): void {
    this.mode = 'stall';
  }

  slow(ms: number): void {
    this.mode = 'slow';
    this.delay = ms;
  }

  pass(): void {
    this.mode = 'pass';
    for (const drop of this.broken) drop();
    this.broken.clear();
  }

  async start(): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        this.broken.delete(drop);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      const forward = (to: net.Socket) => (chunk: Buffer) => {
        if (this.mode === 'stall') {
          this.broken.add(drop);
          return;
        }
        if (this.mode === 'slow') setTimeout(() => to.destroyed || to.write(chunk), this.delay);
        else to.write(chunk);
      };
      client.on('data', forward(upstream));
      upstream.on('data', forward(client));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.broken.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

import { execFileSync } from 'child_process';
import path from 'path';

/**
 * The stores the connector suite runs against. Memory always; PostgreSQL and MariaDB when their
 * servers answer on this machine. Under CI=true an absent server is a failure, not a skip.
 */
export interface StoreConfig {
  name: 'memory' | 'postgresql' | 'mysql';
  settings: Record<string, unknown>;
}

export const STORES: StoreConfig[] = [
  { name: 'memory', settings: { connector: 'memory' } },
  { name: 'postgresql', settings: { connector: 'postgresql', host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } },
  { name: 'mysql', settings: { connector: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' } },
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
export function storeAvailable(store: StoreConfig): boolean {
  if (store.name === 'memory') return true;
  if (!cache.has(store.name)) {
    let ok = true;
    try {
      execFileSync(process.execPath, ['-e', PROBE, String(store.settings.host), String(store.settings.port)], { stdio: 'ignore', timeout: 5000 });
    } catch {
      ok = false;
    }
    if (!ok && process.env.CI === 'true') {
      throw new Error(`CI=true but the ${store.name} server at ${String(store.settings.host)}:${String(store.settings.port)} does not answer; start it (see README, "Stores")`);
    }
    if (!ok) console.warn(`[connectors] ${store.name} is not reachable at ${String(store.settings.host)}:${String(store.settings.port)}: its suite is skipped (CI=true makes this a failure)`);
    cache.set(store.name, ok);
  }
  return cache.get(store.name)!;
}

/** describe() for a store: skipped, with the message above, when its server is down. */
export function describeStore(store: StoreConfig, fn: () => void): void {
  (storeAvailable(store) ? describe : describe.skip)(`${store.name} store`, fn);
}

export const REPO_ROOT = path.resolve(__dirname, '../..');

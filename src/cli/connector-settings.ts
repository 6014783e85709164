import { registeredName } from './connector-names';

/**
 * The settings the CLI asks for, by connector: the network databases' host, port, database, user
 * and password; a file for the stores kept in one. Any connector takes the flags; only these are
 * asked for at a terminal.
 */
const NETWORK_PORTS: Record<string, number> = {
  postgresql: 5432,
  postgres: 5432,
  mysql: 3306,
  mariadb: 3306,
};
const FILE_STORES = new Set(['memory', 'sqlite', 'sqlite3']);

export const SERVER_SETTINGS = ['host', 'port', 'database', 'user', 'password', 'url'] as const;

/** The default port of a network database's connector; undefined for the others. */
export function defaultPort(connector: string): number | undefined {
  return NETWORK_PORTS[registeredName(connector) ?? ''];
}

export function keepsAFile(connector: string): boolean {
  return FILE_STORES.has(registeredName(connector) ?? '');
}

/** A SQL database on a server: what `migrate` may find missing and what the built-in models should share with a User model. */
export function isServerDatabase(connector: unknown): boolean {
  return typeof connector === 'string' && defaultPort(connector) !== undefined;
}

export function isMySQLFamily(connector: unknown): boolean {
  return typeof connector === 'string' && defaultPort(connector) === 3306;
}

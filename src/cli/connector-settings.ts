import fs from 'fs';
import path from 'path';
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

/**
 * The native driver a connector loads from the app, by connector: loopline lists it only as an
 * optional dependency, and npm 11 runs a dependency's install script (which builds the driver)
 * only where the app's own package.json allows it, so the app names both.
 */
const NATIVE_DRIVERS: Record<string, string> = { sqlite: 'better-sqlite3', sqlite3: 'better-sqlite3' };

/** `{dependency, range}` for a connector that needs a native driver in the app; undefined otherwise. */
export function nativeDriverOf(connector: string): { dependency: string; range: string } | undefined {
  const dependency = NATIVE_DRIVERS[registeredName(connector) ?? ''];
  if (!dependency) return undefined;
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    optionalDependencies?: Record<string, string>;
  };
  return { dependency, range: own.optionalDependencies?.[dependency] ?? '*' };
}

/** Adds the connector's native driver to an app's package.json object (dependency and `allowScripts`); true when it did. */
export function addNativeDriver(pkg: Record<string, unknown>, connector: string): boolean {
  const driver = nativeDriverOf(connector);
  if (!driver) return false;
  const dependencies = (pkg.dependencies ??= {}) as Record<string, string>;
  const allowScripts = (pkg.allowScripts ??= {}) as Record<string, boolean>;
  if (dependencies[driver.dependency] && allowScripts[driver.dependency] === true) return false;
  dependencies[driver.dependency] ??= driver.range;
  allowScripts[driver.dependency] = true;
  return true;
}

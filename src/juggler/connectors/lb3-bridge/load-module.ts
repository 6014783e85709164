import path from 'path';
import { ConfigurationError } from '../../../errors';

/** What LB3's juggler accepts as a connector module: an object (or function) with `initialize(dataSource, cb)`. */
export interface Lb3ConnectorModule {
  readonly name?: string;
  initialize(dataSource: unknown, callback?: (err?: unknown, result?: unknown) => void): void;
}

/** Names LB3 ships under its own scope: the short name alone is never tried for these (LB3's rule). */
const LB3_OWNED = new Set([
  'mongodb',
  'oracle',
  'mysql',
  'postgresql',
  'mssql',
  'rest',
  'soap',
  'db2',
  'cloudant',
]);

/**
 * The package names tried for a connector name, in LB3's order: `loopback-connector-<name>` first,
 * then the name itself (unless it is one LB3 publishes under its prefix). An absolute path is tried as is.
 */
export function candidateModules(name: string): string[] {
  if (path.isAbsolute(name)) return [name];
  const names: string[] = [];
  if (!name.startsWith('loopback-connector-')) names.push(`loopback-connector-${name}`);
  if (!LB3_OWNED.has(name)) names.push(name);
  return names;
}

/**
 * Where a connector package is looked for: the app's folder (`appRoot`, set by the boot loader),
 * the working directory and the main module's paths — the app's `node_modules`, not loopline's.
 */
const searchRoots: string[] = [];

/** Adds an app's folder to where connector packages are looked for (the boot loader calls it). */
export function addConnectorSearchRoot(dir: string): void {
  if (!searchRoots.includes(dir)) searchRoots.unshift(dir);
}

function searchPaths(appRoot: string | undefined): string[] {
  const paths = [appRoot, ...searchRoots, process.cwd()].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  const main = require.main?.paths ?? [];
  return [...paths, ...main];
}

function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  // A package found but missing one of ITS dependencies is a broken install, not a missing connector.
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${name}'`);
}

/**
 * Loads the LB3 connector package a data source names. A package that is not installed is a
 * CONNECTOR_NOT_INSTALLED error naming the `npm install` to run; one that loads but has no
 * `initialize` is NOT_A_CONNECTOR, saying what it exports instead.
 */
export function loadConnectorModule(
  name: string,
  appRoot?: string,
  builtIn: readonly string[] = [],
): Lb3ConnectorModule {
  const names = candidateModules(name);
  for (const candidate of names) {
    let file: string;
    try {
      file = require.resolve(candidate, { paths: searchPaths(appRoot) });
    } catch (err) {
      if (isMissing(err, candidate)) continue;
      throw err;
    }
    const mod: unknown = require(file);
    return asConnectorModule(mod, candidate);
  }
  const install = names[0];
  throw new ConfigurationError(
    `The connector "${name}" is not installed (looked for ${names.map((n) => `"${n}"`).join(', ')} from ${appRoot ?? searchRoots[0] ?? process.cwd()}). To fix, run: npm install ${install} --save` +
      (builtIn.length ? ` (loopline's own connectors need no package: ${builtIn.join(', ')})` : ''),
    'CONNECTOR_NOT_INSTALLED',
  );
}

/** The module as a connector module, or NOT_A_CONNECTOR saying why it is not one. */
export function asConnectorModule(mod: unknown, label: string): Lb3ConnectorModule {
  if (
    (typeof mod === 'object' || typeof mod === 'function') &&
    mod !== null &&
    typeof (mod as { initialize?: unknown }).initialize === 'function'
  ) {
    return mod as Lb3ConnectorModule;
  }
  const what =
    mod === null || mod === undefined
      ? String(mod)
      : typeof mod === 'object' || typeof mod === 'function'
        ? `${typeof mod} with ${describeKeys(mod as object)}`
        : typeof mod;
  throw new ConfigurationError(
    `"${label}" is not a LoopBack connector: a connector module exports initialize(dataSource, callback), and this one exports ${what}`,
    'NOT_A_CONNECTOR',
  );
}

function describeKeys(mod: object): string {
  const keys = Object.keys(mod).slice(0, 8);
  return keys.length ? `the keys ${keys.join(', ')}` : 'no keys';
}

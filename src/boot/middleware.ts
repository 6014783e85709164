import * as path from 'path';
import { BootError } from './errors';
import { rel } from './json-file';
import { substitute } from './merge';
import { isPlainObject } from '../util/own';
import type { LooplineApp } from '../loopback/app/types';
import { showingStoreCodes } from '../loopback/app/middleware/error-handler';
import { refusingForeignPreflights } from '../loopback/app/middleware/cors-preflight';

interface Entry {
  enabled?: boolean;
  paths?: string | string[];
  params?: unknown;
  [key: string]: unknown;
}

/**
 * Resolves a middleware or component reference as loopback-boot does: `loopback#rest` names a
 * built-in, `module#export` an export of a module, `./file` a path relative to the config file,
 * anything else a module resolved from the app root (then from loopline itself).
 */
export function resolveReference(
  ref: string,
  configDir: string,
  appRootDir: string,
  loopback: any,
  file: string,
): any {
  const [modulePart, exportName] = ref.split('#');
  if (modulePart === 'loopback') {
    const builtin = loopback[exportName];
    if (typeof builtin !== 'function')
      throw new BootError(
        `${rel(file)}: "${ref}" is not a loopline built-in middleware`,
        'UNKNOWN_MIDDLEWARE',
      );
    return builtin;
  }
  let resolved: string;
  try {
    resolved = modulePart.startsWith('.')
      ? require.resolve(path.resolve(configDir, modulePart))
      : require.resolve(modulePart, { paths: [appRootDir, __dirname] });
  } catch {
    throw new BootError(
      `${rel(file)}: cannot find module "${modulePart}" (install it in the app: npm install --save ${modulePart})`,
      'MODULE_NOT_FOUND',
    );
  }
  const mod = require(resolved);
  const value = exportName
    ? mod[exportName]
    : mod && typeof mod === 'object' && typeof mod.default === 'function'
      ? mod.default
      : mod;
  if (typeof value !== 'function')
    throw new BootError(`${rel(file)}: "${ref}" does not export a function`, 'INVALID_MIDDLEWARE');
  if (modulePart === 'strong-error-handler' && !exportName) return showingStoreCodes(value);
  if (modulePart === 'cors' && !exportName) return refusingForeignPreflights(value);
  return value;
}

export function setupMiddleware(
  app: LooplineApp,
  config: Record<string, Record<string, Entry | Entry[]>>,
  file: string,
  appRootDir: string,
): void {
  const configDir = path.dirname(file);
  const lookup = (name: string) => app.get(name) ?? process.env[name];
  const phaseNames = Object.keys(config).map((p) => p.replace(/:(before|after)$/, ''));
  app.defineMiddlewarePhases(phaseNames.filter((p, i) => phaseNames.indexOf(p) === i));
  for (const [phase, entries] of Object.entries(config)) {
    for (const [ref, value] of Object.entries(entries ?? {})) {
      const list = Array.isArray(value) ? value : [value ?? {}];
      for (const raw of list) {
        const entry = substitute(raw, lookup) as Entry;
        if (entry.enabled === false) continue;
        const factory = resolveReference(ref, configDir, appRootDir, app.loopback, file);
        app.middlewareFromConfig(factory, {
          phase,
          paths: entry.paths,
          params: resolvePathParams(entry.params, configDir),
          enabled: true,
        });
      }
    }
  }
}

/**
 * loopback-boot's path params: a string starting `$!./` or `$!../` anywhere in `params` is a path
 * relative to the middleware config's folder (`"$!../client"` for loopback#static).
 */
export function resolvePathParams(value: unknown, configDir: string): unknown {
  if (typeof value === 'string')
    return /^\$!\.\.?\//.test(value) ? path.resolve(configDir, value.slice(2)) : value;
  if (Array.isArray(value)) return value.map((v) => resolvePathParams(v, configDir));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolvePathParams(v, configDir);
    return out;
  }
  return value;
}

import * as path from 'path';

type NodeModuleApi = { createRequire(filename: string): NodeJS.Require };

/**
 * Node's own module system, even where a bundler or test runner replaced `require('module')` with
 * its registry: the app's strategies are loaded as Node loads them, so an ESM-only package
 * (`openid-client/passport`) comes in through require(esm) on Node 20.19 and later.
 */
function nodeModuleApi(): NodeModuleApi {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (getBuiltin?.('module') ?? require('module')) as NodeModuleApi;
}

/**
 * Loads a package or file by name the way the app would: from the app's folder first (the
 * strategies are the app's dependencies, as in LB3), then the working directory, then loopline's
 * own place. A relative name is taken from the app's folder.
 */
export function createModuleLoader(appRootDir: string | undefined): (name: string) => unknown {
  const api = nodeModuleApi();
  const roots = [...new Set([appRootDir, process.cwd()].filter((d): d is string => typeof d === 'string'))];
  return (name: string) => {
    if (name.startsWith('.'))
      return api.createRequire(path.join(roots[0], 'noop.js'))(path.resolve(roots[0], name));
    let firstError: unknown;
    for (const root of roots) {
      try {
        return api.createRequire(path.join(root, 'noop.js'))(name);
      } catch (err) {
        if (
          (err as { code?: string }).code !== 'MODULE_NOT_FOUND' ||
          !String((err as Error).message).includes(`'${name}'`)
        )
          throw err;
        firstError ??= err;
      }
    }
    try {
      return api.createRequire(__filename)(name);
    } catch {
      throw firstError ?? new Error(`Cannot find module '${name}'`);
    }
  };
}

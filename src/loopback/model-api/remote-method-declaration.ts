import { ConfigurationError } from '../../errors';
import { isPlainObject } from '../../util/own';
import type { RemoteMethodOptions } from '../../remoting/shared-method';

/**
 * One entry of LB3's `methods` setting (a model JSON, `createModel` settings, a model-config.json
 * entry given to `configureModel`): its key names the method, `prototype.name` for an instance
 * method and a bare name for a static one. The older style says the same with `isStatic`; an
 * `isStatic: true` on a `prototype.` key contradicts the name and is refused, as in LB3.
 * Returns the name `SharedClass.defineMethod` takes and the metadata with `isStatic` set (a copy:
 * the settings object is left as the app wrote it).
 */
export function remoteMethodDeclaration(
  modelName: string,
  key: string,
  meta: unknown,
): [string, RemoteMethodOptions] {
  if (!isPlainObject(meta)) {
    throw new ConfigurationError(
      `Remoting metadata for ${modelName}.${key} must be an object (e.g. {"http": {"verb": "get"}})`,
      'INVALID_REMOTE_METHOD',
    );
  }
  const options = meta as RemoteMethodOptions;
  const instanceName = key.startsWith('prototype.') ? key.slice('prototype.'.length) : undefined;
  if (typeof options.isStatic !== 'boolean') {
    return [key, { ...options, isStatic: instanceName === undefined }];
  }
  if (options.isStatic && instanceName !== undefined) {
    throw new ConfigurationError(
      `Remoting metadata for ${modelName}.${key} "isStatic" does not match new method name-based style.`,
      'INVALID_REMOTE_METHOD',
    );
  }
  return [options.isStatic ? key : `prototype.${instanceName ?? key}`, { ...options }];
}

/** Every entry of a `methods` setting, checked; nothing for none (or slc's empty array). */
export function remoteMethodDeclarations(
  modelName: string,
  methods: unknown,
): Array<[string, RemoteMethodOptions]> {
  if (methods === undefined || methods === null || (Array.isArray(methods) && methods.length === 0))
    return [];
  if (!isPlainObject(methods)) {
    throw new ConfigurationError(
      `The "methods" setting of ${modelName} must be an object of method names to remoting metadata`,
      'INVALID_REMOTE_METHOD',
    );
  }
  return Object.entries(methods as Record<string, unknown>).map(([key, meta]) =>
    remoteMethodDeclaration(modelName, key, meta),
  );
}

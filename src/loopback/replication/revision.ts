import { createHash } from 'crypto';

/**
 * Revisions of model data: a hash of a canonical text of the instance, so the same data gives the
 * same revision whatever the key order, the store it was read from, or the process that read it.
 */

/**
 * The canonical text: object keys sorted, Dates as ISO strings, nested instances by their data.
 * Object properties holding null or undefined are left out, so a row read back from an SQL store
 * (every column present, null where unset) and the same data from the memory store (unset keys
 * absent) get one revision; array positions keep their nulls.
 */
export function canonicalText(value: unknown): string {
  return write(plain(value));
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const obj = value as {
      __data?: unknown;
      toObject?: (onlySchema?: boolean, removeHidden?: boolean) => unknown;
      toJSON?: () => unknown;
    };
    if (obj.__data !== undefined && typeof obj.toObject === 'function')
      return plain(obj.toObject(false, false));
    if (
      Object.getPrototypeOf(value) !== Object.prototype &&
      Object.getPrototypeOf(value) !== null &&
      typeof obj.toJSON === 'function'
    ) {
      return plain(obj.toJSON());
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === null || v === undefined || typeof v === 'function') continue;
      out[key] = plain(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

function write(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map(write).join(',') + ']';
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return (
      '{' +
      Object.keys(obj)
        .map((k) => JSON.stringify(k) + ':' + write(obj[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(value) ?? 'null';
}

/** A hex digest of `text` with the named algorithm (LB3's Change `hashAlgorithm` setting, sha1 by default). */
export function hashText(text: string, algorithm = 'sha1'): string {
  return createHash(algorithm).update(text).digest('hex');
}

import { LooplineError, type ErrorCodeWithStatus } from '../errors';
import { FORBIDDEN_KEYS, isPlainObject } from '../util/own';
import type { AcceptArg } from './shared-method';

/**
 * Argument conversion and coercion, LB3 3.0's rules: when unsure, 400 — never a silent wrong
 * value. Values from string sources (path, query, header, form) are read "sloppily" (numeric
 * strings become numbers); values from a JSON body must already have the right type.
 *
 * A coercer is compiled once per argument, when the route table is built.
 */

export class BadArgumentError extends LooplineError {
  /** The message is LB3's own; which argument failed travels in `details.argument`. */
  constructor(message: string, arg: string, code: ErrorCodeWithStatus<400> = 'INVALID_ARGUMENT') {
    super(code, message, { argument: arg });
  }
}

/** How deep an object argument (a body, a filter) may nest unless `remoting.rest.maxDepth` says otherwise. */
export const DEFAULT_MAX_DEPTH = 32;

export interface CoerceOptions {
  /** Deepest nesting of objects and arrays in an object or `any` argument. */
  maxDepth?: number;
}

export type Coercer = (value: unknown, fromString: boolean) => unknown;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function fail(arg: string, message: string): never {
  throw new BadArgumentError(message, arg);
}

/** The type name an accepts entry declares, lower-cased; model names count as objects. */
export function typeOf(accept: AcceptArg): string | [string] {
  const t = accept.type;
  if (Array.isArray(t)) return [typeof t[0] === 'string' ? t[0].toLowerCase() : 'any'];
  if (typeof t !== 'string') return t && typeof t === 'object' ? 'object' : 'any';
  const lower = t.toLowerCase();
  if (
    [
      'number',
      'integer',
      'boolean',
      'string',
      'date',
      'object',
      'array',
      'any',
      'buffer',
      'geopoint',
    ].includes(lower)
  )
    return lower;
  return 'object';
}

function parseJson(arg: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail(arg, 'Value is not valid JSON');
  }
}

function scalar(type: string, arg: string, maxDepth: number): Coercer {
  switch (type) {
    case 'number':
    case 'integer':
      return (v, fromString) => {
        let n: number;
        if (typeof v === 'number') n = v;
        // LB3 takes whatever unary plus takes (decimal, exponent, 0x/0o/0b); a blank string is
        // not a number here, where unary plus would quietly make it 0.
        else if (fromString && typeof v === 'string' && v.trim() !== '') n = +v;
        else return fail(arg, 'Value is not a number.');
        if (!Number.isFinite(n)) fail(arg, 'Value is not a number.');
        if (type === 'integer' && (!Number.isInteger(n) || Math.abs(n) > MAX_SAFE))
          fail(arg, 'Value is not a safe integer.');
        return n;
      };
    case 'boolean':
      return (v, fromString) => {
        if (typeof v === 'boolean') return v;
        if (fromString && typeof v === 'string') {
          const s = v.toLowerCase();
          if (s === 'true' || s === '1') return true;
          if (s === 'false' || s === '0') return false;
        }
        return fail(arg, 'Value is not a boolean.');
      };
    case 'string':
      // A JSON number is not a string (LB3 3.0 does not coerce typed values).
      return (v) => (typeof v === 'string' ? v : fail(arg, 'Value is not a string.'));
    case 'date':
      return (v, fromString) => {
        let d: Date;
        if (v instanceof Date) d = v;
        else if (typeof v === 'number') d = new Date(v);
        else if (typeof v === 'string')
          d = fromString && /^-?\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
        else return fail(arg, 'Value is not a valid date.');
        // An unparsable date stays an invalid Date here: as in LB3, it is refused when the method is
        // invoked (after the before-remote hooks, which may replace it), naming the argument.
        return d;
      };
    case 'object':
    case 'geopoint':
      return (v, fromString) => {
        let o = v;
        if (fromString && typeof v === 'string') {
          try {
            o = JSON.parse(v);
          } catch {
            return fail(arg, 'Value is not an object.');
          }
        }
        if (o === null) return null;
        if (!isPlainObject(o)) return fail(arg, 'Value is not an object.');
        assertNoForbiddenKeys(arg, o, maxDepth);
        return o;
      };
    case 'buffer':
      return (v) => {
        if (typeof v === 'string') return Buffer.from(v, 'base64');
        return fail(arg, 'Value is not a base64 string.');
      };
    default:
      return anyCoercer(arg, maxDepth);
  }
}

/** `any` keeps strings unless they are plainly a safe number, a boolean or JSON. */
function anyCoercer(arg: string, maxDepth: number): Coercer {
  return (v, fromString) => {
    if (!fromString || typeof v !== 'string') {
      if (v !== null && typeof v === 'object') assertNoForbiddenKeys(arg, v, maxDepth);
      return v;
    }
    if (/^-?\d+(\.\d+)?$/.test(v)) {
      const n = Number(v);
      // LB3 3.0: numbers too large to be exact stay strings, so no precision is lost.
      return Number.isSafeInteger(n) || (!Number.isInteger(n) && Number.isFinite(n)) ? n : v;
    }
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if ((v.startsWith('{') && v.endsWith('}')) || (v.startsWith('[') && v.endsWith(']'))) {
      try {
        const parsed = JSON.parse(v);
        assertNoForbiddenKeys(arg, parsed, maxDepth);
        return parsed;
      } catch (err) {
        if (err instanceof BadArgumentError) throw err;
        return v;
      }
    }
    return v;
  };
}

/**
 * Walks an object argument once: refuses `__proto__`/`constructor`/`prototype` keys (which
 * JSON.parse keeps as own keys and a later merge could turn into prototype pollution) and nesting
 * past `budget` levels (so no later pass recurses without bound).
 */
function assertNoForbiddenKeys(arg: string, value: unknown, budget: number): void {
  if (value === null || typeof value !== 'object') return;
  if (budget < 0)
    throw new BadArgumentError(
      'Value is nested too deeply (see remoting.rest.maxDepth)',
      arg,
      'NESTED_TOO_DEEPLY',
    );
  if (Array.isArray(value)) {
    for (const item of value) assertNoForbiddenKeys(arg, item, budget - 1);
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key))
      throw new BadArgumentError(`Value may not contain the key "${key}"`, arg, 'FORBIDDEN_KEY');
    assertNoForbiddenKeys(arg, (value as Record<string, unknown>)[key], budget - 1);
  }
}

function arrayCoercer(itemType: string, arg: string, allowSingle: boolean, maxDepth: number): Coercer {
  const item = scalar(itemType, arg, maxDepth);
  return (v, fromString) => {
    let list = v;
    if (fromString && typeof v === 'string') {
      if (v.startsWith('[')) list = parseJson(arg, v);
      else list = [v];
    }
    if (list === null) return null;
    if (!Array.isArray(list)) {
      if (allowSingle && !fromString) return item(list, fromString);
      return fail(arg, 'Value is not an array.');
    }
    // JSON array items are not coerced: they must already have the declared type.
    return list.map((x) =>
      x === null ? fail(arg, 'Array items may not be null.') : item(x, fromString && typeof x === 'string'),
    );
  };
}

/** LB3's refusal of a null for each scalar type. */
const NOT_A: Record<string, string> = {
  number: 'Value is not a number.',
  integer: 'Value is not a number.',
  boolean: 'Value is not a boolean.',
  string: 'Value is not a string.',
  date: 'Value is not a valid date.',
};

/** Compiles the coercer for one accepts entry. */
export function compileCoercer(accept: AcceptArg, options: CoerceOptions = {}): Coercer {
  const t = typeOf(accept);
  const arg = accept.arg;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const core: Coercer = Array.isArray(t)
    ? arrayCoercer(t[0], arg, false, maxDepth)
    : t === 'array'
      ? arrayCoercer('any', arg, false, maxDepth)
      : scalar(t, arg, maxDepth);
  const nullable = Array.isArray(t) || t === 'array' || t === 'object' || t === 'any' || t === 'geopoint';
  const allowArray = accept.allowArray === true;
  return (value, fromString) => {
    if (value === undefined) return undefined;
    if (value === '' && fromString) return undefined;
    if (value === null || (fromString && value === 'null' && nullable)) {
      if (nullable) return null;
      return fail(arg, NOT_A[t as string] ?? 'Value may not be null.');
    }
    if (allowArray && Array.isArray(value)) return value.map((v) => core(v, fromString));
    if (!allowArray && Array.isArray(value) && (t === 'object' || t === 'geopoint')) {
      return fail(arg, 'Value is not an object.');
    }
    return core(value, fromString);
  };
}

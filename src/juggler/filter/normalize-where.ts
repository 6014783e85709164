import { InvalidFilterError } from '../../errors';
import { FORBIDDEN_KEYS, isPlainObject, isValueObject } from '../../util/own';
import { GeoPoint, isDistanceUnit } from '../geo-point';
import type { ModelDefinition, PropertyDefinition } from '../model-definition';
import { INVALID, NumberType, TypeDescriptor } from '../types';
import { FilterLimits, ResolvedLimits, resolveLimits } from './limits';
import { isStructured, resolvePath } from './property-path';
import { toSafeRegExp } from './regexp';
import { assertSafeKeys } from './safe-keys';
import type { WhereClause } from './types';

export const OPERATORS: ReadonlySet<string> = new Set([
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'inq',
  'nin',
  'like',
  'nlike',
  'ilike',
  'nilike',
  'regexp',
  'exists',
  'near',
  'maxDistance',
  'minDistance',
  'unit',
  'options',
]);

const OPERATOR_LIST = Array.from(OPERATORS).join(', ');

/**
 * Validates a where clause against a model and returns a new, frozen one whose values are coerced
 * to the property types (`'42'` → 42 on a number, ISO strings → Date on a date, `"/x/i"` → RegExp,
 * an array → `{inq: [...]}`). Anything it cannot honour is a 400 INVALID_FILTER naming the key.
 * A where clause may also arrive as JSON text.
 */
export function normalizeWhere(
  where: unknown,
  model: ModelDefinition,
  limits?: FilterLimits,
): WhereClause | undefined {
  if (where === undefined || where === null || where === '') return undefined;
  if (typeof where === 'string') {
    try {
      where = JSON.parse(where);
    } catch {
      throw new InvalidFilterError('The where clause is not valid JSON');
    }
  }
  const resolved = resolveLimits(limits);
  assertSafeKeys(where, 'where', 2 * resolved.maxDepth + 2);
  return normalizeWhereResolved(where, model, resolved, 'where');
}

/** For normalizeFilter, which has already resolved the limits and scanned the keys. */
export function normalizeWhereResolved(
  where: unknown,
  model: ModelDefinition,
  limits: ResolvedLimits,
  path: string,
): WhereClause | undefined {
  if (where === undefined || where === null) return undefined;
  const out = whereNode(where, model, limits, path, 1);
  return Object.keys(out).length ? out : undefined;
}

function whereNode(
  where: unknown,
  model: ModelDefinition,
  limits: ResolvedLimits,
  path: string,
  depth: number,
): WhereClause {
  if (!isPlainObject(where))
    throw new InvalidFilterError(`${path} must be an object, not ${describe(where)}`);
  if (depth > limits.maxDepth)
    throw new InvalidFilterError(`${path} is nested deeper than ${limits.maxDepth} levels`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(where)) {
    if (FORBIDDEN_KEYS.has(key)) throw new InvalidFilterError(`${path} may not use the key "${key}"`);
    const value = where[key];
    if (value === undefined) continue;
    const at = `${path}.${key}`;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new InvalidFilterError(`${at} must be an array of where clauses`);
      out[key] = Object.freeze(value.map((w, i) => whereNode(w, model, limits, `${at}[${i}]`, depth + 1)));
      continue;
    }
    const { property, nested } = resolvePath(key, model, limits, path);
    out[key] = condition(value, nested ? undefined : property, limits, at, depth + 1);
  }
  return Object.freeze(out);
}

function condition(
  value: unknown,
  prop: PropertyDefinition | undefined,
  limits: ResolvedLimits,
  at: string,
  depth: number,
): unknown {
  if (value === null) return null;
  if (value instanceof RegExp)
    return Object.freeze({ regexp: toSafeRegExp(value, at, limits.maxRegexpLength) });
  // An array means "any of these" (LB3's SQL connectors read it so; its memory store matched nothing).
  if (Array.isArray(value)) return Object.freeze({ inq: list(value, prop, limits, `${at}.inq`) });
  if (!isPlainObject(value) || isValueObject(value)) return scalar(value, prop, at);
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => !OPERATORS.has(k));
  if (keys.length > 0 && unknown.length === 0) {
    if (depth > limits.maxDepth)
      throw new InvalidFilterError(`${at} is nested deeper than ${limits.maxDepth} levels`);
    return operators(value, prop, limits, at);
  }
  // An object without operators is a value: allowed only where the property holds objects.
  if (unknown.length === keys.length && (!prop || isStructured(prop))) return value;
  if (keys.length === 0)
    throw new InvalidFilterError(`${at} is an empty object; give a value or an operator such as {"eq": …}`);
  throw new InvalidFilterError(
    `${at} uses an unknown operator "${unknown[0] ?? ''}" (known: ${OPERATOR_LIST})`,
  );
}

function operators(
  ops: Record<string, unknown>,
  prop: PropertyDefinition | undefined,
  limits: ResolvedLimits,
  path: string,
): WhereClause {
  const out: Record<string, unknown> = {};
  if (ops.options !== undefined && (typeof ops.options !== 'string' || !/^[gimsuy]*$/.test(ops.options))) {
    throw new InvalidFilterError(
      `${path}.options must be a string of regular expression flags (g, i, m, s, u, y)`,
    );
  }
  const flags = (ops.options as string | undefined) ?? '';
  for (const op of Object.keys(ops)) {
    const v = ops[op];
    const at = `${path}.${op}`;
    switch (op) {
      case 'eq':
      case 'neq':
        out[op] = v === null ? null : scalar(v, prop, at);
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        if (v === null || v === undefined)
          throw new InvalidFilterError(`${at} needs a value to compare with, not ${describe(v)}`);
        out[op] = scalar(v, prop, at);
        break;
      case 'between':
        if (!Array.isArray(v) || v.length !== 2)
          throw new InvalidFilterError(`${at} must be an array of two values [low, high]`);
        if (v[0] === null || v[1] === null) throw new InvalidFilterError(`${at} bounds may not be null`);
        out[op] = Object.freeze([scalar(v[0], prop, `${at}[0]`), scalar(v[1], prop, `${at}[1]`)]);
        break;
      case 'inq':
      case 'nin':
        out[op] = list(v, prop, limits, at);
        break;
      case 'like':
      case 'nlike':
      case 'ilike':
      case 'nilike':
        out[op] = pattern(v, limits, at, flags);
        break;
      case 'regexp':
        out[op] = toSafeRegExp(v, at, limits.maxRegexpLength, flags);
        break;
      case 'exists':
        if (v === true || v === 'true' || v === 1 || v === '1') out[op] = true;
        else if (v === false || v === 'false' || v === 0 || v === '0') out[op] = false;
        else throw new InvalidFilterError(`${at} must be true or false, not ${describe(v)}`);
        break;
      case 'near': {
        if (prop && prop.kind.name !== 'GeoPoint')
          throw new InvalidFilterError(
            `${at}: near needs a GeoPoint property, and this one is a ${prop.kind.name}`,
          );
        const point = GeoPoint.parse(v);
        if (!point)
          throw new InvalidFilterError(`${at} must be a GeoPoint ({lat, lng}, [lat, lng] or "lat,lng")`);
        out[op] = Object.freeze(point);
        break;
      }
      case 'maxDistance':
      case 'minDistance': {
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
          throw new InvalidFilterError(`${at} must be a non-negative number, not ${describe(v)}`);
        out[op] = n;
        break;
      }
      case 'unit':
        if (!isDistanceUnit(v))
          throw new InvalidFilterError(
            `${at} must be one of kilometers, meters, miles, feet, radians, degrees`,
          );
        out[op] = v;
        break;
      case 'options':
        out[op] = flags;
        break;
    }
  }
  if (('maxDistance' in out || 'minDistance' in out || 'unit' in out) && !('near' in out)) {
    throw new InvalidFilterError(`${path}: maxDistance, minDistance and unit need "near"`);
  }
  return Object.freeze(out);
}

/** A like pattern: a string (numbers read as text) or a RegExp, bounded in length. */
function pattern(v: unknown, limits: ResolvedLimits, at: string, flags: string): string | RegExp {
  if (v instanceof RegExp) return toSafeRegExp(v, at, limits.maxRegexpLength, flags);
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new InvalidFilterError(`${at} must be a string pattern, not ${describe(v)}`);
  const s = String(v);
  if (s.length > limits.maxRegexpLength)
    throw new InvalidFilterError(`${at} is longer than ${limits.maxRegexpLength} characters`);
  return s;
}

function list(
  v: unknown,
  prop: PropertyDefinition | undefined,
  limits: ResolvedLimits,
  at: string,
): readonly unknown[] {
  if (!Array.isArray(v)) throw new InvalidFilterError(`${at} must be an array, not ${describe(v)}`);
  if (v.length > limits.maxInq)
    throw new InvalidFilterError(`${at} has ${v.length} values; at most ${limits.maxInq} are allowed`);
  const out = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] === null ? null : scalar(v[i], prop, `${at}[${i}]`);
  return Object.freeze(out);
}

/** A value compared against a property, coerced to the property's (element) type. */
function scalar(value: unknown, prop: PropertyDefinition | undefined, at: string): unknown {
  if (value === null || value === undefined) return value;
  if (!prop) return value;
  const own: TypeDescriptor = prop.kind.itemType ?? prop.kind;
  // An integer property compares with any number (`{"gt": 2.5}`); only its writes must be whole.
  const type = own.integer ? NumberType : own;
  if (type.name === 'Array' || type.name === 'Object' || type.name === 'Any' || type.model) return value;
  if (
    typeof value === 'object' &&
    !(value instanceof Date) &&
    !isValueObject(value) &&
    type.name !== 'GeoPoint' &&
    type.name !== 'Buffer'
  ) {
    throw new InvalidFilterError(
      `${at} must be a single ${type.name.toLowerCase()} value, not ${describe(value)}`,
    );
  }
  const coerced = type.coerce(value);
  if (coerced === INVALID) {
    throw new InvalidFilterError(
      `${at}: ${describe(value)} is not a valid ${type.name.toLowerCase()} for the property "${prop.name}"`,
    );
  }
  return coerced;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return isNaN(v.getTime()) ? 'an invalid date' : v.toISOString();
  if (typeof v === 'object' && v !== null) return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? text.slice(0, 37) + '...' : text;
}

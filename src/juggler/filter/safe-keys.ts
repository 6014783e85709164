import { InvalidFilterError } from '../../errors';
import { FORBIDDEN_KEYS, isPlainObject } from '../../util/own';

/**
 * One pass over the whole raw filter before anything reads it: refuses `__proto__`,
 * `constructor` and `prototype` as keys at any depth (include scopes too, which are parsed only
 * later against another model), and refuses nesting deeper than the limit, so a cyclic or absurdly
 * deep object cannot make the later passes recurse without bound.
 *
 * `depthBudget` counts objects and arrays; and/or arrays plus their clauses use two levels per
 * logical level, hence the caller passes twice the logical limit plus slack.
 */
export function assertSafeKeys(value: unknown, path: string, depthBudget: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depthBudget <= 0) throw new InvalidFilterError(`${path} is nested too deeply`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) assertSafeKeys(value[i], `${path}[${i}]`, depthBudget - 1);
    return;
  }
  // Dates, RegExps, GeoPoints and other class instances given by server code carry no user keys.
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new InvalidFilterError(`${path} may not use the key "${key}"`);
    assertSafeKeys(value[key], `${path}.${key}`, depthBudget - 1);
  }
}

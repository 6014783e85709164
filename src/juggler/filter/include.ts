import { InvalidFilterError } from '../../errors';
import { isPlainObject } from '../../util/own';
import type { ResolvedLimits } from './limits';
import type { IncludeSpec } from './types';

/**
 * `include` in all its LB3 forms — `'a'`, `['a', 'b']`, `{a: 'b'}`, `{a: ['b', {c: 'd'}]}`,
 * `{relation: 'a', scope: {...}}` — as a flat list of {relation, scope}; what to include below a
 * relation goes in `scope.include`. Relation names are checked when the relation runs, against the
 * model that owns it; here only the shape is.
 */
export function normalizeInclude(
  include: unknown,
  limits: ResolvedLimits,
  path = 'include',
  depth = 1,
): IncludeSpec[] | undefined {
  if (include === undefined || include === null || include === '') return undefined;
  if (depth > limits.maxDepth)
    throw new InvalidFilterError(`${path} is nested deeper than ${limits.maxDepth} levels`);
  if (typeof include === 'string') return [Object.freeze({ relation: include })];
  if (Array.isArray(include))
    return include.flatMap((item, i) => normalizeInclude(item, limits, `${path}[${i}]`, depth) ?? []);
  if (!isPlainObject(include))
    throw new InvalidFilterError(`${path} must be a relation name, an array or an object`);
  if (typeof include.relation === 'string') {
    const scope = include.scope;
    if (scope !== undefined && scope !== null && !isPlainObject(scope))
      throw new InvalidFilterError(`${path}.scope must be a filter object`);
    if (scope?.include !== undefined)
      normalizeInclude(scope.include, limits, `${path}.scope.include`, depth + 1);
    return [Object.freeze(scope ? { relation: include.relation, scope } : { relation: include.relation })];
  }
  if ('relation' in include) throw new InvalidFilterError(`${path}.relation must be a relation name`);
  const out: IncludeSpec[] = [];
  for (const [relation, nested] of Object.entries(include)) {
    if (nested === true || nested === undefined || nested === null || nested === '') {
      out.push(Object.freeze({ relation }));
      continue;
    }
    // Validate the nested shape now, so a bad include fails before any query runs.
    normalizeInclude(nested, limits, `${path}.${relation}`, depth + 1);
    out.push(Object.freeze({ relation, scope: { include: nested } }));
  }
  return out;
}

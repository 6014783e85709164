import { InvalidFilterError } from '../../errors';
import { isPlainObject } from '../../util/own';
import type { ModelDefinition } from '../model-definition';
import { normalizeFields } from './fields';
import { normalizeInclude } from './include';
import { FilterLimits, ResolvedLimits, resolveLimits } from './limits';
import { normalizeWhereResolved } from './normalize-where';
import { normalizeOrder } from './order';
import { assertSafeKeys } from './safe-keys';
import type { NormalizedFilter } from './types';

export { normalizeWhere } from './normalize-where';

/**
 * The one parser of the filter language: validates a filter against a model and returns the
 * frozen form every connector executes. A filter may arrive as an object or as JSON text (what a
 * REST client sends). Keys LB3 does not know are ignored, as LB3 does.
 */
export function normalizeFilter(
  filter: unknown,
  model: ModelDefinition,
  options?: FilterLimits,
): NormalizedFilter {
  if (filter === undefined || filter === null || filter === '') return EMPTY;
  if (typeof filter === 'string') {
    try {
      filter = JSON.parse(filter);
    } catch (err) {
      throw new InvalidFilterError(`The filter is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isPlainObject(filter))
    throw new InvalidFilterError('The filter must be an object, like {"where": {...}, "limit": 10}');
  const limits = resolveLimits(options);
  // where nests two levels (array + clause) per logical level; include and scope add a few more.
  assertSafeKeys(filter, 'filter', 2 * limits.maxDepth + 4);

  const out: { -readonly [K in keyof NormalizedFilter]: NormalizedFilter[K] } = {};
  const where = normalizeWhereResolved(filter.where, model, limits, 'where');
  if (where) out.where = where;
  const fields = normalizeFields(filter.fields, model, limits);
  if (fields) out.fields = fields;
  const order = normalizeOrder(filter.order, model, limits);
  if (order) out.order = order;
  const limit = normalizeLimit(filter.limit, limits);
  if (limit !== undefined) out.limit = limit;
  // LB3 names both in its message; `skip` wins when both are given.
  const skip = normalizeCount(filter.skip ?? filter.offset, 'offset/skip');
  if (skip) out.skip = skip;
  const include = normalizeInclude(filter.include, limits);
  if (include && include.length) out.include = Object.freeze(include);
  return Object.freeze(out);
}

const EMPTY: NormalizedFilter = Object.freeze({});

/** `limit: 0` means no limit, as in LB3 (observed: find({limit: 0}) returns every row). */
function normalizeLimit(value: unknown, limits: ResolvedLimits): number | undefined {
  const limit = normalizeCount(value, 'limit');
  if (limit === undefined || limit === 0) return limits.maxLimit;
  if (limits.maxLimit !== undefined && limit > limits.maxLimit) {
    throw new InvalidFilterError(
      `The limit parameter ${limit} is not valid: at most ${limits.maxLimit} rows may be asked for`,
    );
  }
  return limit;
}

/** limit and skip: non-negative integers, numeric strings accepted; LB3's message otherwise. */
function normalizeCount(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new InvalidFilterError(
      `The ${name} parameter ${JSON.stringify(value) ?? String(value)} is not valid`,
    );
  }
  return n;
}

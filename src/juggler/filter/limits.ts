/**
 * Bounds on what one filter may ask for. Every one is configurable per data source
 * (`filterLimits` in its settings); the defaults are generous for server code and still stop a
 * hostile REST filter from costing more than a bounded amount of work.
 */
export interface FilterLimits {
  /** Deepest nesting of and/or/operator objects (and of include scopes). */
  maxDepth?: number;
  /** Longest `inq`/`nin` list. */
  maxInq?: number;
  /** Largest `limit`; a filter without a limit gets this one. Undefined means no cap. */
  maxLimit?: number;
  /** Longest `regexp`/`like` pattern, in characters. */
  maxRegexpLength?: number;
  /** Refuse hidden properties in where/order/fields (set for filters arriving over REST). */
  rejectHidden?: boolean;
  /** Refuse properties the model does not define (set for REST filters on strict models). */
  rejectUnknown?: boolean;
}

export interface ResolvedLimits {
  readonly maxDepth: number;
  readonly maxInq: number;
  readonly maxLimit: number | undefined;
  readonly maxRegexpLength: number;
  readonly rejectHidden: boolean;
  readonly rejectUnknown: boolean;
}

export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxDepth: 12,
  maxInq: 10000,
  maxLimit: undefined,
  maxRegexpLength: 1000,
  rejectHidden: false,
  rejectUnknown: false,
});

/** The limits with defaults filled in; `undefined` entries do not override a default. */
export function resolveLimits(limits?: FilterLimits): ResolvedLimits {
  if (!limits) return DEFAULT_LIMITS;
  return {
    maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxInq: limits.maxInq ?? DEFAULT_LIMITS.maxInq,
    maxLimit: limits.maxLimit ?? DEFAULT_LIMITS.maxLimit,
    maxRegexpLength: limits.maxRegexpLength ?? DEFAULT_LIMITS.maxRegexpLength,
    rejectHidden: limits.rejectHidden ?? DEFAULT_LIMITS.rejectHidden,
    rejectUnknown: limits.rejectUnknown ?? DEFAULT_LIMITS.rejectUnknown,
  };
}

import { InvalidFilterError } from '../../../errors';
import { compileWhere } from '../../filter/where-matcher';
import { OPERATORS } from '../../filter/normalize-where';
import type { WhereClause } from '../../filter/types';
import type { ModelDefinition } from '../../model-definition';

/** A where clause rewritten for an LB3 connector, or `true` (matches every row) / `false` (matches none). */
export type Lb3Where = WhereClause | boolean;

/** Keys of an operator object that qualify another operator rather than test a value. */
const MODIFIERS = new Set(['options', 'maxDistance', 'minDistance', 'unit']);

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date || v instanceof RegExp)
    return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => OPERATORS.has(k));
}

const or = (parts: WhereClause[]): Lb3Where => (parts.length === 1 ? parts[0] : { or: parts });
const and = (parts: WhereClause[]): Lb3Where => (parts.length === 1 ? parts[0] : { and: parts });

/**
 * One property's condition in the shape LB3's connectors read right, with loopline's meaning:
 * - one operator per condition (LB3's SQL connectors read only the first key of `{gte, lte}`);
 * - `neq v` and `nin` match a null or missing value too, and `inq`/`nin` with null in the list
 *   test for null apart (SQL's `x <> 5` and `x NOT IN (…, NULL)` are never true on null);
 * - `eq` is written as the plain value, `exists` as a test for null: the forms every LB3 connector knows;
 * - `nlike`/`nilike` match a null value too, as `neq` does.
 */
function conditionFor(key: string, cond: unknown): Lb3Where {
  if (!isOperatorObject(cond)) return { [key]: cond };
  const modifiers: Record<string, unknown> = {};
  for (const m of Object.keys(cond)) if (MODIFIERS.has(m)) modifiers[m] = cond[m];
  const parts: Lb3Where[] = [];
  for (const op of Object.keys(cond)) {
    if (MODIFIERS.has(op)) continue;
    const value = cond[op];
    if (op === 'eq') parts.push({ [key]: value });
    else if (op === 'exists') parts.push(value ? { [key]: { neq: null } } : { [key]: null });
    else if (op === 'nlike' || op === 'nilike')
      parts.push(or([{ [key]: { [op]: value, ...modifiers } }, { [key]: null }]));
    else if (op === 'neq')
      parts.push(
        value === null ? { [key]: { neq: null } } : or([{ [key]: { neq: value } }, { [key]: null }]),
      );
    else if (op === 'inq' || op === 'nin') parts.push(listCondition(key, op, value as unknown[]));
    else parts.push({ [key]: { [op]: value, ...modifiers } });
  }
  if (parts.includes(false)) return false;
  const kept = parts.filter((p): p is WhereClause => p !== true);
  return kept.length ? and(kept) : true;
}

function listCondition(key: string, op: 'inq' | 'nin', values: unknown[]): Lb3Where {
  const hasNull = values.some((v) => v === null || v === undefined);
  const nonNull = values.filter((v) => v !== null && v !== undefined);
  if (op === 'inq') {
    const parts: WhereClause[] = [];
    if (nonNull.length) parts.push({ [key]: { inq: nonNull } });
    if (hasNull) parts.push({ [key]: null });
    return parts.length ? or(parts) : false;
  }
  if (!nonNull.length) return hasNull ? { [key]: { neq: null } } : true;
  return hasNull
    ? and([{ [key]: { nin: nonNull } }, { [key]: { neq: null } }])
    : or([{ [key]: { nin: nonNull } }, { [key]: null }]);
}

function isKnown(model: ModelDefinition, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(model.properties, key.split('.')[0]);
}

/**
 * A normalised where clause as an LB3 connector should get it. `nestedPaths: false` (a SQL
 * connector) refuses a dotted path into a document with 400 rather than let it match every row. A condition on a property the
 * model does not define is decided here (a row has no such property): LB3's SQL connectors skip
 * it, which would turn `destroyAll({typo: 1})` into "delete every row".
 */
export function lb3Where(
  model: ModelDefinition,
  where: WhereClause | undefined,
  nestedPaths = true,
): Lb3Where {
  if (!where) return true;
  const parts: WhereClause[] = [];
  for (const [key, cond] of Object.entries(where)) {
    let part: Lb3Where;
    if (key === 'and' || key === 'or') {
      const subs = (cond as WhereClause[]).map((w) => lb3Where(model, w, nestedPaths));
      if (key === 'and') {
        if (subs.includes(false)) return false;
        const kept = subs.filter((s): s is WhereClause => s !== true);
        part = kept.length ? and(kept) : true;
      } else {
        const kept = subs.filter((s): s is WhereClause => s !== false);
        part = subs.includes(true) ? true : kept.length ? or(kept) : false;
      }
    } else if (isKnown(model, key)) {
      if (!nestedPaths && key.includes('.')) {
        // LB3's SQL connectors skip (MySQL) or fail on (PostgreSQL's text columns) a path into a document.
        throw new InvalidFilterError(
          `The ${model.name} model's store cannot query inside a document ("${key}"): its LB3 connector keeps documents as text`,
        );
      }
      part = conditionFor(key, cond);
    } else {
      part = compileWhere({ [key]: cond })({});
    }
    if (part === false) return false;
    if (part !== true) parts.push(part);
  }
  return parts.length ? and(parts) : true;
}

/** The clause to send: `{}` for one that matches every row. */
export function whereToSend(where: Exclude<Lb3Where, false>): WhereClause {
  return where === true ? {} : where;
}

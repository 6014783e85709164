import type { ModelDefinition } from '../../model-definition';
import type { NormalizedFilter, WhereClause } from '../../filter/types';
import { isJsonProperty } from './column-types';

/**
 * The shape of a filter: what its SQL text depends on, without the values. Two requests of one
 * endpoint differ in values only, so their statement text is built once and found again by shape.
 *
 * Only filters whose every value travels to its parameter unchanged have a shape here: defined,
 * non-JSON properties compared by equality, ordering, between and in-lists with non-null scalar
 * values, nested in and/or. Anything else (null, like, regexp, dotted paths, documents) is built
 * each time. The values come out in the order the builder binds them, which the cache checks
 * against the builder when it first stores a text (statement-cache.ts).
 */
export interface FilterShape {
  key: string;
  values: unknown[];
}

const SHAPED_OPERATORS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'inq', 'nin']);

export function filterShape(
  def: ModelDefinition,
  filter: Pick<NormalizedFilter, 'where' | 'fields' | 'order' | 'limit' | 'skip'>,
): FilterShape | undefined {
  const values: unknown[] = [];
  let key = '';
  if (filter.where) {
    const w = whereKey(def, filter.where, values);
    if (w === undefined) return undefined;
    key = w;
  }
  if (filter.fields) key += '|f' + filter.fields.join(',');
  if (filter.order) {
    // A dotted order path binds a parameter of its own: not a shape.
    if (filter.order.some((o) => o.property.includes('.'))) return undefined;
    key += '|o' + filter.order.map((o) => o.property + ' ' + o.direction).join(',');
  }
  key += (filter.limit !== undefined ? '|l' : '') + (filter.skip ? '|s' : '');
  return { key, values };
}

function whereKey(def: ModelDefinition, where: WhereClause, values: unknown[]): string | undefined {
  let key = '{';
  for (const name of Object.keys(where)) {
    const cond = where[name];
    if (name === 'and' || name === 'or') {
      const subs = cond as WhereClause[];
      key += name + '[';
      for (const sub of subs) {
        const k = whereKey(def, sub, values);
        if (k === undefined) return undefined;
        key += k;
      }
      key += ']';
      continue;
    }
    const prop = Object.prototype.hasOwnProperty.call(def.properties, name)
      ? def.properties[name]
      : undefined;
    if (!prop || isJsonProperty(prop)) return undefined;
    if (isScalar(cond)) {
      values.push(cond);
      key += name + '=;';
      continue;
    }
    if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return undefined;
    key += name + '(';
    for (const op of Object.keys(cond)) {
      if (!SHAPED_OPERATORS.has(op)) return undefined;
      const v = (cond as Record<string, unknown>)[op];
      if (op === 'between' || op === 'inq' || op === 'nin') {
        if (!Array.isArray(v) || !v.every(isScalar)) return undefined;
        if (op === 'between' && v.length !== 2) return undefined;
        values.push(...v);
        key += op + v.length + ';';
      } else {
        if (!isScalar(v)) return undefined;
        values.push(v);
        key += op + ';';
      }
    }
    key += ')';
  }
  return key + '}';
}

function isScalar(v: unknown): boolean {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || v instanceof Date;
}

/** Statement texts by model and shape; bounded per model (shapes beyond the bound are built each time). */
export class StatementCache {
  private readonly byModel = new WeakMap<ModelDefinition, Map<string, string>>();

  constructor(private readonly maxPerModel = 256) {}

  get(def: ModelDefinition, key: string): string | undefined {
    return this.byModel.get(def)?.get(key);
  }

  set(def: ModelDefinition, key: string, sql: string): void {
    let texts = this.byModel.get(def);
    if (!texts) this.byModel.set(def, (texts = new Map()));
    if (texts.size < this.maxPerModel) texts.set(key, sql);
  }
}

/** The same values, in the same order, compared by identity (what a cached text will be bound to). */
export function sameParams(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

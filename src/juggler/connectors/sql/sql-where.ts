import { InvalidFilterError } from '../../../errors';
import type { ModelDefinition } from '../../model-definition';
import type { OrderKey, WhereClause } from '../../filter/types';
import { Dialect, isJsonProperty } from './dialect';

/**
 * The filter language compiled to SQL. Every value travels as a parameter; every identifier comes
 * from the model definition and is quoted by the dialect. The where clause arrives validated and
 * coerced by normalizeWhere, so operators are known and values have the property's type.
 */
export class SqlBuilder {
  readonly params: unknown[] = [];

  constructor(
    private readonly dialect: Dialect,
    private readonly def: ModelDefinition,
  ) {}

  param(value: unknown): string {
    this.params.push(value);
    return this.dialect.placeholder(this.params.length);
  }

  column(property: string): string {
    if (!this.def.properties[property]) throw new InvalidFilterError(`${this.def.name} has no property "${property}"`);
    return this.dialect.quote(this.dialect.columnName(this.def, property));
  }

  where(where: WhereClause | undefined): string {
    if (!where) return '';
    const sql = this.clause(where);
    return sql ? ` WHERE ${sql}` : '';
  }

  private clause(where: WhereClause): string {
    const parts: string[] = [];
    for (const key of Object.keys(where)) {
      const value = where[key];
      if (key === 'and' || key === 'or') {
        const subs = (value as WhereClause[]).map((w) => this.clause(w)).filter(Boolean);
        if (subs.length) parts.push(`(${subs.map((s) => `(${s})`).join(key === 'and' ? ' AND ' : ' OR ')})`);
        else if (key === 'or') parts.push('1=0');
        continue;
      }
      parts.push(this.condition(key, value));
    }
    return parts.join(' AND ');
  }

  /** The SQL expression for a property or a dotted path into a JSON property. */
  private target(key: string): { sql: string; json: boolean } {
    const dot = key.indexOf('.');
    if (dot < 0) {
      const prop = this.def.properties[key];
      return { sql: this.column(key), json: !!prop && isJsonProperty(prop) };
    }
    const top = key.slice(0, dot);
    const path = key.slice(dot + 1).split('.');
    const pathParam = this.param(this.dialect.jsonPathValue(path));
    return { sql: this.dialect.jsonText(this.column(top), pathParam), json: true };
  }

  private value(v: unknown, json: boolean, nested: boolean): string {
    // A dotted path yields text, so its comparands are text too.
    if (nested) return this.param(v === null ? null : v instanceof Date ? v.toISOString() : String(v));
    return this.param(json && v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
  }

  /** A property the model does not define: server code may name one (LB3 matched nothing). */
  private unknown(key: string): boolean {
    const dot = key.indexOf('.');
    return !this.def.properties[dot < 0 ? key : key.slice(0, dot)];
  }

  private condition(key: string, cond: unknown): string {
    // Never an identifier the model does not define: such a condition simply matches nothing.
    if (this.unknown(key)) return '1=0';
    const nested = key.includes('.');
    const { sql: col, json } = this.target(key);
    if (cond === null) return `${col} IS NULL`;
    if (typeof cond !== 'object' || cond instanceof Date) return `${col} = ${this.value(cond, json, nested)}`;
    if (cond instanceof RegExp) return this.regexp(col, cond, false);
    const ops = cond as Record<string, unknown>;
    if (!Object.keys(ops).some((k) => k !== 'options')) return `${col} = ${this.value(cond, json, nested)}`;
    const parts: string[] = [];
    for (const op of Object.keys(ops)) {
      const v = ops[op];
      switch (op) {
        case 'eq':
          parts.push(v === null ? `${col} IS NULL` : `${col} = ${this.value(v, json, nested)}`);
          break;
        case 'neq':
          // As the memory store: rows without the value differ from it too.
          parts.push(v === null ? `${col} IS NOT NULL` : `(${col} IS NULL OR ${col} <> ${this.value(v, json, nested)})`);
          break;
        case 'gt':
          parts.push(`${col} > ${this.value(v, json, nested)}`);
          break;
        case 'gte':
          parts.push(`${col} >= ${this.value(v, json, nested)}`);
          break;
        case 'lt':
          parts.push(`${col} < ${this.value(v, json, nested)}`);
          break;
        case 'lte':
          parts.push(`${col} <= ${this.value(v, json, nested)}`);
          break;
        case 'between': {
          const [lo, hi] = v as unknown[];
          parts.push(`${col} BETWEEN ${this.value(lo, json, nested)} AND ${this.value(hi, json, nested)}`);
          break;
        }
        case 'inq':
        case 'nin':
          parts.push(this.list(col, v as unknown[], op === 'nin', json, nested));
          break;
        case 'like':
        case 'nlike':
        case 'ilike':
        case 'nilike': {
          const negate = op.startsWith('n');
          const insensitive = op.endsWith('ilike');
          let sql: string;
          if (v instanceof RegExp) {
            const r = this.regexp(col, v, insensitive);
            sql = negate ? `NOT (${r})` : r;
          } else {
            const p = this.param(String(v));
            sql = insensitive ? this.dialect.ilike(col, p, negate) : `${col} ${negate ? 'NOT LIKE' : 'LIKE'} ${p}`;
          }
          // As the memory store (and neq): a row without the value does not match the pattern.
          parts.push(negate ? `(${col} IS NULL OR ${sql})` : sql);
          break;
        }
        case 'regexp':
          parts.push(this.regexp(col, v as RegExp, false));
          break;
        case 'exists':
          parts.push(v ? `${col} IS NOT NULL` : `${col} IS NULL`);
          break;
        case 'near':
        case 'maxDistance':
        case 'minDistance':
        case 'unit':
          throw new InvalidFilterError(`${key}: "near" queries are not supported by the ${this.dialect.name} connector`);
        case 'options':
          break;
      }
    }
    return parts.length > 1 ? parts.map((p) => `(${p})`).join(' AND ') : (parts[0] ?? '1=1');
  }

  private list(col: string, values: unknown[], negate: boolean, json: boolean, nested: boolean): string {
    const present = values.filter((v) => v !== null && v !== undefined);
    const hasNull = present.length !== values.length;
    if (!negate) {
      const parts: string[] = [];
      if (present.length) parts.push(`${col} IN (${present.map((v) => this.value(v, json, nested)).join(', ')})`);
      if (hasNull) parts.push(`${col} IS NULL`);
      return parts.length ? (parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0]) : '1=0';
    }
    if (!present.length) return hasNull ? `${col} IS NOT NULL` : '1=1';
    const notIn = `${col} NOT IN (${present.map((v) => this.value(v, json, nested)).join(', ')})`;
    return hasNull ? notIn : `(${col} IS NULL OR ${notIn})`;
  }

  private regexp(col: string, re: RegExp, forceInsensitive: boolean): string {
    const insensitive = forceInsensitive || re.flags.includes('i');
    const r = this.dialect.regexp(col, '$PATTERN$', insensitive);
    const p = this.param(r.pattern(re.source));
    return r.sql.replace('$PATTERN$', p);
  }

  orderBy(order: readonly OrderKey[] | undefined): string {
    if (!order || !order.length) return '';
    const parts = order
      .filter((o) => !this.unknown(o.property))
      .map((o) => {
        const { sql } = this.target(o.property);
        return `${sql} ${o.direction === 'DESC' ? 'DESC' : 'ASC'}`;
      });
    return parts.length ? ` ORDER BY ${parts.join(', ')}` : '';
  }
}

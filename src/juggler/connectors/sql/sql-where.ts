import { InvalidFilterError } from '../../../errors';
import type { ModelDefinition } from '../../model-definition';
import { OPERATORS } from '../../filter/normalize-where';
import { backtrackingRisk } from '../../filter/regexp';
import type { OrderKey, WhereClause } from '../../filter/types';
import { isJsonProperty } from './column-types';
import type { SqlSyntax } from './syntax';
import { jsonDocument } from './values';

/**
 * The filter language compiled to SQL. Every value travels as a parameter; every identifier comes
 * from the model definition and is quoted by the dialect. The where clause arrives validated and
 * coerced by normalizeWhere, so operators are known and values have the property's type.
 */
export class SqlBuilder {
  readonly params: unknown[] = [];

  private readonly syntax: SqlSyntax;
  /** The store's name, in the messages of refused filters. */
  private readonly store: string;

  constructor(
    dialect: { readonly name: string; readonly syntax: SqlSyntax },
    private readonly def: ModelDefinition,
  ) {
    this.syntax = dialect.syntax;
    this.store = dialect.name;
  }

  param(value: unknown): string {
    this.params.push(value);
    return this.syntax.placeholder(this.params.length);
  }

  column(property: string): string {
    if (!Object.prototype.hasOwnProperty.call(this.def.properties, property))
      throw new InvalidFilterError(`${this.def.name} has no property "${property}"`);
    return this.syntax.quote(this.syntax.columnName(this.def, property));
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
        // An empty clause matches every row, inside or/and as at the top.
        const subs = (value as WhereClause[]).map((w) => this.clause(w) || '1=1');
        if (subs.length) parts.push(`(${subs.map((s) => `(${s})`).join(key === 'and' ? ' AND ' : ' OR ')})`);
        else if (key === 'or') parts.push('1=0');
        continue;
      }
      parts.push(this.condition(key, value));
    }
    return parts.join(' AND ');
  }

  /**
   * The SQL expression for a property or a dotted path into a JSON property, as functions: a
   * dotted path's segments are a bound parameter, and with `?` placeholders every occurrence in
   * the text needs its own, pushed in text order, so each call writes the expression anew.
   * A name the model does not define never reaches SQL: its condition is compiled against NULL,
   * so it answers as the memory store does for a row without the property (`eq` matches nothing,
   * `neq` everything). A dotted path yields its text (`sql`) and its number (`num`, NULL when the
   * value there is not a number).
   */
  private target(key: string): { sql: () => string; json: boolean; num?: () => string; str?: () => string } {
    if (this.unknown(key)) return { sql: () => 'NULL', json: false };
    const dot = key.indexOf('.');
    if (dot < 0) {
      const prop = this.def.properties[key];
      const col = this.column(key);
      return { sql: () => col, json: !!prop && isJsonProperty(prop) };
    }
    const col = this.column(key.slice(0, dot));
    const path = this.syntax.jsonPathValue(key.slice(dot + 1).split('.'));
    return {
      sql: () => this.syntax.jsonText(col, this.param(path)),
      json: true,
      num: () => this.syntax.jsonNumber(col, () => this.param(path)),
      str: () => this.syntax.jsonString(col, () => this.param(path)),
    };
  }

  private value(v: unknown, json: boolean, nested: boolean): string {
    if (nested && typeof v === 'number') return this.param(v);
    // A dotted path yields text, so its other comparands are text too.
    if (nested) return this.param(v === null ? null : v instanceof Date ? v.toISOString() : String(v));
    if (!json && typeof v === 'number' && !Number.isInteger(v) && this.syntax.fractionParam)
      return this.syntax.fractionParam(this.param(v));
    return this.param(
      json && v !== null && typeof v === 'object' && !(v instanceof Date) ? jsonDocument(v, this.store) : v,
    );
  }

  /** A property the model does not define: server code may name one (LB3 matched nothing). */
  private unknown(key: string): boolean {
    const dot = key.indexOf('.');
    const top = dot < 0 ? key : key.slice(0, dot);
    return !Object.prototype.hasOwnProperty.call(this.def.properties, top);
  }

  private condition(key: string, cond: unknown): string {
    const nested = key.includes('.') && !this.unknown(key);
    const t = this.target(key);
    const { json } = t;
    // Numbers inside JSON compare as numbers (`{"meta.size": {"gt": 2}}` matches 10), as in memory.
    // Strings match strings only (`{"meta.size": "2"}` does not match 2), as in memory.
    const col = t.num && isNumeric(cond) ? t.num : t.str && isTextual(cond) ? t.str : t.sql;
    const val = (v: unknown) => this.value(v, json, nested);
    if (cond === null) return `${col()} IS NULL`;
    if (json && !nested) return this.document(key, col, cond);
    if (typeof cond !== 'object' || cond instanceof Date) return `${col()} = ${val(cond)}`;
    if (cond instanceof RegExp) return this.regexp(key, col, cond, false);
    const ops = cond as Record<string, unknown>;
    if (!isOperators(ops)) return `${col()} = ${val(cond)}`;
    // `options: 'i'` makes like/nlike case-insensitive, as in the memory store.
    const flagI = typeof ops.options === 'string' && ops.options.includes('i');
    const parts: string[] = [];
    for (const op of Object.keys(ops)) {
      const v = ops[op];
      switch (op) {
        case 'eq':
          parts.push(v === null ? `${col()} IS NULL` : `${col()} = ${val(v)}`);
          break;
        case 'neq':
          // As the memory store: rows without the value differ from it too.
          parts.push(v === null ? `${col()} IS NOT NULL` : `(${col()} IS NULL OR ${col()} <> ${val(v)})`);
          break;
        case 'gt':
          parts.push(`${col()} > ${val(v)}`);
          break;
        case 'gte':
          parts.push(`${col()} >= ${val(v)}`);
          break;
        case 'lt':
          parts.push(`${col()} < ${val(v)}`);
          break;
        case 'lte':
          parts.push(`${col()} <= ${val(v)}`);
          break;
        case 'between': {
          const [lo, hi] = v as unknown[];
          parts.push(`${col()} BETWEEN ${val(lo)} AND ${val(hi)}`);
          break;
        }
        case 'inq':
        case 'nin':
          parts.push(this.list(col, v as unknown[], op === 'nin', val));
          break;
        case 'like':
        case 'nlike':
        case 'ilike':
        case 'nilike': {
          const negate = op.startsWith('n');
          const insensitive = op.endsWith('ilike') || flagI;
          // As the memory store (and neq): a row without the value does not match the pattern.
          const isNull = negate ? `${col()} IS NULL OR ` : '';
          let sql: string;
          if (v instanceof RegExp) {
            const r = this.regexp(`${key}.${op}`, col, v, insensitive);
            sql = negate ? `NOT (${r})` : r;
          } else {
            const c = col();
            const p = this.param(likePattern(String(v)));
            sql = insensitive ? this.syntax.ilike(c, p, negate) : `${c} ${negate ? 'NOT LIKE' : 'LIKE'} ${p}`;
          }
          parts.push(negate ? `(${isNull}${sql})` : sql);
          break;
        }
        case 'regexp':
          parts.push(this.regexp(`${key}.regexp`, col, v as RegExp, false));
          break;
        case 'exists':
          parts.push(v ? `${col()} IS NOT NULL` : `${col()} IS NULL`);
          break;
        case 'near':
        case 'maxDistance':
        case 'minDistance':
        case 'unit':
          throw new InvalidFilterError(
            `${key}: "near" queries are not supported by the ${this.store} connector`,
          );
        case 'options':
          break;
      }
    }
    return parts.length > 1 ? parts.map((p) => `(${p})`).join(' AND ') : (parts[0] ?? '1=1');
  }

  /**
   * A condition on a whole JSON column (object, array, any, GeoPoint, embedded model), with the
   * memory store's meaning: a value equals a document equal to it, and an array property matches
   * when it holds the value as an element (`{tags: 'red'}`). Ordering and pattern operators have
   * no portable meaning on a document; they are refused with a 400 instead of comparing JSON text.
   */
  private document(key: string, col: () => string, cond: unknown): string {
    const isArray = this.def.properties[key].kind.name === 'Array';
    const equals = (v: unknown): string => {
      if (v === null || v === undefined) return `${col()} IS NULL`;
      if (isArray && !Array.isArray(v))
        return this.syntax.jsonContains(
          col(),
          this.param(jsonDocument([v instanceof Date ? v.toISOString() : v], this.store)),
        );
      return this.syntax.jsonEquals(col(), this.param(jsonDocument(v, this.store)));
    };
    const differs = (v: unknown): string =>
      v === null || v === undefined ? `${col()} IS NOT NULL` : `(${col()} IS NULL OR NOT ${equals(v)})`;
    const refuse = (op: string) =>
      new InvalidFilterError(
        `${key}: "${op}" cannot compare the ${this.def.properties[key].kind.name} property "${key}" on the ${this.store} store; use eq/neq/inq/nin/exists on it, or a dotted path such as "${key}.<field>"`,
      );
    if (cond instanceof RegExp) throw refuse('regexp');
    if (!isOperators(cond)) return equals(cond);
    const parts: string[] = [];
    for (const [op, v] of Object.entries(cond as Record<string, unknown>)) {
      switch (op) {
        case 'eq':
          parts.push(equals(v));
          break;
        case 'neq':
          parts.push(differs(v));
          break;
        case 'inq': {
          const list = v as unknown[];
          parts.push(list.length ? `(${list.map(equals).join(' OR ')})` : '1=0');
          break;
        }
        case 'nin': {
          const list = v as unknown[];
          const isNull = `${col()} IS NULL`;
          parts.push(list.length ? `(${isNull} OR NOT (${list.map(equals).join(' OR ')}))` : '1=1');
          break;
        }
        case 'exists':
          parts.push(v ? `${col()} IS NOT NULL` : `${col()} IS NULL`);
          break;
        case 'options':
          break;
        default:
          throw refuse(op);
      }
    }
    return parts.length > 1 ? parts.map((p) => `(${p})`).join(' AND ') : (parts[0] ?? '1=1');
  }

  private list(col: () => string, values: unknown[], negate: boolean, val: (v: unknown) => string): string {
    const present = values.filter((v) => v !== null && v !== undefined);
    const hasNull = present.length !== values.length;
    if (!negate) {
      const parts: string[] = [];
      if (present.length) parts.push(`${col()} IN (${present.map(val).join(', ')})`);
      if (hasNull) parts.push(`${col()} IS NULL`);
      return parts.length ? (parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0]) : '1=0';
    }
    if (!present.length) return hasNull ? `${col()} IS NOT NULL` : '1=1';
    if (hasNull) return `${col()} NOT IN (${present.map(val).join(', ')})`;
    const isNull = `${col()} IS NULL`;
    return `(${isNull} OR ${col()} NOT IN (${present.map(val).join(', ')}))`;
  }

  private regexp(at: string, col: () => string, re: RegExp, forceInsensitive: boolean): string {
    const insensitive = forceInsensitive || re.flags.includes('i');
    if (this.syntax.regexpBacktracks) {
      const risk = backtrackingRisk(re.source, insensitive);
      if (risk)
        throw new InvalidFilterError(
          `where.${at} could backtrack catastrophically in the ${this.store} store's regular-expression engine (${risk}); simplify the pattern`,
        );
    }
    const c = col();
    const r = this.syntax.regexp(c, '$PATTERN$', insensitive);
    const p = this.param(r.pattern(unicodeEscapesAsText(re.source, re.unicode)));
    return r.sql.replace('$PATTERN$', () => p);
  }

  orderBy(order: readonly OrderKey[] | undefined): string {
    if (!order || !order.length) return '';
    const parts: string[] = [];
    for (const o of order) {
      // An unknown name orders nothing (every row would read as undefined), so it is left out.
      if (this.unknown(o.property)) continue;
      const desc = o.direction === 'DESC';
      const { sql, num } = this.target(o.property);
      // As the memory store: NULL first ascending, last descending; not needed for the id column,
      // which is never NULL (and whose index then serves the ORDER BY as is).
      const nulls = this.def.idNames.includes(o.property) ? '' : this.syntax.nullsOrder(desc);
      // Numbers inside JSON order numerically, then the text of everything else.
      if (num) parts.push(`${num()} ${desc ? 'DESC' : 'ASC'}${nulls}`);
      parts.push(`${sql()} ${desc ? 'DESC' : 'ASC'}${nulls}`);
    }
    return parts.length ? ` ORDER BY ${parts.join(', ')}` : '';
  }
}

/**
 * A like pattern for the store. The language is SQL's (`%`, `_`, `\` escaping the next character,
 * the escape character of both stores by default); a lone `\` at the very end stands for itself,
 * as in the memory store, where PostgreSQL would refuse the pattern, so it is doubled.
 */
function likePattern(pattern: string): string {
  let n = 0;
  while (n < pattern.length && pattern.charCodeAt(pattern.length - 1 - n) === 0x5c) n++;
  return n % 2 === 1 ? pattern + '\\' : pattern;
}

/** An operator object (`{gt: 1}`), as opposed to an object value compared as a whole. */
function isOperators(v: unknown): boolean {
  if (
    !v ||
    typeof v !== 'object' ||
    Array.isArray(v) ||
    v instanceof Date ||
    v instanceof RegExp ||
    Buffer.isBuffer(v)
  )
    return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => OPERATORS.has(k));
}

/** A string comparand or pattern, or an operator object whose comparands are all such. */
function isTextual(cond: unknown): boolean {
  if (typeof cond === 'string' || cond instanceof RegExp) return true;
  if (!cond || typeof cond !== 'object' || cond instanceof Date) return false;
  let seen = false;
  for (const [op, v] of Object.entries(cond as Record<string, unknown>)) {
    if (op === 'exists' || op === 'options') continue;
    const values = Array.isArray(v) ? v : [v];
    if (!values.length || !values.every((x) => typeof x === 'string' || x instanceof RegExp)) return false;
    seen = true;
  }
  return seen;
}

/** A numeric comparand, or an operator object whose comparands are all numbers. */
function isNumeric(cond: unknown): boolean {
  if (typeof cond === 'number') return true;
  if (!cond || typeof cond !== 'object' || cond instanceof Date || cond instanceof RegExp) return false;
  let seen = false;
  for (const [op, v] of Object.entries(cond as Record<string, unknown>)) {
    if (op === 'exists' || op === 'options') continue;
    const values = Array.isArray(v) ? v : [v];
    if (!values.length || !values.every((x) => typeof x === 'number')) return false;
    seen = true;
  }
  return seen;
}

const REGEXP_SYNTAX = /[\\^$.|?*+()[\]{}\-/]/;

/**
 * JavaScript's `\uHHHH` (surrogate pairs too) and, under the `u` flag, `\u{H…}` escapes as the
 * characters they name: neither PostgreSQL's nor MariaDB's regular expressions read them (`\u` is
 * an error in PCRE, and ARE has no `\u{…}`), while the characters themselves mean the same to every
 * engine. A character with a meaning in a pattern keeps a backslash before it.
 */
export function unicodeEscapesAsText(source: string, unicodeFlag: boolean): string {
  if (!source.includes('\\u')) return source;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const rest = source.slice(i + 1);
    const braced = unicodeFlag ? /^u\{([0-9a-fA-F]{1,6})\}/.exec(rest) : null;
    const pair = /^u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/i.exec(rest);
    const single = /^u([0-9a-fA-F]{4})/.exec(rest);
    let text: string | undefined;
    let length = 0;
    if (braced && parseInt(braced[1], 16) <= 0x10ffff)
      [text, length] = [String.fromCodePoint(parseInt(braced[1], 16)), braced[0].length];
    else if (pair)
      [text, length] = [String.fromCharCode(parseInt(pair[1], 16), parseInt(pair[2], 16)), pair[0].length];
    else if (single) [text, length] = [String.fromCharCode(parseInt(single[1], 16)), single[0].length];
    if (text === undefined) {
      // Any other escape (`\\`, `\d`, …) passes whole, so its second character is never re-read.
      out += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    out += (REGEXP_SYNTAX.test(text) ? '\\' : '') + text;
    i += length;
  }
  return out;
}

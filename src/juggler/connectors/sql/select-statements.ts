import type { NormalizedFilter, WhereClause } from '../../filter/types';
import type { ModelDefinition } from '../../model-definition';
import { FilterShape, filterShape, sameParams, StatementCache } from './statement-shapes';
import { SqlBuilder } from './sql-where';
import type { SqlSyntax } from './syntax';
import { selectedProperties } from './values';

/** A statement and the values bound to it. */
export interface BoundStatement {
  sql: string;
  params: unknown[];
}

/** What the read statements need of their connector: the dialect and the quoted names. */
export interface SelectHost {
  readonly name: string;
  readonly syntax: SqlSyntax;
  table(def: ModelDefinition): string;
  col(def: ModelDefinition, property: string): string;
}

/**
 * The read statements (SELECT of rows, by id, COUNT), with their texts kept: the ones that depend
 * only on the model definition once per definition, the others by filter shape
 * (statement-shapes.ts), so a repeated query skips the compiler.
 */
export class SelectStatements {
  /** Statement text that depends only on the model definition, built once per definition. */
  private readonly fixed = new WeakMap<ModelDefinition, { all: string; byId?: string }>();
  /** Statement texts by filter shape. */
  private readonly shapes = new StatementCache();

  constructor(private readonly host: SelectHost) {}

  private fixedFor(def: ModelDefinition): { all: string; byId?: string } {
    let f = this.fixed.get(def);
    if (!f) {
      const all = this.buildSelectList(def, undefined);
      const byId = def.idName
        ? `SELECT ${all} FROM ${this.host.table(def)} WHERE ${this.host.col(def, def.idName)} = ${this.host.syntax.placeholder(1)}`
        : undefined;
      f = { all, byId };
      this.fixed.set(def, f);
    }
    return f;
  }

  private selectList(def: ModelDefinition, fields: readonly string[] | undefined): string {
    return fields ? this.buildSelectList(def, fields) : this.fixedFor(def).all;
  }

  private buildSelectList(def: ModelDefinition, fields: readonly string[] | undefined): string {
    // Fields naming no known property still select a real column (the row then comes back empty).
    // The row reader reads the columns by position in this same list (values.ts).
    return (
      selectedProperties(def, fields)
        .map((n) => this.host.col(def, n))
        .join(', ') || this.host.col(def, def.idName ?? def.propertyNames[0])
    );
  }

  /** SELECT of the row with the id bound as the first parameter (the model has an id). */
  byId(def: ModelDefinition): string {
    return this.fixedFor(def).byId!;
  }

  find(def: ModelDefinition, filter: NormalizedFilter): BoundStatement {
    const id = byIdValue(def, filter);
    if (id !== undefined) return { sql: this.byId(def), params: [id] };
    const shape = filterShape(def, filter);
    const key = shape && 'find' + shape.key;
    const cached = key !== undefined ? this.shapes.get(def, key) : undefined;
    if (cached !== undefined) return { sql: cached, params: this.shapedParams(def, shape!, filter) };
    const b = new SqlBuilder(this.host, def);
    let sql = `SELECT ${this.selectList(def, filter.fields)} FROM ${this.host.table(def)}${b.where(filter.where)}`;
    const order =
      filter.order ?? (def.idName ? [{ property: def.idName, direction: 'ASC' as const }] : undefined);
    sql += b.orderBy(order);
    sql += this.limitClause(b, filter.limit, filter.skip);
    // Kept for the shape only if the shape binds exactly what the builder bound.
    if (key !== undefined && sameParams(b.params, this.shapedParams(def, shape!, filter)))
      this.shapes.set(def, key, sql);
    return { sql, params: b.params };
  }

  count(def: ModelDefinition, where: WhereClause | undefined): BoundStatement {
    const shape = filterShape(def, { where });
    const key = shape && 'count' + shape.key;
    const cached = key !== undefined ? this.shapes.get(def, key) : undefined;
    if (cached !== undefined) return { sql: cached, params: shape!.values };
    const b = new SqlBuilder(this.host, def);
    const sql = `SELECT COUNT(*) AS cnt FROM ${this.host.table(def)}${b.where(where)}`;
    if (key !== undefined && sameParams(b.params, shape!.values)) this.shapes.set(def, key, sql);
    return { sql, params: b.params };
  }

  /** The parameters of a shaped filter: its values, then what the limit clause binds. */
  private shapedParams(
    def: ModelDefinition,
    shape: FilterShape,
    filter: Pick<NormalizedFilter, 'limit' | 'skip'>,
  ): unknown[] {
    const b = new SqlBuilder(this.host, def);
    b.params.push(...shape.values);
    this.limitClause(b, filter.limit, filter.skip);
    return b.params;
  }

  /** LIMIT and OFFSET; an OFFSET alone takes the store's "no limit" LIMIT where it needs one. */
  private limitClause(b: SqlBuilder, limit: number | undefined, skip: number | undefined): string {
    if (limit !== undefined) return ` LIMIT ${b.param(limit)}${skip ? ` OFFSET ${b.param(skip)}` : ''}`;
    if (!skip) return '';
    const unbounded = this.host.syntax.unboundedLimit;
    return `${unbounded !== undefined ? ` LIMIT ${unbounded}` : ''} OFFSET ${b.param(skip)}`;
  }
}

/**
 * The id of a filter asking for all the fields of the row with that id, at most one (a find by id:
 * `{where: {id: 5}, limit: 1}`): such a find is the SELECT by id, without ordering or limit (the
 * id is the primary key). Undefined for any other filter.
 */
function byIdValue(def: ModelDefinition, filter: NormalizedFilter): unknown {
  const { where } = filter;
  const idName = def.idName;
  if (!idName || !where || filter.fields || filter.skip || (filter.limit ?? 1) < 1) return undefined;
  let id: unknown;
  for (const key in where) {
    if (key !== idName || id !== undefined) return undefined;
    id = where[key];
  }
  const t = typeof id;
  return t === 'number' || t === 'string' ? id : undefined;
}

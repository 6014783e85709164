import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import { connectorSettings } from './column-types';

/**
 * How a SQL store writes statements, as data and small functions: how identifiers are quoted,
 * how parameters are written, how types map to columns, the few operators that differ, paging and
 * RETURNING. The filter compiler (sql-where.ts) and SqlConnector are written once against this.
 */
export interface SqlSyntax {
  /** Quotes an identifier (already taken from a model definition, never from a client). */
  quote(identifier: string): string;
  /** The placeholder of the n-th parameter (1-based). */
  placeholder(n: number): string;
  /** Case-insensitive LIKE of a column against a parameter placeholder. */
  ilike(column: string, param: string, negate: boolean): string;
  /** A regular-expression match of a column against a pattern parameter. */
  regexp(
    column: string,
    param: string,
    caseInsensitive: boolean,
  ): { sql: string; pattern: (source: string) => string };
  /**
   * True when the store's regular-expression engine backtracks (MariaDB's PCRE2): patterns of the
   * shapes that backtrack catastrophically are then refused before they reach it.
   */
  readonly regexpBacktracks: boolean;
  /** Text of a JSON path inside a JSON column; `pathParam` is a placeholder bound to `pathValue`. */
  jsonText(column: string, pathParam: string): string;
  jsonPathValue(segments: string[]): unknown;
  /** The number at a JSON path (NULL when the value there is not a number); `pathParam()` binds the path anew for each use. */
  jsonNumber(column: string, pathParam: () => string): string;
  /** A JSON column equal to the JSON document in a parameter. */
  jsonEquals(column: string, param: string): string;
  /** A JSON array column holding every element of the JSON array in a parameter. */
  jsonContains(column: string, param: string): string;
  /** The string at a JSON path (NULL when the value there is not a string). */
  jsonString(column: string, pathParam: () => string): string;
  /** What follows ASC/DESC so NULL sorts first ascending and last descending ('' when native). */
  nullsOrder(desc: boolean): string;
  /**
   * A parameter holding a number with a fraction, compared with a column (optional): PostgreSQL
   * types a parameter as its column, so `{"gt": 2.5}` against an INTEGER column needs a cast.
   */
  fractionParam?(placeholder: string): string;
  /** The column type for a property (a `dataType` setting wins). */
  columnType(prop: PropertyDefinition, isGeneratedId: boolean): string;
  /** The store's own name for the table and column (LB3's defaults per connector). */
  tableName(def: ModelDefinition): string;
  schemaName(def: ModelDefinition): string | undefined;
  columnName(def: ModelDefinition, property: string): string;
  /**
   * What follows the columns of a `validatesUniquenessOf` rule's unique index so the index holds
   * as the rule does: a NULL scope equal to a NULL scope, a blank value (NULL, '' for text) never
   * a duplicate. `column` is the rule's property's column, quoted. '' where the store has neither
   * (MariaDB: a row whose scope is NULL is then unique by the rule's query only).
   */
  uniqueRuleClauses(column: string, rule: { scoped: boolean; allowNull: boolean; text: boolean }): string;

  /**
   * An INSERT learns the generated id from `RETURNING` (true) or from the driver's insert id
   * (false; a row whose id was given keeps it).
   */
  readonly insertReturnsId: boolean;
  /** What follows `INSERT INTO t` for a row with no column set (`DEFAULT VALUES`, `() VALUES ()`). */
  readonly emptyInsert: string;
  /** An UPDATE of one row answers the row with `RETURNING` (one round trip) instead of its count. */
  readonly updateReturning: boolean;
  /**
   * The LIMIT that stands for "no limit", for stores that have no OFFSET without a LIMIT
   * (MySQL's largest BIGINT UNSIGNED, SQLite's -1); undefined where OFFSET stands alone.
   */
  readonly unboundedLimit?: string;
  /** Booleans are bound as 1/0 (MySQL's TINYINT(1)). */
  readonly booleansAsIntegers?: boolean;
  /** The years the store's date type holds as sent (MySQL's DATETIME: 1000 to 9999); any year when absent. */
  readonly dateYears?: readonly [number, number];
}

/** The members a dialect may leave out, which then take standard SQL's (or LB3's default naming). */
type StandardMember =
  | 'quote'
  | 'placeholder'
  | 'ilike'
  | 'regexpBacktracks'
  | 'nullsOrder'
  | 'tableName'
  | 'schemaName'
  | 'columnName'
  | 'uniqueRuleClauses'
  | 'insertReturnsId'
  | 'emptyInsert'
  | 'updateReturning';

/** A dialect's syntax as written: what standard SQL has it may leave out (standardSyntax fills it in). */
export type SqlSyntaxSpec = Omit<SqlSyntax, StandardMember> & Partial<Pick<SqlSyntax, StandardMember>>;

/**
 * A dialect's syntax with what it left out filled in from standard SQL: double-quoted identifiers,
 * `?` placeholders, a case-insensitive like by LOWER(), NULLS FIRST/LAST, no schema, the model's
 * and property's names unless `<store>: {table}` / `<store>: {columnName}` say otherwise, a plain
 * unique index for a uniqueness rule, `DEFAULT VALUES`, no RETURNING; and a regular-expression
 * engine taken to backtrack (risky patterns refused) unless the dialect says it does not.
 */
export function standardSyntax(store: string, spec: SqlSyntaxSpec): SqlSyntax {
  return {
    quote: (id) => `"${id.replace(/"/g, '""')}"`,
    placeholder: () => '?',
    ilike: (col, p, negate) => `LOWER(${col}) ${negate ? 'NOT LIKE' : 'LIKE'} LOWER(${p})`,
    regexpBacktracks: true,
    nullsOrder: (desc) => (desc ? ' NULLS LAST' : ' NULLS FIRST'),
    tableName: (def) => String(connectorSettings(def.settings, store).table ?? def.name),
    schemaName: () => undefined,
    columnName: (def, property) =>
      String(connectorSettings(def.properties[property]?.raw, store).columnName ?? property),
    uniqueRuleClauses: () => '',
    insertReturnsId: false,
    emptyInsert: 'DEFAULT VALUES',
    updateReturning: false,
    ...spec,
  };
}

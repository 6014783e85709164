import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import {
  columnSize,
  connectorSettings,
  declaredDataType,
  isJsonProperty,
  sizedType,
} from '../sql/column-types';
import type { SqlSyntaxSpec } from '../sql/syntax';
import { regexpParam } from './database';

/**
 * A model's or property's SQLite settings: `sqlite: {…}`, or `sqlite3: {…}` as LB3's
 * loopback-connector-sqlite3 reads them (`sqlite` wins where both set a key).
 */
export function sqliteSettings(
  source: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return { ...connectorSettings(source, 'sqlite3'), ...connectorSettings(source, 'sqlite') };
}

/** A model's table: `sqlite: {table}` (or `sqlite3:`), else the model's name. */
export function sqliteTableName(def: ModelDefinition): string {
  return String(sqliteSettings(def.settings).table ?? def.name);
}

/** A property's column: `sqlite: {columnName}` (or `sqlite3:`), else the property's name. */
export function sqliteColumnName(def: ModelDefinition, property: string): string {
  return String(sqliteSettings(def.properties[property]?.raw).columnName ?? property);
}

/** The column type of a generated number id. */
export const GENERATED_INTEGER_ID = 'INTEGER PRIMARY KEY AUTOINCREMENT';

/**
 * A JSON path in SQLite's syntax. A key is quoted (`$."a b"`); SQLite reads no escape inside the
 * quotes, so a key holding `"` is written unquoted, which SQLite reads up to the next `.` or `[`.
 */
function jsonPath(segments: string[]): string {
  return '$' + segments.map((s) => (s.includes('"') ? `.${s}` : `."${s}"`)).join('');
}

/**
 * SQLite: names as written (the model's name for its table, the property's for its column) unless
 * `sqlite: {table}` / `sqlite: {columnName, dataType}` say otherwise. Dates are kept as integer
 * milliseconds since 1970 UTC (every JavaScript date, ordered and compared as numbers), booleans
 * as 0/1, objects and arrays as JSON text read with SQLite's JSON functions. LIKE, the
 * case-insensitive like, REGEXP and document equality are JavaScript functions registered on each
 * connection (database.ts), so they answer as the memory store does.
 */
export const sqliteSyntax: SqlSyntaxSpec = {
  ilike: (col, p, negate) => `${negate ? 'NOT ' : ''}loopline_ilike(${col}, ${p})`,
  regexp: (col, p, insensitive) => ({
    sql: `${col} REGEXP ${p}`,
    pattern: (s) => regexpParam(s, insensitive),
  }),
  // The filter language's own matcher (RE2 where JavaScript would backtrack): linear in the value.
  regexpBacktracks: false,
  jsonText: (col, pathParam) => `json_extract(${col}, ${pathParam})`,
  jsonPathValue: jsonPath,
  jsonNumber: (col, pathParam) =>
    `(CASE WHEN json_type(${col}, ${pathParam()}) IN ('integer', 'real') THEN json_extract(${col}, ${pathParam()}) END)`,
  jsonString: (col, pathParam) =>
    `(CASE WHEN json_type(${col}, ${pathParam()}) = 'text' THEN json_extract(${col}, ${pathParam()}) END)`,
  jsonEquals: (col, p) => `loopline_json_equal(${col}, ${p})`,
  jsonContains: (col, p) => `loopline_json_contains(${col}, ${p})`,
  // NULL already sorts first ascending and last descending.
  nullsOrder: () => '',
  // Partial indexes, and NULLs distinct in a unique index: a NULL scope is not held by the index.
  uniqueRuleClauses: (column, rule) =>
    rule.allowNull ? '' : ` WHERE ${column} IS NOT NULL${rule.text ? ` AND ${column} <> ''` : ''}`,
  columnType(prop: PropertyDefinition, generatedId: boolean): string {
    const own = sqliteSettings(prop.raw).dataType ?? declaredDataType(prop, 'sqlite');
    const size = columnSize(prop, 'sqlite');
    if (typeof own === 'string') return sizedType(own, size);
    // The rowid, numbered by SQLite; AUTOINCREMENT never hands out the id of a deleted row again.
    // (The type names the primary key, so the table has no separate PRIMARY KEY clause.)
    if (generatedId) return prop.kind.name === 'String' ? 'TEXT' : GENERATED_INTEGER_ID;
    if (isJsonProperty(prop)) return 'JSON';
    switch (prop.kind.name) {
      case 'String':
        return size.length ? `VARCHAR(${size.length})` : 'TEXT';
      case 'Number':
        if (prop.kind.integer) return 'INTEGER';
        if (size.precision) return sizedType('NUMERIC', size);
        return prop.id ? 'INTEGER' : 'REAL';
      case 'Boolean':
        return 'BOOLEAN';
      case 'Date':
        return 'DATETIME';
      case 'Buffer':
        return 'BLOB';
      default:
        return 'TEXT';
    }
  },
  tableName: sqliteTableName,
  columnName: sqliteColumnName,
  // The driver's last insert rowid (standard); an UPDATE answers the row with RETURNING. One
  // database per file: no schemas (standard: an attached database's name is not used).
  updateReturning: true,
  // SQLite has no OFFSET without LIMIT; a negative limit stands for "no limit".
  unboundedLimit: '-1',
};

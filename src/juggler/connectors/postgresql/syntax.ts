import type { PropertyDefinition } from '../../model-definition';
import {
  columnSize,
  connectorSettings,
  declaredDataType,
  isJsonProperty,
  sizedType,
} from '../sql/column-types';
import type { SqlSyntaxSpec } from '../sql/syntax';

/**
 * PostgreSQL on `pg`. Names follow loopback-connector-postgresql: a model's table and its
 * columns are the lower-cased names unless `postgresql: {schema, table}` on the model or
 * `postgresql: {columnName, dataType}` on a property say otherwise; the schema is `public`.
 */
export const postgresqlSyntax: SqlSyntaxSpec = {
  placeholder: (n) => `$${n}`,
  ilike: (col, p, negate) => `${col} ${negate ? 'NOT ILIKE' : 'ILIKE'} ${p}`,
  regexp: (col, p, insensitive) => ({ sql: `${col} ${insensitive ? '~*' : '~'} ${p}`, pattern: (s) => s }),
  // Spencer's hybrid DFA/NFA engine: the nested-quantifier and overlapping-alternation shapes ran
  // in under 15 ms on 300 characters (PostgreSQL 15), and back-references are refused before.
  regexpBacktracks: false,
  jsonText: (col, pathParam) => `(${col} #>> ${pathParam}::text[])`,
  jsonPathValue: (segments) => segments,
  jsonNumber: (col, pathParam) =>
    `(CASE WHEN jsonb_typeof(${col} #> ${pathParam()}::text[]) = 'number' THEN (${col} #>> ${pathParam()}::text[])::double precision END)`,
  jsonEquals: (col, p) => `${col} = ${p}::jsonb`,
  jsonContains: (col, p) => `${col} @> ${p}::jsonb`,
  jsonString: (col, pathParam) =>
    `(CASE WHEN jsonb_typeof(${col} #> ${pathParam()}::text[]) = 'string' THEN ${col} #>> ${pathParam()}::text[] END)`,
  // NULLS NOT DISTINCT: PostgreSQL 15 and later.
  uniqueRuleClauses: (column, rule) =>
    `${rule.scoped || rule.allowNull ? ' NULLS NOT DISTINCT' : ''}${rule.allowNull ? '' : ` WHERE ${column} IS NOT NULL${rule.text ? ` AND ${column} <> ''` : ''}`}`,
  fractionParam: (placeholder) => `${placeholder}::numeric`,
  columnType(prop: PropertyDefinition, generatedId: boolean): string {
    const own = declaredDataType(prop, 'postgresql');
    const size = columnSize(prop, 'postgresql');
    if (typeof own === 'string') return sizedType(own, size);
    if (generatedId) return prop.kind.name === 'String' ? 'TEXT' : 'SERIAL';
    if (isJsonProperty(prop)) return 'JSONB';
    switch (prop.kind.name) {
      case 'String':
        return size.length ? `VARCHAR(${size.length})` : 'TEXT';
      case 'Number':
        if (prop.kind.integer) return 'INTEGER';
        if (size.precision) return sizedType('NUMERIC', size);
        return prop.id ? 'INTEGER' : 'DOUBLE PRECISION';
      case 'Boolean':
        return 'BOOLEAN';
      case 'Date':
        return 'TIMESTAMPTZ';
      case 'Buffer':
        return 'BYTEA';
      default:
        return 'TEXT';
    }
  },
  tableName: (def) => String(connectorSettings(def.settings, 'postgresql').table ?? def.name.toLowerCase()),
  schemaName: (def) => String(connectorSettings(def.settings, 'postgresql').schema ?? 'public'),
  columnName: (def, property) =>
    String(
      connectorSettings(def.properties[property]?.raw, 'postgresql').columnName ?? property.toLowerCase(),
    ),
  // RETURNING answers the generated id and the updated row in the statement's own round trip.
  insertReturnsId: true,
  updateReturning: true,
};

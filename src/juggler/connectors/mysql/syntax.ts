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
 * MySQL and MariaDB on `mysql2`. Names follow loopback-connector-mysql: the model and property
 * names as written, unless `mysql: {table}` / `mysql: {columnName, dataType}` say otherwise.
 * Dates travel in UTC; JSON columns are parsed on the way out (MariaDB stores JSON as text).
 * The dialect is made per connector: text read from JSON documents compares in the collation the
 * connector chose for its server (see BINARY_COLLATIONS).
 */
export function mysqlSyntax(collation: () => string): SqlSyntaxSpec {
  return {
    quote: (id) => `\`${id.replace(/`/g, '``')}\``,
    // PCRE inline flags make case sensitivity explicit whatever the column's collation says.
    regexp: (col, p, insensitive) => ({
      sql: `${col} REGEXP ${p}`,
      pattern: (s) => (insensitive ? '(?i)' : '(?-i)') + s,
    }),
    // PCRE2 backtracks: `(a|\x61)+$` on 300 characters ran 0.3 s per row before its match limit
    // stopped it, and then the row silently did not match (measured on MariaDB 10.11).
    regexpBacktracks: true,
    jsonText: (col, pathParam) => `(JSON_UNQUOTE(JSON_EXTRACT(${col}, ${pathParam})) COLLATE ${collation()})`,
    jsonPathValue: (segments) => '$' + segments.map((s) => `."${s.replace(/["\\]/g, '\\$&')}"`).join(''),
    jsonNumber: (col, pathParam) =>
      `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${col}, ${pathParam()})) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN JSON_EXTRACT(${col}, ${pathParam()}) + 0 END)`,
    jsonString: (col, pathParam) =>
      `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${col}, ${pathParam()})) = 'STRING' THEN JSON_UNQUOTE(JSON_EXTRACT(${col}, ${pathParam()})) END COLLATE ${collation()})`,
    // JSON_EXTRACT(…, '$') reads both sides as documents (MariaDB keeps JSON as text).
    jsonEquals: (col, p) => `JSON_EXTRACT(${col}, '$') = JSON_EXTRACT(${p}, '$')`,
    jsonContains: (col, p) => `JSON_CONTAINS(${col}, ${p})`,
    // NULL already sorts first ascending and last descending.
    nullsOrder: () => '',
    // No partial indexes and no NULLS NOT DISTINCT: a plain unique index (NULLs distinct).
    uniqueRuleClauses: () => '',
    columnType(prop: PropertyDefinition, generatedId: boolean): string {
      const own = declaredDataType(prop, 'mysql');
      const size = columnSize(prop, 'mysql');
      if (typeof own === 'string') return sizedType(own, size);
      if (generatedId) return prop.kind.name === 'String' ? 'VARCHAR(64)' : 'INT NOT NULL AUTO_INCREMENT';
      if (prop.id) return prop.kind.name === 'Number' ? 'INT' : `VARCHAR(${size.length ?? 255})`;
      if (isJsonProperty(prop)) return 'JSON';
      switch (prop.kind.name) {
        case 'String':
          return size.length ? `VARCHAR(${size.length})` : prop.index ? 'VARCHAR(255)' : 'TEXT';
        case 'Number':
          if (prop.kind.integer) return 'INT';
          if (size.precision) return sizedType('DECIMAL', size);
          return 'DOUBLE';
        case 'Boolean':
          return 'TINYINT(1)';
        case 'Date':
          return 'DATETIME(3)';
        case 'Buffer':
          return 'LONGBLOB';
        default:
          return 'TEXT';
      }
    },
    schemaName: (def) => {
      const own = connectorSettings(def.settings, 'mysql');
      return (own.schema ?? own.database) as string | undefined;
    },
    // No RETURNING (standard): the driver's insert id; an UPDATE answers the rows it matched.
    emptyInsert: '() VALUES ()',
    // MySQL has no OFFSET without LIMIT; the largest BIGINT UNSIGNED stands for "no limit".
    unboundedLimit: '18446744073709551615',
    booleansAsIntegers: true,
    // DATETIME's documented range: outside it, year 0 reads as 1900, years 1 to 99 as 19xx, and
    // past 65535 a date cannot be sent at all.
    dateYears: [1000, 9999],
  };
}

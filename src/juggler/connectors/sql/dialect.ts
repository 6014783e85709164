import { LooplineError } from '../../../errors';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';

/**
 * What differs between SQL stores, as data and small functions: how identifiers are quoted,
 * how parameters are written, how types map to columns, and the few operators that differ.
 * The compiler and the base connector are written once against this.
 */
export interface Dialect {
  readonly name: 'postgresql' | 'mysql' | 'sqlite';
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
}

/** Per-connector settings of a model or property: `{"postgresql": {"table": "..."}}`. */
export function connectorSettings(
  source: Readonly<Record<string, unknown>> | undefined,
  connector: string,
): Record<string, any> {
  const value = source?.[connector];
  return value && typeof value === 'object' ? (value as Record<string, any>) : {};
}

/**
 * The column type a property names for this connector: `"<connector>": {"dataType"}`, else a
 * `dataType` beside `type` (LB3's MySQL connector reads that one too); undefined when neither.
 */
export function declaredDataType(prop: PropertyDefinition, connector: string): string | undefined {
  const own = connectorSettings(prop.raw, connector).dataType;
  if (typeof own === 'string' && own) return own;
  return typeof prop.raw.dataType === 'string' && prop.raw.dataType ? prop.raw.dataType : undefined;
}

/** Property types stored as JSON text/documents. */
export function isJsonProperty(prop: PropertyDefinition): boolean {
  const t = prop.kind;
  return (
    t.name === 'Object' ||
    t.name === 'Array' ||
    t.name === 'Any' ||
    t.name === 'GeoPoint' ||
    t.model !== undefined
  );
}

/** An escape JSON.stringify writes only for half a surrogate pair (`\\ud800`), not itself escaped. */
const LONE_SURROGATE = /(?:^|[^\\])(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/**
 * A value as the JSON text of a JSON column or document comparison. Half a surrogate pair has no
 * UTF-8 form: JSON.stringify writes it as an escape that PostgreSQL refuses and MariaDB's JSON
 * check fails on, so it is refused here as a plain string is (400 UNSUPPORTED_CHARACTER).
 */
export function jsonDocument(value: unknown, store: string): string {
  const text = JSON.stringify(value);
  if (text.includes('\\ud') && LONE_SURROGATE.test(text)) throw halfSurrogatePair(store);
  return text;
}

/** 400 UNSUPPORTED_CHARACTER for text holding half of a surrogate pair. */
export function halfSurrogatePair(store: string): LooplineError {
  return new LooplineError(
    'UNSUPPORTED_CHARACTER',
    `The ${store} store cannot keep this text (it holds half of a UTF-16 surrogate pair, which no UTF-8 text can): send whole characters`,
  );
}

/** A property's declared size: `dataLength`/`dataPrecision`/`dataScale` of its connector settings, else `length`/`precision`/`scale`. */
export interface ColumnSize {
  length?: number;
  precision?: number;
  scale?: number;
}

function positive(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function columnSize(prop: PropertyDefinition, connector: string): ColumnSize {
  const own = connectorSettings(prop.raw, connector);
  const length = positive(own.dataLength) ?? positive(prop.raw.length);
  const precision = positive(own.dataPrecision) ?? positive(prop.raw.precision);
  const scale = positive(own.dataScale) ?? positive(prop.raw.scale);
  return { length: length || undefined, precision: precision || undefined, scale };
}

/**
 * A type name with the size it takes: a length for character and binary types, precision and
 * scale for exact numerics; a name already carrying a size, and every other type, as written.
 */
export function sizedType(base: string, size: ColumnSize): string {
  if (base.includes('(')) return base;
  if (size.length && /(char|binary|bit)( varying)?$/i.test(base)) return `${base}(${size.length})`;
  if (size.precision && /^(decimal|numeric|dec|fixed)$/i.test(base))
    return `${base}(${size.precision}${size.scale !== undefined ? `,${size.scale}` : ''})`;
  return base;
}

import { LooplineError } from '../../../errors';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { Row } from '../connector';
import { isJsonProperty } from './column-types';

/**
 * Values between properties and columns: what a statement binds for a property's value, and how a
 * column's value becomes the property's again.
 */

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

/** The value bound for a property: JSON text for a document, 1/0 for a boolean where the store asks. */
export function boundValue(
  store: string,
  prop: PropertyDefinition,
  value: unknown,
  booleansAsIntegers: boolean,
): unknown {
  if (value === undefined || value === null) return null;
  if (isJsonProperty(prop)) return jsonDocument(value, store);
  if (booleansAsIntegers && typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** How a column's value becomes the property's (chosen once per property, not per value). */
export function readerFor(prop: PropertyDefinition): (value: unknown) => unknown {
  switch (prop.kind.name) {
    case 'Boolean':
      return (v) =>
        v === null || v === undefined
          ? null
          : typeof v === 'boolean'
            ? v
            : v === 1 || v === '1' || v === 'true';
    case 'Number':
      return (v) => (v === null || v === undefined ? null : typeof v === 'number' ? v : Number(v));
    case 'Date':
      return (v) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));
    case 'String':
      return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
    default:
      if (!isJsonProperty(prop)) return (v) => (v === undefined ? null : v);
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'string') return v;
        try {
          return JSON.parse(v);
        } catch {
          return v;
        }
      };
  }
}

interface ColumnReader {
  name: string;
  column: string;
  read: (value: unknown) => unknown;
}

/** A record as the driver gives it: an object by column name, or the selected columns in order. */
export type RowRecord = Row | readonly unknown[];

/** A compiled record → row mapping. */
export type ReadRow = (record: RowRecord) => Row;

/**
 * The properties a SELECT of `fields` (every property when none) lists, in order. Fields naming no
 * known property select none (the statement then selects the id column alone, and the row comes
 * back empty).
 */
export function selectedProperties(def: ModelDefinition, fields: readonly string[] | undefined): string[] {
  const names = fields ?? def.propertyNames;
  return names.filter((n) => Object.prototype.hasOwnProperty.call(def.properties, n));
}

/**
 * The mapping compiled to one function with an object literal, so every row of a model has one
 * hidden class and no per-column loop: `{"title": R[0](r["title"]), …}` (by column name) or
 * `{"title": R[0](r[0]), …}` (by position). Names only ever appear as JSON string literals.
 */
function compile(columns: readonly (ColumnReader & { at: number })[], arrays: boolean): ReadRow {
  // `"__proto__": v` in a literal would set the prototype: such a model keeps the plain loop.
  if (columns.some((c) => c.name === '__proto__')) {
    return (record) => {
      const out: Row = {};
      for (const c of columns)
        out[c.name] = c.read((record as Record<string | number, unknown>)[arrays ? c.at : c.column]);
      return out;
    };
  }
  const fields = columns.map(
    (c, i) => `${JSON.stringify(c.name)}: R[${i}](r[${arrays ? c.at : JSON.stringify(c.column)}])`,
  );
  const factory = new Function('R', `return function (r) { return {${fields.join(', ')}}; };`) as (
    readers: ((value: unknown) => unknown)[],
  ) => ReadRow;
  return factory(columns.map((c) => c.read));
}

/**
 * Rows read back as a model's properties. Per model definition and field list, compiled once: each
 * property with its column and reader, in property (or field) order (a NULL column is a null
 * property, as LB3's SQL connectors return it).
 */
export class RowReader {
  private readonly layouts = new WeakMap<ModelDefinition, Map<string, ColumnReader>>();
  private readonly compiled = new WeakMap<ModelDefinition, Map<string, ReadRow>>();

  constructor(
    private readonly columnName: (def: ModelDefinition, property: string) => string,
    /** Field lists kept compiled per model (others are compiled each time). */
    private readonly maxPerModel = 256,
  ) {}

  private layout(def: ModelDefinition): Map<string, ColumnReader> {
    let layout = this.layouts.get(def);
    if (!layout) {
      layout = new Map(
        def.propertyNames.map((name) => [
          name,
          { name, column: this.columnName(def, name), read: readerFor(def.properties[name]) },
        ]),
      );
      this.layouts.set(def, layout);
    }
    return layout;
  }

  /**
   * The mapping of the records of a SELECT of `fields` (every property when none): by column name,
   * or with `arrays` by position in the select list (selectedProperties).
   */
  reader(def: ModelDefinition, fields: readonly string[] | undefined, arrays: boolean): ReadRow {
    let byFields = this.compiled.get(def);
    if (!byFields) this.compiled.set(def, (byFields = new Map()));
    const key = (arrays ? 'a' : 'o') + (fields ? '|' + fields.join('\u0000') : '');
    let read = byFields.get(key);
    if (!read) {
      const layout = this.layout(def);
      const columns: (ColumnReader & { at: number })[] = [];
      const names = arrays ? selectedProperties(def, fields) : (fields ?? def.propertyNames);
      names.forEach((name, at) => {
        const c = layout.get(name);
        if (c) columns.push({ ...c, at });
      });
      read = compile(columns, arrays);
      if (byFields.size < this.maxPerModel) byFields.set(key, read);
    }
    return read;
  }

  row(def: ModelDefinition, record: Row, fields?: readonly string[]): Row {
    return this.reader(def, fields, false)(record);
  }
}

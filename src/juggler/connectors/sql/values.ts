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

interface ColumnLayout {
  all: ColumnReader[];
  byName: Map<string, ColumnReader>;
}

/**
 * Rows read back as a model's properties. Per model definition, computed once: each property with
 * its column and reader, in property order (a NULL column is a null property, as LB3's SQL
 * connectors return it).
 */
export class RowReader {
  private readonly layouts = new WeakMap<ModelDefinition, ColumnLayout>();

  constructor(private readonly columnName: (def: ModelDefinition, property: string) => string) {}

  private layout(def: ModelDefinition): ColumnLayout {
    let layout = this.layouts.get(def);
    if (!layout) {
      const all = def.propertyNames.map((name) => ({
        name,
        column: this.columnName(def, name),
        read: readerFor(def.properties[name]),
      }));
      layout = { all, byName: new Map(all.map((c) => [c.name, c])) };
      this.layouts.set(def, layout);
    }
    return layout;
  }

  row(def: ModelDefinition, record: Row, fields?: readonly string[]): Row {
    const out: Row = {};
    const layout = this.layout(def);
    if (!fields) {
      const all = layout.all;
      for (let i = 0; i < all.length; i++) {
        const c = all[i];
        out[c.name] = c.read(record[c.column]);
      }
      return out;
    }
    for (const name of fields) {
      const c = layout.byName.get(name);
      if (c) out[name] = c.read(record[c.column]);
    }
    return out;
  }
}

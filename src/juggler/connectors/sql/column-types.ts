import type { PropertyDefinition } from '../../model-definition';

/** Per-connector settings of a model or property: `{"postgresql": {"table": "..."}}`. */
export function connectorSettings(
  source: Readonly<Record<string, unknown>> | undefined,
  connector: string,
): Record<string, unknown> {
  const value = source?.[connector];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
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

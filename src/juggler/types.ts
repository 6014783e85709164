import { isValueObject } from '../util/own';
import { GeoPoint } from './geo-point';

/**
 * The type registry: what a property's `type` names, and how a value is coerced to it.
 *
 * Coercion never invents a value: when a value cannot be read as the type, `coerce` returns
 * `INVALID` and the instance keeps the raw value so validation can report it (LB3 turned such
 * values into NaN or null silently; loopline answers 422 instead).
 */
export const INVALID: unique symbol = Symbol('loopline.invalid');
export type Coerced = unknown | typeof INVALID;

export interface TypeDescriptor {
  /** Canonical name: String, Number, Boolean, Date, Buffer, Object, Array, Any, GeoPoint, or a model name. */
  readonly name: string;
  /** Element type of an `[type]` array. */
  readonly itemType?: TypeDescriptor;
  /** The model class of an embedded model type. */
  readonly model?: EmbeddableModel;
  /**
   * A `Number` whose values are whole (the `integer` type): LB3 code still sees `Number`, the
   * SQL stores make an INTEGER column and OpenAPI says `integer`.
   */
  readonly integer?: boolean;
  /** Coerce a non-null value; null and undefined never reach here. */
  coerce(value: unknown): Coerced;
}

/**
 * A property's type as LB3 code reads it from `Model.definition.properties.x.type`: the constructor
 * (`String`, `Number`, `Date`, `GeoPoint`, the model class of an embedded model, `Any`), or for a
 * typed list a one-element array of the item's (`[String]`).
 */
export type PropertyTypeCtor = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);
export type PropertyType = PropertyTypeCtor | readonly [PropertyType];

/** LB3's type of a property that takes any value (juggler's `ModelBuilder.Any`). */
export function Any(value?: unknown): unknown {
  return value;
}

/** What types.ts needs of an embedded model class (kept structural to avoid a cycle). */
export interface EmbeddableModel {
  modelName: string;
  new (data?: Record<string, unknown>, options?: Record<string, unknown>): object;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

export const StringType: TypeDescriptor = {
  name: 'String',
  coerce(value) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return String(value);
    if (value instanceof Date) return isNaN(value.getTime()) ? INVALID : value.toISOString();
    // An object server code made to stand for a string, such as a MongoDB ObjectID (never from JSON).
    if (isValueObject(value)) return value.toString();
    return INVALID;
  },
};

export const NumberType: TypeDescriptor = {
  name: 'Number',
  coerce(value) {
    // Past the largest double (JSON's 1e309 parses as Infinity) is no number a store or JSON keeps.
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && NUMERIC.test(value)
          ? Number(value)
          : NaN;
    return Number.isFinite(n) ? n : INVALID;
  },
};

/** `"type": "integer"`: a Number with no fraction, within JavaScript's safe integers (a store or JSON keeps it exactly). */
export const IntegerType: TypeDescriptor = {
  name: 'Number',
  integer: true,
  coerce(value) {
    const n = NumberType.coerce(value);
    return typeof n === 'number' && Number.isSafeInteger(n) ? n : INVALID;
  },
};

/** How messages name a type: `integer`, `number`, `string`, a model's name in lower case. */
export function typeLabel(type: TypeDescriptor): string {
  return type.integer ? 'integer' : type.name.toLowerCase();
}

export const BooleanType: TypeDescriptor = {
  name: 'Boolean',
  coerce(value) {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 1 || value === '1') return true;
    if (value === 'false' || value === 0 || value === '0') return false;
    return INVALID;
  },
};

export const DateType: TypeDescriptor = {
  name: 'Date',
  coerce(value) {
    let date: Date;
    if (value instanceof Date) date = value;
    else if (typeof value === 'string' || typeof value === 'number') date = new Date(value);
    else return INVALID;
    return isNaN(date.getTime()) ? INVALID : date;
  },
};

export const BufferType: TypeDescriptor = {
  name: 'Buffer',
  coerce(value) {
    if (Buffer.isBuffer(value)) return value;
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    const bytes = (list: unknown[]) =>
      list.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) < 256);
    if (Array.isArray(value) && bytes(value)) return Buffer.from(value);
    // The JSON form of a Buffer, as LB3's memory file stores it.
    const v = value as { type?: unknown; data?: unknown };
    if (v && v.type === 'Buffer' && Array.isArray(v.data) && bytes(v.data))
      return Buffer.from(v.data as number[]);
    return INVALID;
  },
};

export const ObjectType: TypeDescriptor = {
  name: 'Object',
  coerce(value) {
    return value;
  },
};

export const AnyType: TypeDescriptor = {
  name: 'Any',
  coerce(value) {
    return value;
  },
};

export const GeoPointType: TypeDescriptor = {
  name: 'GeoPoint',
  coerce(value) {
    if (value instanceof GeoPoint) return value;
    const parsed = GeoPoint.parse(value);
    return parsed ? new GeoPoint(parsed.lat, parsed.lng) : INVALID;
  },
};

export function arrayOf(itemType: TypeDescriptor | undefined): TypeDescriptor {
  return {
    name: 'Array',
    itemType,
    coerce(value) {
      if (!Array.isArray(value)) return INVALID;
      if (!itemType || itemType === AnyType || itemType === ObjectType) return value.slice();
      const out = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item === null || item === undefined) {
          out[i] = item;
          continue;
        }
        const coerced = itemType.coerce(item);
        if (coerced === INVALID) return INVALID;
        out[i] = coerced;
      }
      return out;
    },
  };
}

export function embeddedModelType(model: EmbeddableModel): TypeDescriptor {
  return {
    name: model.modelName,
    model,
    coerce(value) {
      if (value instanceof model) return value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return INVALID;
      return new model(value as Record<string, unknown>);
    },
  };
}

const BUILTIN: Record<string, TypeDescriptor> = {
  string: StringType,
  number: NumberType,
  integer: IntegerType,
  boolean: BooleanType,
  date: DateType,
  buffer: BufferType,
  object: ObjectType,
  json: ObjectType,
  any: AnyType,
  geopoint: GeoPointType,
  array: arrayOf(undefined),
};

/** Resolves a built-in type given by name (any case) or by JS constructor; undefined otherwise. */
export function builtinType(type: unknown): TypeDescriptor | undefined {
  if (typeof type === 'string')
    return Object.prototype.hasOwnProperty.call(BUILTIN, type.toLowerCase())
      ? BUILTIN[type.toLowerCase()]
      : undefined;
  if (type === String) return StringType;
  if (type === Number) return NumberType;
  if (type === Boolean) return BooleanType;
  if (type === Date) return DateType;
  if (type === Buffer) return BufferType;
  if (type === Object) return ObjectType;
  if (type === Array) return BUILTIN.array;
  if (type === GeoPoint) return GeoPointType;
  return undefined;
}

const CTOR_BY_NAME: Record<string, PropertyTypeCtor> = {
  String,
  Number,
  Boolean,
  Date,
  Buffer,
  Object,
  Any,
  GeoPoint,
  Array,
};

/** The LB3 form of a resolved type (see PropertyType). */
export function lb3PropertyType(type: TypeDescriptor): PropertyType {
  if (type.model) return type.model;
  if (type.name === 'Array' && type.itemType) return [lb3PropertyType(type.itemType)];
  return CTOR_BY_NAME[type.name] ?? Any;
}

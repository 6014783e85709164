import { FORBIDDEN_KEYS, hasOwn } from '../util/own';
import { DEFAULT_FN_GENERATORS } from './default-fns';
import { ModelDefinition, PropertyDefinition } from './model-definition';
import type { ModelBase, ModelInitOptions } from './model-base';
import { INVALID, TypeDescriptor } from './types';
import { compileJSONWriter, dateText, NEEDS_ESCAPE } from './json-writer';

/**
 * What a model class does per instance, prepared once per model: the initialiser that builds
 * `__data` from user data, the bulk assigner, and the serialiser. Each loops over a prebuilt
 * property list instead of consulting the definition per value.
 */
export interface CompiledModel {
  init(inst: ModelBase, data: Record<string, any> | null | undefined, options?: ModelInitOptions): void;
  assign(inst: ModelBase, data: Record<string, any>): void;
  toObject(inst: ModelBase, how: SerializeOptions): Record<string, any>;
  /**
   * The text `JSON.stringify(inst.toJSON())` would give, written directly (no intermediate
   * object). `nested` is true for included related instances, which also drop protected properties.
   */
  toJSONText(inst: ModelBase, nested: boolean): string;
  coerceProperty(name: string, value: unknown): unknown;
  /**
   * What `init` with `{adopt}` does for a stored row, as a function of this model's own; undefined
   * when rows of this model need the full initialiser (a property type that coerces, or a
   * non-strict model whose rows the store does not vouch for).
   */
  adopter(proto: object, adopt: true | 'defined'): ((data: Record<string, any>) => ModelBase) | undefined;
}

/**
 * The body of an adopter. Compiled once per model on purpose: a single shared function sees
 * every model's prototype at its property stores and goes megamorphic, which the include
 * workload's profile showed as the largest cost of turning rows into instances. The text is fixed;
 * only the prototype and the strict setting vary, passed in as arguments.
 */
const ADOPTER_SOURCE = `return function adopt(data) {
  const inst = Object.create(proto);
  inst.__data = data;
  inst.__cachedRelations = {};
  inst.__strict = strict;
  inst.__persisted = true;
  inst.__unknownProperties = undefined;
  inst.__invalidProperties = undefined;
  return inst;
};`;

function makeAdopter(proto: object, strict: unknown): (data: Record<string, any>) => ModelBase {
  const factory = new Function('proto', 'strict', ADOPTER_SOURCE) as (
    proto: object,
    strict: unknown,
  ) => (data: Record<string, any>) => ModelBase;
  return factory(proto, strict);
}

export interface SerializeOptions {
  onlySchema: boolean;
  removeHidden: boolean;
  removeProtected: boolean;
  /** Serialise nested instances with their toJSON (true) or toObject (false). */
  json: boolean;
}

interface CompiledProperty {
  name: string;
  /** `"name":`, ready to write. */
  jsonKey: string;
  type: TypeDescriptor;
  hidden: boolean;
  protected: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  defaultFn: (() => unknown) | undefined;
}

export function compileModel(
  def: ModelDefinition,
  relationNames: () => Record<string, unknown>,
): CompiledModel {
  const props: CompiledProperty[] = def.propertyNames.map((name) => {
    const p: PropertyDefinition = def.properties[name];
    return {
      name,
      jsonKey: JSON.stringify(name) + ':',
      type: p.kind,
      hidden: p.hidden,
      protected: p.protected,
      hasDefault: p.default !== undefined,
      defaultValue: p.default,
      defaultFn: p.defaultFn ? DEFAULT_FN_GENERATORS[p.defaultFn] : undefined,
    };
  });
  const byName: Record<string, CompiledProperty> = Object.create(null);
  for (const p of props) byName[p.name] = p;
  const names = props.map((p) => p.name);
  const strict = def.strict;
  // Rows a connector returns already hold canonical values; when no property needs an instance
  // built from its value (embedded models, GeoPoint), such a row can become `__data` as it is.
  const adoptable = props.every((p) => isPlainValueType(p.type));
  function coerceInto(inst: ModelBase, p: CompiledProperty, value: unknown): void {
    if (value === null || value === undefined) {
      inst.__data[p.name] = value;
      return;
    }
    const coerced = p.type.coerce(value);
    if (coerced === INVALID) {
      inst.__data[p.name] = value;
      (inst.__invalidProperties ??= Object.create(null) as Record<string, unknown>)[p.name] = value;
    } else {
      inst.__data[p.name] = coerced;
      if (inst.__invalidProperties && p.name in inst.__invalidProperties)
        delete inst.__invalidProperties[p.name];
    }
  }

  function assignUnknown(inst: ModelBase, key: string, value: unknown, fromStore: boolean): void {
    const relations = relationNames();
    if (relations && hasOwn(relations, key)) {
      const rel = relations[key] as
        | {
            type?: string;
            modelTo?: new (...a: any[]) => unknown;
            keyFrom?: string;
            keyTo?: string;
            polymorphic?: unknown;
          }
        | undefined;
      if (
        !fromStore &&
        rel?.type === 'belongsTo' &&
        !rel.polymorphic &&
        rel.modelTo &&
        value instanceof rel.modelTo &&
        rel.keyFrom &&
        rel.keyTo
      ) {
        // LB3: `Image.create({book: aBook})` sets the foreign key (bookId) from the instance given.
        const fk = (value as Record<string, unknown>)[rel.keyTo];
        if (byName[rel.keyFrom]) coerceInto(inst, byName[rel.keyFrom], fk);
        else inst.__data[rel.keyFrom] = fk;
        return;
      }
      // Included related data travels under the relation name; the relations layer revives it.
      inst.__cachedRelations[key] = value;
      return;
    }
    if (strict === false || (fromStore && strict !== 'filter')) {
      inst.__data[key] = value;
      if (!(key in inst)) defineDynamicProperty(inst, key);
      return;
    }
    if (strict === true) (inst.__unknownProperties ??= []).push(key);
    // strict: 'filter' drops the value silently.
  }

  function knowsEveryKey(data: Record<string, any>): boolean {
    for (const key in data) if (!(key in byName)) return false;
    return true;
  }

  function assign(inst: ModelBase, data: Record<string, any>, fromStore = false): void {
    for (const key of Object.keys(data)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const p = byName[key];
      if (p) coerceInto(inst, p, data[key]);
      else assignUnknown(inst, key, data[key], fromStore);
    }
  }

  // Undeclared keys (non-strict models) and included relations, after the defined properties.
  function restText(inst: ModelBase, out: string, first: boolean, nested: boolean): string {
    const data = inst.__data;
    // for-in, not Object.keys: no array per instance for the usual data holding only defined keys.
    // Rows usually hold the defined keys in the definition's order: those are passed over by
    // comparing with the next defined name, without a lookup in byName.
    let next = 0;
    for (const key in data) {
      if (key === names[next]) {
        next++;
        continue;
      }
      if (key in byName || data[key] === undefined || !hasOwn(data, key) || def.hidden.has(key)) continue;
      const text = valueText(data[key], nested);
      if (text === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(key) + ':' + text;
      first = false;
    }
    const cached = inst.__cachedRelations;
    for (const key in cached) {
      const v = cached[key];
      if (v === undefined) continue;
      const text = valueText(v, true);
      if (text === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(key) + ':' + text;
      first = false;
    }
    return out + '}';
  }
  // Generated with the model's first JSON answer, not at boot: most of an app's models are not
  // serialised in a given process's first seconds (or at all), and each costs a compile.
  let writeInstance: ReturnType<typeof compileJSONWriter> | undefined;
  const writer = () =>
    (writeInstance ??= compileJSONWriter(
      props.map((p) => ({
        name: p.name,
        jsonKey: p.jsonKey,
        typeName: p.type.name,
        hidden: p.hidden,
        protected: p.protected,
      })),
      valueText,
      restText,
    ));

  let adopterCache: { proto: object; make: (data: Record<string, any>) => ModelBase } | undefined;

  return {
    adopter(proto, adopt) {
      if (!adoptable || (strict === false && adopt !== 'defined')) return undefined;
      if (adopterCache?.proto !== proto) adopterCache = { proto, make: makeAdopter(proto, strict) };
      return adopterCache.make;
    },
    init(inst, data, options) {
      // Only a non-strict model stores properties it does not define; those need accessors.
      const adopt = options?.adopt;
      if (adopt && adoptable && data && (strict !== false || adopt === 'defined' || knowsEveryKey(data))) {
        inst.__data = data;
        inst.__cachedRelations = {};
        inst.__strict = strict;
        inst.__persisted = true;
        inst.__unknownProperties = undefined;
        inst.__invalidProperties = undefined;
        return;
      }
      inst.__data = {};
      inst.__cachedRelations = {};
      inst.__strict = strict;
      inst.__persisted = options?.persisted === true;
      inst.__unknownProperties = undefined;
      inst.__invalidProperties = undefined;
      if (data) assign(inst, data, inst.__persisted);
      if (options?.applyDefaultValues === false || inst.__persisted) return;
      for (let i = 0; i < props.length; i++) {
        const p = props[i];
        if (inst.__data[p.name] !== undefined) continue;
        if (p.defaultFn) inst.__data[p.name] = p.defaultFn();
        else if (p.hasDefault) coerceInto(inst, p, cloneDefault(p.defaultValue));
      }
    },
    assign(inst, data) {
      assign(inst, data, false);
    },
    coerceProperty(name, value) {
      const p = byName[name];
      if (!p || value === null || value === undefined) return value;
      return p.type.coerce(value);
    },
    toJSONText(inst, nested) {
      return (writeInstance ?? writer())(inst, nested);
    },
    toObject(inst, how) {
      const out: Record<string, any> = {};
      const data = inst.__data;
      for (let i = 0; i < props.length; i++) {
        const p = props[i];
        const v = data[p.name];
        if (v === undefined) continue;
        if ((how.removeHidden && p.hidden) || (how.removeProtected && p.protected)) continue;
        out[p.name] = serializeValue(v, how);
      }
      if (!how.onlySchema) {
        for (const key of Object.keys(data)) {
          if (key in byName || data[key] === undefined) continue;
          if (how.removeHidden && def.hidden.has(key)) continue;
          out[key] = serializeValue(data[key], how);
        }
      }
      const cached = inst.__cachedRelations;
      for (const key in cached) {
        const v = cached[key];
        if (v === undefined) continue;
        // Related instances drop their protected properties too (LB3 nests them that way).
        out[key] = serializeValue(v, how.json ? RELATED_JSON : { ...how, removeProtected: true });
      }
      return out;
    },
  };
}

const RELATED_JSON: SerializeOptions = {
  onlySchema: false,
  removeHidden: true,
  removeProtected: true,
  json: false,
};

function serializeValue(v: unknown, how: SerializeOptions): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => serializeValue(x, how));
  const model = v as {
    toJSON?: () => unknown;
    toObject?: (a: boolean, b: boolean, c: boolean) => unknown;
    __data?: unknown;
  };
  if (model.__data !== undefined && typeof model.toObject === 'function') {
    return how.json ? model.toJSON!() : model.toObject(false, how.removeHidden, how.removeProtected);
  }
  return v;
}

/**
 * One value's JSON text, as JSON.stringify would write it inside `toJSON()`'s output. Model
 * instances (embedded values, included relations) write themselves; `nested` says whether they
 * drop protected properties.
 */
function valueText(v: unknown, nested: boolean): string | undefined {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (valueText(v[i], nested) ?? 'null');
        return out + ']';
      }
      // Model instances (included relations) before dates: an instance's `__data` is its own,
      // where `instanceof Date` would walk its whole prototype chain.
      const model = v as ModelBase;
      if (model.__data !== undefined && model.toJSON === ModelBaseToJSON.fn) {
        return (model.constructor as typeof ModelBase).__compiled.toJSONText(model, nested);
      }
      if (v instanceof Date) return dateText(v);
      return JSON.stringify(v);
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return JSON.stringify(v);
  }
}

/** ModelBase.prototype.toJSON, set by model-base.ts: an instance with its own toJSON is left to it. */
export const ModelBaseToJSON: { fn: unknown } = { fn: undefined };

const PLAIN_TYPES = new Set(['String', 'Number', 'Boolean', 'Date', 'Buffer', 'Object', 'Any']);

function isPlainValueType(type: TypeDescriptor): boolean {
  if (PLAIN_TYPES.has(type.name) && !type.model) return true;
  return type.name === 'Array' && (!type.itemType || isPlainValueType(type.itemType));
}

function cloneDefault(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value));
}

export function defineDynamicProperty(inst: ModelBase, key: string): void {
  Object.defineProperty(inst, key, {
    get(this: ModelBase) {
      return this.__data[key];
    },
    set(this: ModelBase, v: unknown) {
      this.__data[key] = v;
    },
    enumerable: false,
    configurable: true,
  });
}

/** Accessors for the model's properties, defined on the prototype once (never per instance). */
export function defineAccessors(proto: object, def: ModelDefinition, compiled: CompiledModel): void {
  for (const name of def.propertyNames) {
    Object.defineProperty(proto, name, {
      get(this: ModelBase) {
        return this.__data[name];
      },
      set(this: ModelBase, value: unknown) {
        compiled.assign(this, { [name]: value });
      },
      enumerable: true,
      configurable: true,
    });
  }
  // LB3: a model whose single id property has another name (`pk`) still answers `inst.id`.
  const idName = def.idNames.length === 1 ? def.idNames[0] : undefined;
  if (idName !== undefined && idName !== 'id' && !def.propertyNames.includes('id')) {
    Object.defineProperty(proto, 'id', {
      get(this: ModelBase) {
        return this.__data[idName];
      },
      set(this: ModelBase, value: unknown) {
        compiled.assign(this, { [idName]: value });
      },
      enumerable: false,
      configurable: true,
    });
  }
}

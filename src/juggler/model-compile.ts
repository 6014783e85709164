import { FORBIDDEN_KEYS, hasOwn } from '../util/own';
import { DEFAULT_FN_GENERATORS } from './default-fns';
import { ModelDefinition, PropertyDefinition } from './model-definition';
import type { ModelBase, ModelInitOptions } from './model-base';
import { INVALID, TypeDescriptor } from './types';

/**
 * What a model class does per instance, prepared once per model: the initialiser that builds
 * `__data` from user data, the bulk assigner, and the serialiser. Each loops over a prebuilt
 * property list instead of consulting the definition per value.
 */
export interface CompiledModel {
  init(inst: ModelBase, data: Record<string, any> | null | undefined, options?: ModelInitOptions): void;
  assign(inst: ModelBase, data: Record<string, any>): void;
  toObject(inst: ModelBase, how: SerializeOptions): Record<string, any>;
  coerceProperty(name: string, value: unknown): unknown;
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
  type: TypeDescriptor;
  hidden: boolean;
  protected: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  defaultFn: (() => unknown) | undefined;
}

export function compileModel(def: ModelDefinition, relationNames: () => Record<string, unknown>): CompiledModel {
  const props: CompiledProperty[] = def.propertyNames.map((name) => {
    const p: PropertyDefinition = def.properties[name];
    return {
      name,
      type: p.type,
      hidden: p.hidden,
      protected: p.protected,
      hasDefault: p.default !== undefined,
      defaultValue: p.default,
      defaultFn: p.defaultFn ? DEFAULT_FN_GENERATORS[p.defaultFn] : undefined,
    };
  });
  const byName: Record<string, CompiledProperty> = Object.create(null);
  for (const p of props) byName[p.name] = p;
  const strict = def.strict;

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
      if (inst.__invalidProperties && p.name in inst.__invalidProperties) delete inst.__invalidProperties[p.name];
    }
  }

  function assignUnknown(inst: ModelBase, key: string, value: unknown, fromStore: boolean): void {
    const relations = relationNames();
    if (relations && hasOwn(relations, key)) {
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

  function assign(inst: ModelBase, data: Record<string, any>, fromStore = false): void {
    for (const key of Object.keys(data)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const p = byName[key];
      if (p) coerceInto(inst, p, data[key]);
      else assignUnknown(inst, key, data[key], fromStore);
    }
  }

  return {
    init(inst, data, options) {
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

const RELATED_JSON: SerializeOptions = { onlySchema: false, removeHidden: true, removeProtected: true, json: false };

function serializeValue(v: unknown, how: SerializeOptions): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => serializeValue(x, how));
  const model = v as { toJSON?: () => unknown; toObject?: (a: boolean, b: boolean, c: boolean) => unknown; __data?: unknown };
  if (model.__data !== undefined && typeof model.toObject === 'function') {
    return how.json ? model.toJSON!() : model.toObject(false, how.removeHidden, how.removeProtected);
  }
  return v;
}

function cloneDefault(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value));
}

function defineDynamicProperty(inst: ModelBase, key: string): void {
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
}

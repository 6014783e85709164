import { EventEmitter } from 'events';
import { ConfigurationError } from '../errors';
import { defineHidden, FORBIDDEN_KEYS, hasOwn, isPlainObject } from '../util/own';
import { installOwnStatics, ModelBase } from './model-base';
import { compileModel, defineAccessors } from './model-compile';
import {
  DEFAULT_FNS,
  DefaultFn,
  ModelDefinition,
  ModelSettings,
  PropertyDefinition,
  StrictMode,
  pluralize,
} from './model-definition';
import {
  EmbeddableModel,
  TypeDescriptor,
  arrayOf,
  builtinType,
  embeddedModelType,
  lb3PropertyType,
} from './types';
import { applyMixins, MixinRegistry } from './mixins';
import { uniquenessKeys } from './validations';
import { modelReferences } from './relations/references';

export type RawProperties = Record<string, unknown>;

export interface ModelConfig extends ModelSettings {
  name: string;
  base?: string | typeof ModelBase;
  properties?: RawProperties;
}

/** Settings whose arrays accumulate down the inheritance chain instead of being replaced. */
const ACCUMULATED_ARRAYS = new Set(['hidden', 'protected', 'acls']);

/** Keys of a model JSON that are structure, not settings. */
const DEFINITION_KEYS = new Set(['name', 'base', 'properties', 'options']);

/**
 * Turns model definitions (code or JSON) into model classes and keeps them by name, so `base`
 * and property types can name other models.
 */
export class ModelBuilder extends EventEmitter {
  readonly models: Record<string, typeof ModelBase> = Object.create(null);
  readonly definitions: Record<string, ModelDefinition> = Object.create(null);
  readonly mixins = new MixinRegistry();
  /** The class a definition without `base` extends. */
  defaultBase: typeof ModelBase = ModelBase;
  private anonymousCount = 0;
  /** The models being compiled, innermost last: who is naming a type not defined yet. */
  private readonly compiling: Array<typeof ModelBase> = [];
  /**
   * Forward references: a type name no model has yet → the models whose properties name it. LB3
   * apps name models defined later (model-config order, a model JSON loaded after another), so
   * such a property holds anything until the model comes, and its models are compiled again then.
   */
  private readonly pendingTypes = new Map<string, Set<typeof ModelBase>>();

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  getModel(name: string): typeof ModelBase | undefined {
    return hasOwn(this.models, name) ? this.models[name] : undefined;
  }

  /** Forgets the model of that name (LB3's `deleteModelByName`); the class itself lives on. */
  deleteModelByName(name: string): void {
    if (!hasOwn(this.models, name)) return;
    delete this.models[name];
    delete this.definitions[name];
  }

  /** Builds a model from the JSON form `{name, base, properties, ...settings}`. */
  buildModelFromConfig(config: ModelConfig): typeof ModelBase {
    if (!config || typeof config.name !== 'string' || !config.name) {
      throw new ConfigurationError('A model definition needs a non-empty "name"', 'INVALID_MODEL_DEFINITION');
    }
    // LB3 reads settings from `options` too (the form discoverSchema writes); a key given both
    // there and at the top level takes the `options` value, `base` included.
    const options = (config as { options?: unknown }).options;
    const settings: Record<string, unknown> =
      options && typeof options === 'object' && !Array.isArray(options)
        ? { ...(options as Record<string, unknown>) }
        : {};
    for (const [key, value] of Object.entries(config)) {
      if (!DEFINITION_KEYS.has(key) && settings[key] === undefined) settings[key] = value;
    }
    if (settings.base === undefined) settings.base = config.base;
    // `"methods": []` (as slc/lb generate it) declares no remote methods and hides none of the base's.
    if (Array.isArray(settings.methods) && settings.methods.length === 0) delete settings.methods;
    return this.define(config.name, config.properties ?? {}, settings);
  }

  /**
   * `define(name, properties, settings, base)`: the class for a model. `base` is a class or the
   * name of a model already defined; properties and settings are merged over the base's as LB3
   * does (child wins; hidden/protected/acls accumulate).
   */
  define(
    name: string,
    properties: RawProperties = {},
    settings: ModelSettings = {},
    base?: string | typeof ModelBase,
  ): typeof ModelBase {
    if (FORBIDDEN_KEYS.has(name))
      throw new ConfigurationError(`"${name}" cannot name a model`, 'INVALID_MODEL_DEFINITION');
    // LB3 also spells the base `super`.
    const Parent = this.resolveBase(
      base ?? ((settings.base ?? settings.super) as string | typeof ModelBase | undefined),
      name,
    );
    const parentRaw: RawProperties | undefined = Parent.__rawProperties;
    const parentSettings: ModelSettings | undefined = Parent.__rawSettings;

    const rawProperties: RawProperties = { ...(parentRaw ?? {}) };
    for (const [key, value] of Object.entries(properties ?? {})) {
      if (value === null || value === false) delete rawProperties[key];
      else rawProperties[key] = value;
    }
    const rawSettings = mergeSettings(parentSettings ?? {}, settings ?? {});
    delete rawSettings.base;
    delete rawSettings.super;
    // As LB3, `settings.base` is the base class (app code reads `Model.settings.base.modelName`);
    // kept out of enumeration so settings still print and serialise as plain JSON.
    defineHidden(rawSettings, 'base', Parent);

    // A class named after the model (stack traces, `Model.name`).
    const ModelClass: typeof ModelBase = { [name]: class extends Parent {} }[name];
    Object.defineProperty(ModelClass, '__rawProperties', { value: rawProperties, writable: true });
    Object.defineProperty(ModelClass, '__rawSettings', { value: rawSettings, writable: true });
    ModelClass.modelName = name;
    ModelClass.base = Parent;
    // LB3 (util.inherits) names the base class `super_` too.
    ModelClass.super_ = Parent;
    // Own, as in LB3: a model starts with no store (null), whatever data source its base has.
    defineHidden(ModelClass, 'dataSource', null);
    ModelClass.relations = { ...(Parent.relations ?? {}) };
    ModelClass.modelBuilder = this;
    installOwnStatics(ModelClass);
    ModelClass.settings = rawSettings;
    this.models[name] = ModelClass;
    this.compile(ModelClass);
    this.resolvePendingType(name);

    if (rawSettings.mixins && isPlainObject(rawSettings.mixins)) {
      applyMixins(this.mixins, ModelClass, rawSettings.mixins as Record<string, unknown>);
    }
    const scopes = rawSettings.scopes;
    // Named scopes are PersistedModel's (`Model.scope`); a plain model's `scopes` setting does nothing.
    if (scopes && isPlainObject(scopes) && 'scope' in ModelClass && typeof ModelClass.scope === 'function') {
      for (const [scopeName, scope] of Object.entries(scopes)) ModelClass.scope(scopeName, scope);
    }
    if (typeof ModelClass.setup === 'function') ModelClass.setup();
    this.emit('define', ModelClass, name, rawProperties, rawSettings);
    return ModelClass;
  }

  /** (Re)builds the definition, accessors and serialisers, e.g. after a property is added. */
  compile(ModelClass: typeof ModelBase): void {
    const name = ModelClass.modelName;
    this.compiling.push(ModelClass);
    let definition: ModelDefinition;
    try {
      definition = this.normalize(name, ModelClass.__rawProperties, ModelClass.settings, ModelClass);
    } finally {
      this.compiling.pop();
    }
    ModelClass.definition = definition;
    this.definitions[name] = definition;
    const compiled = compileModel(definition, () => ModelClass.relations);
    ModelClass.__compiled = compiled;
    defineAccessors(ModelClass.prototype, definition, compiled);
    // A model family may adjust what is compiled for each of its models (the built-in User
    // hashes the password of an instance user code builds, as LB3 did); inherited by subclasses.
    ModelClass.__adjustCompiled?.(compiled);
  }

  /** Adds or replaces one property on a built model, as LB3's `defineProperty`. */
  defineProperty(ModelClass: typeof ModelBase, name: string, definition: unknown): void {
    ModelClass.__rawProperties[name] = definition;
    this.compile(ModelClass);
  }

  private resolveBase(base: string | typeof ModelBase | undefined, forModel: string): typeof ModelBase {
    if (base === undefined || base === null || base === '') return this.defaultBase;
    if (typeof base === 'function') return base;
    const found = this.getModel(base);
    if (!found) {
      throw new ConfigurationError(
        `The model \`${forModel}\` extends an unknown model \`${base}\`; define the base model first`,
        'INVALID_MODEL_DEFINITION',
      );
    }
    return found;
  }

  private normalize(
    name: string,
    rawProperties: RawProperties,
    settings: ModelSettings,
    ModelClass: typeof ModelBase,
  ): ModelDefinition {
    const properties: Record<string, PropertyDefinition> = Object.create(null);
    const hidden = new Set<string>(Array.isArray(settings.hidden) ? settings.hidden : []);
    const protectedSet = new Set<string>(Array.isArray(settings.protected) ? settings.protected : []);
    let names = Object.keys(rawProperties);
    for (const prop of names) {
      if (FORBIDDEN_KEYS.has(prop))
        throw new ConfigurationError(
          `"${prop}" cannot name a property of ${name}`,
          'INVALID_MODEL_DEFINITION',
        );
      properties[prop] = this.normalizeProperty(name, prop, rawProperties[prop], hidden, protectedSet);
    }
    let idNames = names
      .filter((n) => properties[n].id !== undefined)
      .sort((a, b) => properties[a].id! - properties[b].id!);
    const persisted = ModelClass.__isPersistedModel === true;
    const idInjection = settings.idInjection;
    if (idNames.length === 0 && (idInjection === true || (persisted && idInjection !== false))) {
      // As LB3, an injected id takes the type of ids its store generates (String on transient).
      const idType = connectorCapabilities(ModelClass)?.defaultIdType === 'String' ? 'string' : 'number';
      properties.id = {
        name: 'id',
        kind: builtinType(idType)!,
        type: lb3PropertyType(builtinType(idType)!),
        required: false,
        id: 1,
        generated: true,
        hidden: hidden.has('id'),
        protected: protectedSet.has('id'),
        raw: { type: idType, id: true, generated: true },
      };
      names = [...names, 'id'];
      idNames = ['id'];
    }
    // LB3: strict defaults to false, except on stores that cannot keep free-form properties (SQL),
    // where the data source sets it to true when the model is attached.
    const strict: StrictMode =
      settings.strict === true || settings.strict === 'filter' ? settings.strict : false;
    const firstId = idNames.length ? properties[idNames[0]] : undefined;
    const forceId = typeof settings.forceId === 'boolean' ? settings.forceId : !!firstId?.generated;
    // Not frozen: LB3 code assigns `Model.definition.settings = {...}` (read by the REST options,
    // as LB3 reads them) and edits `definition.properties.x.default = …` (applyDefinitionEdits
    // takes such edits in).
    return {
      name,
      properties,
      propertyNames: Object.freeze(names),
      settings,
      idNames: Object.freeze(idNames),
      idName: idNames[0],
      strict,
      forceId,
      hidden,
      protected: protectedSet,
      pluralName: typeof settings.plural === 'string' && settings.plural ? settings.plural : pluralize(name),
      uniqueKeys: () => uniquenessKeys(ModelClass as unknown as Parameters<typeof uniquenessKeys>[0]),
      references: () => modelReferences(ModelClass as unknown as Parameters<typeof modelReferences>[0]),
    };
  }

  private normalizeProperty(
    model: string,
    prop: string,
    raw: unknown,
    hidden: Set<string>,
    protectedSet: Set<string>,
  ): PropertyDefinition {
    const spec: Record<string, unknown> =
      isPlainObject(raw) && !isAnonymousObjectType(raw) ? (raw as Record<string, unknown>) : { type: raw };
    const type = this.resolveType(spec.type, `${model}.${prop}`);
    const idValue = spec.id;
    const id = idValue === true ? 1 : typeof idValue === 'number' && idValue > 0 ? idValue : undefined;
    const defaultFn = spec.defaultFn as string | undefined;
    if (defaultFn !== undefined && !DEFAULT_FNS.includes(defaultFn as DefaultFn)) {
      throw new ConfigurationError(
        `${model}.${prop}: unknown defaultFn "${defaultFn}" (one of ${DEFAULT_FNS.join(', ')})`,
        'INVALID_MODEL_DEFINITION',
      );
    }
    if (spec.hidden === true) hidden.add(prop);
    if (spec.protected === true) protectedSet.add(prop);
    return {
      name: prop,
      kind: type,
      type: lb3PropertyType(type),
      required: spec.required === true,
      id,
      generated: spec.generated === true,
      default: spec.default,
      defaultFn: defaultFn as DefaultFn | undefined,
      index: spec.index,
      hidden: hidden.has(prop),
      protected: protectedSet.has(prop),
      description: Array.isArray(spec.description)
        ? spec.description.join('\n')
        : (spec.description as string | undefined),
      raw: spec,
    };
  }

  /**
   * Takes in edits an LB3 script made to a built model's definition — `Model.definition.properties
   * .x.default = 5` (also `required`, `defaultFn`), a property added there in JSON form, one deleted —
   * and recompiles, so instances built from then on follow them (LB3 reads the definition on every
   * construction; loopline compiles it). Boot calls it after each model script and after the boot
   * scripts. Returns whether anything changed.
   */
  applyDefinitionEdits(ModelClass: typeof ModelBase): boolean {
    const raw: RawProperties = ModelClass.__rawProperties;
    const props = ModelClass.definition.properties as Record<
      string,
      PropertyDefinition | Record<string, unknown>
    >;
    let changed = false;
    for (const [name, prop] of Object.entries(props)) {
      const normalized = prop as PropertyDefinition;
      if (!normalized.raw || normalized.name !== name) {
        raw[name] = prop;
        changed = true;
        continue;
      }
      const spec = normalized.raw as Record<string, unknown>;
      const edits: Record<string, unknown> = {};
      if (normalized.default !== spec.default) edits.default = normalized.default;
      if (normalized.defaultFn !== spec.defaultFn) edits.defaultFn = normalized.defaultFn;
      if (normalized.required !== (spec.required === true)) edits.required = normalized.required;
      if (Object.keys(edits).length === 0) continue;
      // The injected id is not in the raw properties; an edit to it makes it declared.
      raw[name] = { ...spec, ...edits };
      changed = true;
    }
    for (const name of Object.keys(raw)) {
      if (!hasOwn(props, name)) {
        delete raw[name];
        changed = true;
      }
    }
    if (changed) this.compile(ModelClass);
    return changed;
  }

  /** The models that named `name` before it was defined take it as their property's type now. */
  private resolvePendingType(name: string): void {
    const waiting = this.pendingTypes.get(name);
    if (!waiting) return;
    this.pendingTypes.delete(name);
    // A dependent replaced or deleted since keeps what it was compiled with.
    for (const Dependent of waiting)
      if (this.models[Dependent.modelName] === Dependent) this.compile(Dependent);
  }

  /** A property's `type`: built-in name or constructor, `[type]`, a model name, or a nested definition. */
  resolveType(type: unknown, where: string): TypeDescriptor {
    if (type === undefined || type === null) return builtinType('any')!;
    if (Array.isArray(type)) return arrayOf(type.length ? this.resolveType(type[0], where) : undefined);
    const builtin = builtinType(type);
    if (builtin) return builtin;
    if (typeof type === 'string') {
      const model = this.getModel(type);
      if (model) return embeddedModelType(model);
      const naming = this.compiling[this.compiling.length - 1];
      if (!naming || type === '')
        throw new ConfigurationError(`${where}: unknown type "${type}"`, 'INVALID_MODEL_DEFINITION');
      // A model defined later (LB3's placeholder type): any value until then.
      let waiting = this.pendingTypes.get(type);
      if (!waiting) this.pendingTypes.set(type, (waiting = new Set()));
      waiting.add(naming);
      return builtinType('any')!;
    }
    if (typeof type === 'function' && 'modelName' in type && type.modelName)
      return embeddedModelType(type as EmbeddableModel);
    if (isPlainObject(type)) {
      // An anonymous nested object: a model of its own, without an id.
      const anon = this.define(`AnonymousModel_${++this.anonymousCount}`, type as RawProperties, {
        idInjection: false,
        anonymous: true,
      });
      return embeddedModelType(anon);
    }
    throw new ConfigurationError(`${where}: unsupported type ${String(type)}`, 'INVALID_MODEL_DEFINITION');
  }
}

/** What the store behind a model says it does, when the model has a store. */
function connectorCapabilities(Model: typeof ModelBase): { defaultIdType?: string } | undefined {
  const connector = Model.dataSource?.connector as { capabilities?: { defaultIdType?: string } } | undefined;
  return connector?.capabilities;
}

/** `{street: 'string'}` as a property value is a nested type, not a property spec with a `type` key. */
function isAnonymousObjectType(raw: Record<string, unknown>): boolean {
  return (
    !hasOwn(raw, 'type') &&
    Object.keys(raw).length > 0 &&
    !Object.keys(raw).some((k) => PROPERTY_SPEC_KEYS.has(k))
  );
}

const PROPERTY_SPEC_KEYS = new Set([
  'required',
  'id',
  'generated',
  'default',
  'defaultFn',
  'index',
  'hidden',
  'protected',
  'description',
  'length',
  'precision',
  'scale',
  'doc',
  'postgresql',
  'mysql',
  'memory',
  'mongodb',
  'jsonSchema',
  'comments',
]);

/** LB3's settings merge: objects merge deeply, scalars are replaced, some arrays accumulate. */
export function mergeSettings(base: ModelSettings, own: ModelSettings): ModelSettings {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const prev = out[key];
    if (ACCUMULATED_ARRAYS.has(key) && Array.isArray(prev) && Array.isArray(value)) {
      out[key] = key === 'acls' ? [...prev, ...value] : Array.from(new Set([...prev, ...value]));
    } else if (isPlainObject(prev) && isPlainObject(value)) {
      out[key] = mergeSettings(prev as ModelSettings, value as ModelSettings);
    } else {
      out[key] = value;
    }
  }
  return out as ModelSettings;
}

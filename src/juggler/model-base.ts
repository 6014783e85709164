import { EventEmitter } from 'events';
import { ModelDefinition, ModelSettings, StrictMode } from './model-definition';
import { CompiledModel, ModelBaseToJSON } from './model-compile';
import { TO_JSON_TEXT } from '../util/json-text';
import { defineHidden } from '../util/own';
import type { ModelBuilder } from './model-builder';
import type { ModelDataSource } from './store/model-data-source';
import type { ModelClass } from './persisted-model';
import type { RelationDefinition, RelationParams } from './relations/relation-definition';
import { defineRelation, type RelationTarget } from './relations/define';
import {
  addRule,
  propsAndOptions,
  validateInstance,
  type ValidationOptions,
  type Validator,
} from './validations';

/**
 * The statics that layers above the data layer give every model class (the remoting API of
 * `loopback/model-api`), declared there by merging into this interface, so `Customer.remoteMethod`
 * is typed wherever that layer is loaded while the data layer never imports it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModelStatics {}

/**
 * The root of every model class (`loopback.Model`), exported as `ModelBase` with ModelStatics.
 * An instance keeps its values in `__data`; the per-property accessors live on each model's
 * prototype, defined once when the model is built. Every static of a model is declared here or
 * on PersistedModel (data access, LB3's aliases) and defined with the class.
 *
 * Instance fields are `declare`d, never initialised by class-field semantics, so every instance
 * of a model is shaped by one initialiser (CompiledModel.init) and shares one hidden class.
 */
class Model {
  declare static modelName: string;
  declare static definition: ModelDefinition;
  declare static settings: ModelSettings;
  /** Relations by name; filled by the relations layer. */
  declare static relations: Record<string, any>;
  declare static __compiled: CompiledModel;
  declare static base: typeof Model | undefined;
  /** The same base class under LB3's (util.inherits) name. */
  declare static super_: typeof Model | undefined;
  /** The builder that made the model (`Model.extend` and relation targets resolve through it). */
  declare static modelBuilder: ModelBuilder | undefined;
  /** The model's store; own on every model, null until attached. */
  declare static dataSource: ModelDataSource | null | undefined;
  /** The property definitions and settings as given, before the base's were merged in. */
  declare static __rawProperties: Record<string, unknown>;
  declare static __rawSettings: ModelSettings;
  /** Set by PersistedModel: the model has the data access API. */
  declare static readonly __isPersistedModel?: boolean;
  /** A model family's adjustment of its compiled model (the built-in User hashes passwords). */
  declare static __adjustCompiled?: (compiled: CompiledModel) => void;
  /** Named scopes by name (`Model.scope(name, filter)`), own to the model once it defines one. */
  declare static __scopes?: Record<string, Record<string, unknown>>;
  /** LB3's per-model setup hook, called once the model is built. */
  declare static setup?: () => void;

  declare __data: Record<string, any>;
  declare __cachedRelations: Record<string, any>;
  declare __strict: StrictMode;
  declare __persisted: boolean;
  /** Names given to a strict model that it does not define; reported by validation. */
  declare __unknownProperties: string[] | undefined;
  /** Raw values that could not be coerced to their property's type; reported by validation. */
  declare __invalidProperties: Record<string, unknown> | undefined;

  constructor(data?: Record<string, any> | null, options?: ModelInitOptions) {
    (this.constructor as typeof Model).__compiled.init(this, data, options);
  }

  /**
   * `Model.extend('Admin', properties, settings)`: a model based on this one (LB3). The core
   * classes (`loopback.Model`, `loopback.PersistedModel`) extend through the default registry's
   * builder, so the new model is known by name there.
   */
  static extend<M extends typeof ModelBase>(
    this: M,
    name: string,
    properties?: Record<string, unknown>,
    settings?: Record<string, unknown>,
  ): M {
    const builder = this.modelBuilder;
    if (!builder)
      throw new TypeError(`${this.modelName} was not built by a ModelBuilder and cannot be extended`);
    return builder.define(name, properties ?? {}, settings ?? {}, this) as M;
  }

  /** `Model.attachTo(dataSource)`: LB3's way to give a model its store after it was built. */
  static attachTo(this: typeof Model, dataSource: { attach(model: typeof Model): unknown }): void {
    dataSource.attach(this);
  }

  // ---- events: every model class is an event emitter of its own (LB3: 'attached',
  // 'dataSourceAttached', 'remoteMethodAdded', 'changed'…); a subclass never hears its parent's. ----
  static on<M extends typeof Model>(this: M, event: string | symbol, fn: (...args: any[]) => void): M {
    emitterOf(this).on(event, fn);
    return this;
  }
  static addListener<M extends typeof Model>(
    this: M,
    event: string | symbol,
    fn: (...args: any[]) => void,
  ): M {
    emitterOf(this).addListener(event, fn);
    return this;
  }
  static prependListener<M extends typeof Model>(
    this: M,
    event: string | symbol,
    fn: (...args: any[]) => void,
  ): M {
    emitterOf(this).prependListener(event, fn);
    return this;
  }
  static once<M extends typeof Model>(this: M, event: string | symbol, fn: (...args: any[]) => void): M {
    emitterOf(this).once(event, fn);
    return this;
  }
  static off<M extends typeof Model>(this: M, event: string | symbol, fn: (...args: any[]) => void): M {
    emitterOf(this).off(event, fn);
    return this;
  }
  static removeListener<M extends typeof Model>(
    this: M,
    event: string | symbol,
    fn: (...args: any[]) => void,
  ): M {
    emitterOf(this).removeListener(event, fn);
    return this;
  }
  static removeAllListeners<M extends typeof Model>(this: M, event?: string | symbol): M {
    if (event === undefined) emitterOf(this).removeAllListeners();
    else emitterOf(this).removeAllListeners(event);
    return this;
  }
  static emit(this: typeof Model, event: string | symbol, ...args: unknown[]): boolean {
    return emitterOf(this).emit(event, ...args);
  }
  static listeners(this: typeof Model, event: string | symbol): Array<(...args: any[]) => void> {
    return emitterOf(this).listeners(event) as Array<(...args: any[]) => void>;
  }
  static listenerCount(this: typeof Model, event: string | symbol): number {
    return emitterOf(this).listenerCount(event);
  }
  static setMaxListeners<M extends typeof Model>(this: M, n: number): M {
    emitterOf(this).setMaxListeners(n);
    return this;
  }
  static getMaxListeners(this: typeof Model): number {
    return emitterOf(this).getMaxListeners();
  }

  /** Adds (or replaces) a property after the model was built, as LB3's `defineProperty`. */
  static defineProperty(this: typeof ModelBase, name: string, definition: unknown): void {
    this.modelBuilder!.defineProperty(this, name, definition);
    const ds = this.dataSource;
    if (ds && 'define' in ds.connector) ds.connector.define(this.definition);
  }

  // ---- validations (LB3): rules every instance of the model is checked against ----
  static validatesPresenceOf(...propertiesThenOptions: Array<string | ValidationOptions>): void {
    const [properties, options] = propsAndOptions(propertiesThenOptions);
    for (const property of properties) addRule(this, property, 'presence', options);
  }
  static validatesAbsenceOf(...propertiesThenOptions: Array<string | ValidationOptions>): void {
    const [properties, options] = propsAndOptions(propertiesThenOptions);
    for (const property of properties) addRule(this, property, 'absence', options);
  }
  static validatesLengthOf(property: string, options: ValidationOptions): void {
    addRule(this, property, 'length', options);
  }
  static validatesNumericalityOf(property: string, options: ValidationOptions = {}): void {
    addRule(this, property, 'numericality', options);
  }
  static validatesInclusionOf(property: string, options: ValidationOptions): void {
    addRule(this, property, 'inclusion', options);
  }
  static validatesExclusionOf(property: string, options: ValidationOptions): void {
    addRule(this, property, 'exclusion', options);
  }
  static validatesFormatOf(property: string, options: ValidationOptions): void {
    addRule(this, property, 'format', options);
  }
  static validatesUniquenessOf(property: string, options: ValidationOptions = {}): void {
    addRule(this, property, 'uniqueness', options);
  }
  static validatesDateOf(property: string, options: ValidationOptions = {}): void {
    addRule(this, property, 'date', options);
  }
  /** A custom rule: `fn` calls `err(kind?)` for each error. */
  static validate(property: string, fn: Validator, options: ValidationOptions = {}): void {
    addRule(this, property, 'custom', options, fn);
  }
  /** A custom rule that calls `done()` when it has checked. */
  static validateAsync(property: string, fn: Validator, options: ValidationOptions = {}): void {
    addRule(this, property, 'custom', options, fn, true);
  }

  // ---- relations (LB3): `Customer.hasMany(Order, {as: 'orders'})` ----
  static hasMany(this: ModelClass, target: RelationTarget, params?: RelationParams): RelationDefinition {
    return defineRelation(this, 'hasMany', target, params);
  }
  static belongsTo(this: ModelClass, target: RelationTarget, params?: RelationParams): RelationDefinition {
    return defineRelation(this, 'belongsTo', target, params);
  }
  static hasOne(this: ModelClass, target: RelationTarget, params?: RelationParams): RelationDefinition {
    return defineRelation(this, 'hasOne', target, params);
  }
  static hasAndBelongsToMany(
    this: ModelClass,
    target: RelationTarget,
    params?: RelationParams,
  ): RelationDefinition {
    return defineRelation(this, 'hasAndBelongsToMany', target, params);
  }
  static referencesMany(
    this: ModelClass,
    target: RelationTarget,
    params?: RelationParams,
  ): RelationDefinition {
    return defineRelation(this, 'referencesMany', target, params);
  }
  static embedsOne(this: ModelClass, target: RelationTarget, params?: RelationParams): RelationDefinition {
    return defineRelation(this, 'embedsOne', target, params);
  }
  static embedsMany(this: ModelClass, target: RelationTarget, params?: RelationParams): RelationDefinition {
    return defineRelation(this, 'embedsMany', target, params);
  }

  static getIdName(this: typeof Model): string | undefined {
    return this.definition.idName;
  }

  /**
   * Properties a client may send on update but not on create (LB3): those declared `updateOnly`,
   * and the id when the model forces it (a generated id, `forceId` not false).
   */
  static getUpdateOnlyProperties(this: typeof Model): string[] {
    const def = this.definition;
    return def.propertyNames.filter(
      (name) => (name === def.idName && def.forceId) || def.properties[name].raw?.updateOnly === true,
    );
  }

  static getPropertyType(this: typeof Model, name: string): string | undefined {
    return this.definition.properties[name]?.kind.name;
  }

  getId(): any {
    const idName = (this.constructor as typeof Model).definition.idName;
    return idName === undefined ? undefined : this.__data[idName];
  }

  setId(value: unknown): void {
    const idName = (this.constructor as typeof Model).definition.idName;
    if (idName !== undefined) (this as unknown as Record<string, unknown>)[idName] = value;
  }

  getIdName(): string | undefined {
    return (this.constructor as typeof Model).definition.idName;
  }

  /** True until the instance has been saved or was loaded from the store. */
  isNewRecord(): boolean {
    return !this.__persisted;
  }

  /**
   * A plain object of the instance's values. LB3's signature: `toObject(onlySchema, removeHidden,
   * removeProtected)`; the default keeps hidden properties (server-side code needs them).
   */
  toObject(onlySchema?: boolean, removeHidden?: boolean, removeProtected?: boolean): Record<string, any> {
    return (this.constructor as typeof Model).__compiled.toObject(this, {
      onlySchema: onlySchema === true,
      removeHidden: removeHidden === true,
      removeProtected: removeProtected === true,
      json: false,
    });
  }

  /** What `JSON.stringify` and the REST layer see: hidden properties removed, included relations kept. */
  toJSON(): Record<string, any> {
    return (this.constructor as typeof Model).__compiled.toObject(this, {
      onlySchema: false,
      removeHidden: true,
      removeProtected: false,
      json: true,
    });
  }

  /** The instance's JSON text, written by the model's compiled serialiser (no toJSON object). */
  [TO_JSON_TEXT](): string | undefined {
    if (this.toJSON !== Model.prototype.toJSON) return undefined;
    return (this.constructor as typeof Model).__compiled.toJSONText(this, false);
  }

  /** Sets several properties at once through their accessors (so values are coerced). */
  setAttributes(data: Record<string, any>): void {
    (this.constructor as typeof Model).__compiled.assign(this, data);
  }

  setAttribute(name: string, value: unknown): void {
    this.setAttributes({ [name]: value });
  }

  getAttribute(name: string): unknown {
    return this.__data[name];
  }

  inspect(): Record<string, any> {
    return this.toObject();
  }

  /**
   * LB3's `isValid(cb)`: fills `errors` and answers whether the instance passes its model's
   * rules — a boolean at once when every rule is synchronous, else a promise of it.
   */
  isValid(cb?: (valid: boolean) => void, _data?: unknown, options?: object): boolean | Promise<boolean> {
    const result = validateInstance(this, options);
    if (typeof cb === 'function') {
      if (typeof result === 'boolean') cb(result);
      else result.then(cb, () => cb(false));
    }
    return result;
  }
}

// The class keeps the name it always had (stack traces, `ModelBase.name`).
Object.defineProperty(Model, 'name', { value: 'ModelBase' });

/** The root model class, with the statics other layers declare in ModelStatics. */
export const ModelBase = Model as typeof Model & ModelStatics;
export type ModelBase = Model;
/** The class body alone (declarations name it; code uses ModelBase). */
export { Model as ModelBaseClass };

export interface ModelInitOptions {
  /** Apply `default`/`defaultFn` values to missing properties (true for new instances). */
  applyDefaultValues?: boolean;
  /** The data comes from the store: mark persisted, skip defaults and strictness checks. */
  persisted?: boolean;
  /** Properties absent from the data are not to be filled in (a `fields` projection). */
  fields?: readonly string[];
  /**
   * The data is a fresh row from the connector, owned by the instance from now on; `'defined'`
   * adds that the connector vouches it holds only defined properties.
   */
  adopt?: boolean | 'defined';
  [key: string]: unknown;
}

const EMITTER = Symbol('loopline.modelEmitter');

const EMITTER_METHODS = [
  'on',
  'addListener',
  'prependListener',
  'once',
  'off',
  'removeListener',
  'removeAllListeners',
  'emit',
  'listeners',
  'listenerCount',
  'setMaxListeners',
  'getMaxListeners',
] as const;

/**
 * Gives a newly built model class its own `extend` and emitter methods, as LB3's builder does:
 * `Sub.extend` extends `Sub` even when an app (or LB3's own test helpers) replaced the parent's
 * `extend`, and `User1.once !== User2.once`.
 */
export function installOwnStatics(Model: typeof ModelBase): void {
  const own = (name: string, value: unknown) => defineHidden(Model, name, value);
  own(
    'extend',
    function extend(name: string, properties?: Record<string, unknown>, settings?: Record<string, unknown>) {
      return ModelBase.extend.call(Model, name, properties, settings);
    },
  );
  for (const method of EMITTER_METHODS) {
    const shared: (...args: any[]) => unknown = ModelBase[method];
    own(method, function (this: unknown, ...args: unknown[]) {
      return shared.apply(Model, args);
    });
  }
}

/** The class's own emitter, made on first use (a model nobody listens to carries none). */
function emitterOf(Model: object): EventEmitter {
  const holder = Model as unknown as { [EMITTER]?: EventEmitter };
  if (!Object.prototype.hasOwnProperty.call(Model, EMITTER)) {
    const emitter = new EventEmitter();
    // LB3 apps hang many listeners on a model (one per related model, boot script, mixin).
    emitter.setMaxListeners(0);
    Object.defineProperty(Model, EMITTER, { value: emitter });
  }
  return holder[EMITTER]!;
}

ModelBaseToJSON.fn = ModelBase.prototype.toJSON;

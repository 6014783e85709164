import { ConfigurationError } from '../../errors';
import { singularize } from 'inflection';
import { hasOwn, isPlainObject } from '../../util/own';
import type { ModelClass } from '../persisted-model';
import type { ModelBuilder } from '../model-builder';
import { installAccessors } from './accessors';
import { noteRelationKeys } from './key-properties';
import {
  camelize,
  ForeignKeyConstraint,
  normalizePolymorphic,
  RELATION_TYPES,
  RelationDefinition,
  RelationParams,
  RelationType,
} from './relation-definition';

/**
 * Defining relations: `Customer.hasMany(Order, params)` and friends, and the `relations` of a
 * model JSON (resolved once every model they name exists). Keys default as LB3's do (an empty
 * `"foreignKey": ""`, as generators write it, means the default too), and the foreign key property
 * is added to the model that holds it, typed like the id it points at.
 */

/** A relation's target: the model class, or its name (or the relation's name, as LB3 reads it). */
export type RelationTarget = ModelClass | string;
type Target = RelationTarget;

function builderOf(Model: ModelClass): ModelBuilder {
  return Model.modelBuilder as ModelBuilder;
}

function resolveModel(Model: ModelClass, target: Target, what: string): ModelClass {
  if (typeof target === 'function') return target as ModelClass;
  const found = typeof target === 'string' ? builderOf(Model)?.getModel(target) : undefined;
  if (!found)
    throw new ConfigurationError(
      `${Model.modelName}: ${what} names an unknown model "${String(target)}"`,
      'MODEL_NOT_DEFINED',
    );
  return found as ModelClass;
}

function idNameOf(Model: ModelClass): string {
  return Model.definition.idName ?? 'id';
}

function pluralOf(Model: ModelClass): string {
  return Model.definition.pluralName;
}

/** The raw type of a key property, so a foreign key is declared like the id it references. */
function keyType(Model: ModelClass, key: string): string {
  const kind = Model.definition.properties[key]?.kind;
  if (!kind) return 'Number';
  return kind.integer ? 'integer' : kind.name;
}

/** Adds `name` to `Model` unless it already has it; the store learns the new property. */
function ensureProperty(Model: ModelClass, name: string, definition: Record<string, unknown>): void {
  if (Model.definition.properties[name]) return;
  builderOf(Model).defineProperty(Model, name, definition);
  const ds = Model.dataSource;
  if (ds && Model.__isPersistedModel && 'define' in ds.connector) ds.connector.define(Model.definition);
}

/**
 * A relation's foreign key: added like any property, and an existing one takes the type of the
 * key it references (LB3 resets it: `AccessToken.belongsTo(MyUser)` with string ids turns the
 * built-in `userId` into a string). An id property keeps its type.
 */
function ensureForeignKey(Model: ModelClass, name: string, type: string): void {
  const existing = Model.definition.properties[name];
  if (!existing) return ensureProperty(Model, name, { type });
  // A key declared `number` that points at an `integer` id keeps the type its author gave it.
  if (
    existing.id !== undefined ||
    existing.kind.name === type ||
    (type === 'integer' && existing.kind.name === 'Number')
  )
    return;
  const raw = isPlainObject(existing.raw) ? (existing.raw as Record<string, unknown>) : {};
  builderOf(Model).defineProperty(Model, name, { ...raw, type });
  const ds = Model.dataSource;
  if (ds && Model.__isPersistedModel && 'define' in ds.connector) ds.connector.define(Model.definition);
}

function register(rel: RelationDefinition): RelationDefinition {
  const Model = rel.modelFrom;
  if (!hasOwn(Model, 'relations')) Model.relations = { ...(Model.relations ?? {}) };
  Model.relations[rel.name] = rel;
  noteRelationKeys(rel);
  installAccessors(rel);
  builderOf(Model)?.emit('relation', rel);
  return rel;
}

function common(params: RelationParams) {
  return {
    scope: isPlainObject(params.scope) ? (params.scope as Record<string, any>) : undefined,
    properties: isPlainObject(params.properties) ? (params.properties as Record<string, string>) : undefined,
    options: isPlainObject(params.options) ? (params.options as Record<string, any>) : {},
    disableInclude:
      params.disableInclude === true ||
      (isPlainObject(params.options) && (params.options as Record<string, unknown>).disableInclude === true),
    foreignKeyConstraint:
      params.foreignKeyConstraint === true
        ? {}
        : isPlainObject(params.foreignKeyConstraint)
          ? { ...(params.foreignKeyConstraint as ForeignKeyConstraint) }
          : undefined,
  };
}

export function hasMany(Model: ModelClass, target: Target, params: RelationParams = {}): RelationDefinition {
  const To = resolveModel(Model, target, 'hasMany');
  const name = params.as ?? camelize(pluralOf(To));
  const keyFrom = params.primaryKey ?? idNameOf(Model);
  const poly = normalizePolymorphic(params.polymorphic, name);
  const keyTo = poly?.foreignKey ?? (params.foreignKey || camelize(`${Model.modelName}_id`));
  if (params.through) {
    const Through = resolveModel(Model, params.through as Target, 'through');
    const keyThrough = params.keyThrough ?? camelize(`${To.modelName}_id`);
    ensureProperty(Through, keyTo, { type: keyType(Model, keyFrom) });
    ensureProperty(Through, keyThrough, { type: keyType(To, idNameOf(To)) });
    if (poly) ensureProperty(Through, poly.discriminator, { type: 'string' });
    return register(
      new RelationDefinition({
        name,
        type: 'hasMany',
        modelFrom: Model,
        modelTo: To,
        keyFrom,
        keyTo,
        multiple: true,
        modelThrough: Through,
        keyThrough,
        polymorphic: poly ? { ...poly, invert: false } : undefined,
        ...common(params),
      }),
    );
  }
  // A polymorphic key points at several models: it keeps the type its belongsTo gave it.
  if (poly) ensureProperty(To, keyTo, { type: keyType(Model, keyFrom) });
  else ensureForeignKey(To, keyTo, keyType(Model, keyFrom));
  if (poly) ensureProperty(To, poly.discriminator, { type: 'string' });
  return register(
    new RelationDefinition({
      name,
      type: 'hasMany',
      modelFrom: Model,
      modelTo: To,
      keyFrom,
      keyTo,
      multiple: true,
      polymorphic: poly ? { ...poly, invert: false } : undefined,
      ...common(params),
    }),
  );
}

/** A polymorphic belongsTo's `models` setting: the names its discriminator may hold. */
function targetList(Model: ModelClass, name: string, models: unknown): readonly string[] | undefined {
  if (models === undefined) return undefined;
  if (!Array.isArray(models) || !models.every((m) => typeof m === 'string' && m !== '')) {
    throw new ConfigurationError(
      `${Model.modelName}: relation "${name}" has "models" that is not a list of model names (e.g. ["Picture", "Post"])`,
      'INVALID_MODEL_DEFINITION',
    );
  }
  return Object.freeze([...(models as string[])]);
}

export function belongsTo(
  Model: ModelClass,
  target: Target,
  params: RelationParams = {},
): RelationDefinition {
  if (params.polymorphic) {
    const name =
      params.as ?? (typeof target === 'string' ? target : camelize((target as ModelClass).modelName));
    const poly = normalizePolymorphic(params.polymorphic, name)!;
    const polymorphicModels = targetList(Model, name, params.models);
    ensureProperty(Model, poly.foreignKey, { type: 'any' });
    ensureProperty(Model, poly.discriminator, { type: 'string' });
    return register(
      new RelationDefinition({
        name,
        type: 'belongsTo',
        modelFrom: Model,
        modelTo: null,
        keyFrom: poly.foreignKey,
        keyTo: 'id',
        multiple: false,
        polymorphic: { ...poly, invert: true },
        polymorphicModels,
        ...common(params),
      }),
    );
  }
  const To = resolveModel(Model, target, 'belongsTo');
  const name = params.as ?? camelize(To.modelName);
  const keyTo = params.primaryKey ?? idNameOf(To);
  const keyFrom = params.foreignKey || `${name}Id`;
  ensureForeignKey(Model, keyFrom, keyType(To, keyTo));
  return register(
    new RelationDefinition({
      name,
      type: 'belongsTo',
      modelFrom: Model,
      modelTo: To,
      keyFrom,
      keyTo,
      multiple: false,
      ...common(params),
    }),
  );
}

export function hasOne(Model: ModelClass, target: Target, params: RelationParams = {}): RelationDefinition {
  const To = resolveModel(Model, target, 'hasOne');
  const name = params.as ?? camelize(To.modelName);
  const keyFrom = params.primaryKey ?? idNameOf(Model);
  const poly = normalizePolymorphic(params.polymorphic, name);
  const keyTo = poly?.foreignKey ?? (params.foreignKey || camelize(`${Model.modelName}_id`));
  ensureProperty(To, keyTo, { type: keyType(Model, keyFrom) });
  if (poly) ensureProperty(To, poly.discriminator, { type: 'string' });
  return register(
    new RelationDefinition({
      name,
      type: 'hasOne',
      modelFrom: Model,
      modelTo: To,
      keyFrom,
      keyTo,
      multiple: false,
      polymorphic: poly ? { ...poly, invert: false } : undefined,
      ...common(params),
    }),
  );
}

/** hasAndBelongsToMany: hasMany through a join model, found (`AB` or `BA`) or made on the fly. */
export function hasAndBelongsToMany(
  Model: ModelClass,
  target: Target,
  params: RelationParams = {},
): RelationDefinition {
  const To = resolveModel(Model, target, 'hasAndBelongsToMany');
  let Through = params.through ? resolveModel(Model, params.through as Target, 'through') : undefined;
  if (!Through) {
    const builder = builderOf(Model);
    Through = (builder.getModel(Model.modelName + To.modelName) ??
      builder.getModel(To.modelName + Model.modelName)) as ModelClass | undefined;
    // A join model whose keys point at an earlier definition of either side (another app booted
    // in this process) belongs to that app and its data source: this one gets its own.
    const stale = (Side: ModelClass) => {
      const rel = Through?.relations?.[camelize(Side.modelName)] as RelationDefinition | undefined;
      return rel !== undefined && rel.modelTo !== Side;
    };
    if (Through && (stale(Model) || stale(To))) Through = undefined;
    if (!Through) {
      Through = builder.define(
        Model.modelName + To.modelName,
        {},
        {},
        Model.__isPersistedModel ? 'PersistedModel' : undefined,
      ) as ModelClass;
      const Join = Through;
      // A JSON relation is defined before boot attaches its owner: the join model follows it.
      if (Model.dataSource) Model.dataSource.attach(Join);
      else
        Model.once(
          'dataSourceAttached',
          () => Model.dataSource && !Join.dataSource && Model.dataSource.attach(Join),
        );
    }
  }
  if (!Through.relations?.[camelize(Model.modelName)]) belongsTo(Through, Model, {});
  if (!Through.relations?.[camelize(To.modelName)]) belongsTo(Through, To, {});
  const rel = hasMany(Model, To, { ...params, through: Through });
  (rel as { type: RelationType }).type = 'hasAndBelongsToMany';
  return rel;
}

export function referencesMany(
  Model: ModelClass,
  target: Target,
  params: RelationParams = {},
): RelationDefinition {
  const To = resolveModel(Model, target, 'referencesMany');
  const name = params.as ?? camelize(pluralOf(To));
  const keyFrom = params.foreignKey || camelize(`${To.modelName}_ids`);
  ensureProperty(Model, keyFrom, { type: [keyType(To, idNameOf(To))], default: [] });
  return register(
    new RelationDefinition({
      name,
      type: 'referencesMany',
      modelFrom: Model,
      modelTo: To,
      keyFrom,
      keyTo: idNameOf(To),
      multiple: true,
      ...common(params),
    }),
  );
}

/**
 * LB3 gives every model an id unless its `idInjection` is false; loopline injects one only into
 * PersistedModels. An embedded model based on Model gets its id here, so its items can be
 * numbered, found, updated and removed by id as LB3's are (without it every item was id-less
 * and a second `create` clashed with the first).
 */
function ensureEmbeddedId(To: ModelClass): void {
  if (To.definition.idName || To.settings?.idInjection === false) return;
  To.settings.idInjection = true;
  builderOf(To).compile(To);
}

export function embedsOne(
  Model: ModelClass,
  target: Target,
  params: RelationParams = {},
): RelationDefinition {
  const To = resolveModel(Model, target, 'embedsOne');
  ensureEmbeddedId(To);
  const name = params.as ?? `${camelize(To.modelName)}Item`;
  const property = params.property ?? camelize(To.modelName);
  ensureProperty(Model, property, { type: To.modelName });
  return register(
    new RelationDefinition({
      name,
      type: 'embedsOne',
      modelFrom: Model,
      modelTo: To,
      keyFrom: property,
      keyTo: '',
      multiple: false,
      embedProperty: property,
      ...common(params),
    }),
  );
}

export function embedsMany(
  Model: ModelClass,
  target: Target,
  params: RelationParams = {},
): RelationDefinition {
  const To = resolveModel(Model, target, 'embedsMany');
  ensureEmbeddedId(To);
  const name = params.as ?? `${camelize(To.modelName)}List`;
  const property = params.property ?? camelize(pluralOf(To));
  ensureProperty(Model, property, { type: [To.modelName], default: [] });
  return register(
    new RelationDefinition({
      name,
      type: 'embedsMany',
      modelFrom: Model,
      modelTo: To,
      keyFrom: property,
      keyTo: '',
      multiple: true,
      embedProperty: property,
      ...common(params),
    }),
  );
}

const DEFINERS: Record<
  RelationType,
  (Model: ModelClass, target: Target, params: RelationParams) => RelationDefinition
> = {
  hasMany,
  belongsTo,
  hasOne,
  hasAndBelongsToMany,
  referencesMany,
  embedsOne,
  embedsMany,
};

/** Relation types whose name is plural when it names the target (`hasMany('orders')`). */
const TO_MANY = new Set(['hasMany', 'hasAndBelongsToMany', 'referencesMany', 'embedsMany']);

/**
 * LB3's lookup of a string that names no model: it is the relation's name, and the target is
 * `params.model` or that name (singular for a to-many relation), matched without regard to case:
 * `User.hasMany('accessTokens', {...})` relates AccessToken as `accessTokens`.
 */
function targetByRelationName(
  Model: ModelClass,
  type: string,
  name: string,
  params: RelationParams,
): ModelClass | undefined {
  const models = builderOf(Model)?.models ?? {};
  const wanted =
    typeof params.model === 'string' ? params.model : TO_MANY.has(type) ? singularize(name) : name;
  const lower = wanted.toLowerCase();
  const found = Object.keys(models).find((n) => n.toLowerCase() === lower);
  return found ? (models[found] as ModelClass) : undefined;
}

/** `Model.hasMany(target, params)` and friends (statics of ModelBase). */
export function defineRelation(
  Model: ModelClass,
  type: RelationType,
  target: Target,
  params: RelationParams = {},
): RelationDefinition {
  const definer = DEFINERS[type];
  if (typeof target === 'string' && !builderOf(Model)?.getModel(target)) {
    const To = targetByRelationName(Model, type, target, params);
    if (To) return definer(Model, To, { ...params, as: params.as ?? target });
  }
  return definer(Model, target, params);
}

/** What a relation entry of a model JSON still waits for (a model not defined yet), if anything. */
function missingModel(Model: ModelClass, spec: RelationParams): string | undefined {
  const builder = builderOf(Model);
  for (const name of [spec.model, spec.through]) {
    if (typeof name === 'string' && !builder.getModel(name)) return name;
  }
  return undefined;
}

/**
 * Defines the relations a model's settings declare. Returns the names still waiting for a model
 * that is not defined yet; the builder retries them whenever a model is defined.
 */
export function defineRelationsFromSettings(Model: ModelClass): string[] {
  const relations = Model.settings?.relations;
  if (!isPlainObject(relations)) return [];
  const waiting: string[] = [];
  for (const [name, raw] of Object.entries(relations as Record<string, unknown>)) {
    if (!isPlainObject(raw)) continue;
    const spec = raw as RelationParams;
    const existing = Model.relations?.[name] as RelationDefinition | undefined;
    if (existing && existing.modelFrom === Model) continue;
    if (typeof spec.type !== 'string' || !RELATION_TYPES.has(spec.type)) {
      throw new ConfigurationError(
        `${Model.modelName}: relation "${name}" has an unknown type "${String(spec.type)}"`,
        'INVALID_MODEL_DEFINITION',
      );
    }
    const polymorphicBelongsTo = spec.type === 'belongsTo' && spec.polymorphic;
    // Code (not JSON) may give the model class itself, as LB3 allows.
    const givenClass =
      typeof spec.model === 'function' && typeof (spec.model as ModelClass).modelName === 'string';
    if (!polymorphicBelongsTo && typeof spec.model !== 'string' && !givenClass) {
      throw new ConfigurationError(
        `${Model.modelName}: relation "${name}" needs a "model"`,
        'INVALID_MODEL_DEFINITION',
      );
    }
    if (missingModel(Model, spec)) {
      waiting.push(name);
      continue;
    }
    DEFINERS[spec.type as RelationType](Model, (spec.model as Target | undefined) ?? name, {
      ...spec,
      as: name,
    });
  }
  return waiting;
}

/** Keeps a builder's JSON relations resolving as models arrive in any order. */
export function watchRelations(builder: ModelBuilder): void {
  const pending = new Set<ModelClass>();
  // Defining a relation may define models itself (a foreign key recompiles a model with nested
  // anonymous types, a hasAndBelongsToMany makes its join model): those re-entrant defines are
  // queued and settled by the outer call.
  let busy = false;
  const settle = (Model?: ModelClass) => {
    if (Model) pending.add(Model);
    if (busy) return;
    busy = true;
    try {
      let progress = true;
      while (progress) {
        progress = false;
        for (const M of [...pending]) {
          if (defineRelationsFromSettings(M).length === 0) {
            pending.delete(M);
            progress = true;
          }
        }
      }
    } finally {
      busy = false;
    }
  };
  builder.on('define', (Model: ModelClass) => settle(Model));
  builder.on('settings-changed', (Model: ModelClass) => settle(Model));
}

import { ConfigurationError } from '../../errors';
// The remoting API every model class of a registry has (defined on ModelBase as it loads).
import './model';
import { defineHiddenIfAbsent, hasOwn, isPlainObject } from '../../util/own';
import { defineRelationMethods, nestFlaggedRelation } from './relation-remoting';
import { defineScopeMethods } from './scope-remoting';
import { BUILTIN_MODEL_NAMES, defineBuiltinModels } from '../models';
import { remoteMethodDeclarations } from './remote-method-declaration';
import {
  type RelationDefinition,
  DataSource,
  DataSourceSettings,
  createModelBuilder,
  type ModelBuilder,
  type ModelConfig,
  type RawProperties,
  type ModelSettings,
} from '../../juggler';

export type { ModelClass } from '../../juggler';
import type { ModelClass } from '../../juggler';

export interface ModelAppConfig {
  dataSource?: DataSource | string | null | false;
  public?: boolean;
  relations?: Record<string, unknown>;
  acls?: unknown[];
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RegistryOptions {
  /**
   * Define LB3's built-in models (`User`, `AccessToken`, `ACL`, `Role`, `RoleMapping`, `Scope`,
   * `Application`, `Email`, `KeyValueModel`, `Change`, `Checkpoint`) in this registry. Off by
   * default, as LB3's `new Registry()`: a registry starts with `Model` and `PersistedModel` only.
   */
  loadBuiltinModels?: boolean;
}

/**
 * LB3's registry: models by name, built from JSON configs, with `PersistedModel` as the default
 * base; data sources share the registry's model builder so `base` and types resolve across them.
 */
export class Registry {
  readonly modelBuilder: ModelBuilder;
  /**
   * LB3's `registry.defaultDataSources` (`loopback.defaultDataSources` for the default registry):
   * data sources by name, for code that keeps its defaults there; loopline reads nothing from it.
   */
  readonly defaultDataSources: Record<string, DataSource> = {};

  constructor(options: RegistryOptions = {}) {
    this.modelBuilder = createModelBuilder();
    this.modelBuilder.defaultBase = this.modelBuilder.getModel('PersistedModel')!;
    // A relation defined after its model's REST face exists (in a model script, a boot script)
    // gets its endpoints at once.
    this.modelBuilder.on('relation', (rel: RelationDefinition) => {
      const Model = rel.modelFrom;
      if (!Object.prototype.hasOwnProperty.call(Model, '__sharedClass')) return;
      defineRelationMethods(Model.sharedClass, rel);
      Model.emit('remoteMethodAdded', Model.sharedClass);
      nestFlaggedRelation(Model, rel);
    });
    this.modelBuilder.on('scope', (Model: ModelClass, name: string) => {
      if (!Object.prototype.hasOwnProperty.call(Model, '__sharedClass')) return;
      defineScopeMethods(Model, Model.sharedClass, name);
      Model.emit('remoteMethodAdded', Model.sharedClass);
    });
    // As LB3: every model a registry builds knows it (`Model.registry`), e.g. for `new AccessContext({registry})`.
    this.modelBuilder.on('define', (Model: ModelClass) => {
      defineHiddenIfAbsent(Model, 'registry', this);
    });
    if (options.loadBuiltinModels === true) defineBuiltinModels(this);
  }

  /** Whether LB3's built-in models are defined here (`User`, `AccessToken`, …). */
  hasBuiltinModels(): boolean {
    return BUILTIN_MODEL_NAMES.every((name) => this.hasModel(name));
  }

  /**
   * Defines the built-in models in a registry made without them (`loadBuiltinModels`), e.g. when
   * boot finds an app naming them; nothing when they are there.
   */
  loadBuiltinModels(): void {
    if (!this.hasBuiltinModels()) defineBuiltinModels(this);
  }

  /** `createModel({name, base, properties, ...settings})` or `createModel(name, properties, settings)`. */
  createModel(
    config: ModelConfig | string,
    properties?: RawProperties,
    settings?: ModelSettings,
  ): ModelClass {
    if (typeof config === 'string') {
      const options = settings ?? {};
      remoteMethodDeclarations(config, options.methods);
      return this.modelBuilder.define(config, properties ?? {}, options) as ModelClass;
    }
    if (!isPlainObject(config))
      throw new ConfigurationError(
        'createModel expects a model definition object or a name',
        'INVALID_MODEL_DEFINITION',
      );
    const options = (config as { options?: { methods?: unknown } }).options;
    remoteMethodDeclarations(String(config.name), options?.methods ?? config.methods);
    return this.modelBuilder.buildModelFromConfig(config) as ModelClass;
  }

  /**
   * Applies app-level config (a model-config.json entry) to a model, as LB3: each relation named
   * is merged into the model's (a changed relation is defined again), an ACL for the same
   * property, access type and principal replaces the model's, `options` become settings (except
   * `base`, `super`, `relations`, `acls` and `dataSource`, which cannot change here), the data
   * source is attached, and `methods` become remote methods of this model only (its subclasses
   * do not inherit them).
   */
  configureModel(Model: ModelClass, config: ModelAppConfig): void {
    const settings = Model.settings as Record<string, any>;
    const where = `The configuration of model "${Model.modelName}"`;
    const changedRelations =
      config.relations === undefined || config.relations === null
        ? []
        : mergeRelations(settings, config.relations, where);
    if (config.acls !== undefined && config.acls !== null) {
      if (!Array.isArray(config.acls))
        throw new ConfigurationError(
          `${where}: "acls" must be an array of ACL entries`,
          'INVALID_MODEL_DEFINITION',
        );
      // A copy: a model that declares no ACLs of its own shares its base's array.
      const acls: Array<Record<string, unknown>> = [...(settings.acls ?? [])];
      for (const acl of config.acls as Array<Record<string, unknown>>) addOrReplaceAcl(acls, acl);
      settings.acls = acls;
    }
    if (config.options !== undefined && config.options !== null) {
      if (!isPlainObject(config.options))
        throw new ConfigurationError(
          `${where}: "options" must be an object of settings`,
          'INVALID_MODEL_DEFINITION',
        );
      for (const [k, v] of Object.entries(config.options)) {
        if (FIXED_SETTINGS.has(k))
          process.emitWarning(
            `${where}: option "${k}" cannot be reconfigured and is ignored`,
            'LooplineConfigWarning',
          );
        else settings[k] = v;
      }
    }
    // Defined again below from the merged settings (when the models they name exist).
    for (const name of changedRelations) {
      if (
        Object.prototype.hasOwnProperty.call(Model, 'relations') &&
        Model.relations[name]?.modelFrom === Model
      )
        delete Model.relations[name];
    }
    const ds = config.dataSource;
    if (ds instanceof DataSource) ds.attach(Model);
    // LB3: `dataSource: false` (or null) leaves the model without a store.
    else if (ds !== undefined && ds !== null && ds !== false) {
      throw new ConfigurationError(
        `Model "${Model.modelName}" names data source ${String(ds)} that was not given as a DataSource`,
        'UNKNOWN_DATASOURCE',
      );
    }
    // Relations the app config adds (model-config.json `relations`) are defined now.
    if (config.relations) this.modelBuilder.emit('settings-changed', Model);
    for (const [name, options] of remoteMethodDeclarations(Model.modelName, config.methods))
      Model.remoteMethod(name, options);
  }

  getModel(name: string): ModelClass {
    const Model = this.findModel(name);
    if (!Model) throw new ConfigurationError(`Model not found: ${name}`, 'MODEL_NOT_DEFINED');
    return Model;
  }

  findModel(name: string | ModelClass): ModelClass | undefined {
    if (typeof name === 'function') return name;
    return this.modelBuilder.getModel(name) as ModelClass | undefined;
  }

  /** The most specialised registered model extending `Base` (LB3 uses it to find the app's User). */
  getModelByType(Base: ModelClass | string): ModelClass {
    const base = typeof Base === 'string' ? this.getModel(Base) : Base;
    let found: ModelClass = base;
    for (const name of Object.keys(this.modelBuilder.models)) {
      const M = this.modelBuilder.models[name] as ModelClass;
      if (M.prototype instanceof found) found = M;
    }
    return found;
  }

  createDataSource(name: string | DataSourceSettings | undefined, settings?: DataSourceSettings): DataSource {
    if (typeof name === 'object' && name !== null) return new DataSource(undefined, name, this.modelBuilder);
    return new DataSource(name, settings ?? {}, this.modelBuilder);
  }

  hasModel(name: string): boolean {
    return hasOwn(this.modelBuilder.models, name);
  }
}

/** Settings a model's configuration cannot change (LB3 warns and keeps them). */
const FIXED_SETTINGS = new Set(['base', 'super', 'relations', 'acls', 'dataSource']);

/** Merges configured relations into the settings' (a copy); returns the names whose definition changed. */
function mergeRelations(settings: Record<string, any>, configured: unknown, where: string): string[] {
  if (!isPlainObject(configured))
    throw new ConfigurationError(
      `${where}: "relations" must be an object of relation names to definitions`,
      'INVALID_MODEL_DEFINITION',
    );
  // A copy: a model that declares no relations of its own shares its base's object.
  const relations: Record<string, unknown> = { ...(settings.relations ?? {}) };
  const changed: string[] = [];
  for (const [name, spec] of Object.entries(configured as Record<string, unknown>)) {
    if (!isPlainObject(spec))
      throw new ConfigurationError(
        `${where}: relation "${name}" must be an object`,
        'INVALID_MODEL_DEFINITION',
      );
    const before = relations[name];
    const merged = {
      ...(isPlainObject(before) ? (before as Record<string, unknown>) : {}),
      ...(spec as Record<string, unknown>),
    };
    relations[name] = merged;
    if (before !== undefined && !sameSpec(before, merged)) changed.push(name);
  }
  settings.relations = relations;
  return changed;
}

/** Whether two relation specs say the same; a model class stands for itself. */
function sameSpec(a: unknown, b: unknown): boolean {
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (x === y) continue;
    if (typeof x === 'function' || typeof y === 'function' || JSON.stringify(x) !== JSON.stringify(y))
      return false;
  }
  return true;
}

/** LB3: an ACL naming the same property, access type and principal replaces the earlier one. */
function addOrReplaceAcl(acls: Array<Record<string, unknown>>, acl: Record<string, unknown>): void {
  const same = acls.findIndex(
    (a) =>
      a.property === acl.property &&
      a.accessType === acl.accessType &&
      a.principalType === acl.principalType &&
      a.principalId === acl.principalId,
  );
  if (same === -1) acls.push(acl);
  else acls[same] = acl;
}

/** The default registry (`loopback.registry`), shared by apps made without `localRegistry`: it holds the built-in models. */
export const registry = new Registry({ loadBuiltinModels: true });

import { ConfigurationError } from '../errors';
import { hasOwn, isPlainObject } from '../util/own';
import { defineRelationMethods } from './relation-remoting';
import { defineScopeMethods } from './scope-remoting';
import { defineBuiltinModels } from './models';
import type { RelationDefinition } from '../juggler/relations/relation-definition';
import { DataSource, DataSourceSettings } from '../juggler/datasource';
import { createModelBuilder } from '../juggler/core-models';
import type { ModelBase } from '../juggler/model-base';
import type { ModelBuilder, ModelConfig, RawProperties } from '../juggler/model-builder';
import type { ModelSettings } from '../juggler/model-definition';

export type ModelClass = typeof ModelBase & Record<string, any>;

export interface ModelAppConfig {
  dataSource?: DataSource | string | null | false;
  public?: boolean;
  relations?: Record<string, unknown>;
  acls?: unknown[];
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * LB3's registry: models by name, built from JSON configs, with `PersistedModel` as the default
 * base; data sources share the registry's model builder so `base` and types resolve across them.
 */
export class Registry {
  readonly modelBuilder: ModelBuilder;

  constructor() {
    this.modelBuilder = createModelBuilder();
    this.modelBuilder.defaultBase = this.modelBuilder.getModel('PersistedModel')!;
    // A relation defined after its model's REST face exists (in a model script, a boot script)
    // gets its endpoints at once.
    this.modelBuilder.on('relation', (rel: RelationDefinition) => {
      const Model = rel.modelFrom as any;
      if (!Object.prototype.hasOwnProperty.call(Model, '__sharedClass')) return;
      defineRelationMethods(Model.__sharedClass, rel);
      Model.emit('remoteMethodAdded', Model.__sharedClass);
    });
    this.modelBuilder.on('scope', (Model: ModelClass, name: string) => {
      if (!Object.prototype.hasOwnProperty.call(Model, '__sharedClass')) return;
      defineScopeMethods(Model, Model.__sharedClass, name);
      Model.emit('remoteMethodAdded', Model.__sharedClass);
    });
    defineBuiltinModels(this);
  }

  /** `createModel({name, base, properties, ...settings})` or `createModel(name, properties, settings)`. */
  createModel(config: ModelConfig | string, properties?: RawProperties, settings?: ModelSettings): ModelClass {
    if (typeof config === 'string') {
      const options = settings ?? {};
      return this.modelBuilder.define(config, properties ?? {}, options, (options.base as string | undefined) ?? undefined) as ModelClass;
    }
    if (!isPlainObject(config)) throw new ConfigurationError('createModel expects a model definition object or a name', 'INVALID_MODEL_DEFINITION');
    return this.modelBuilder.buildModelFromConfig(config) as ModelClass;
  }

  /** Applies app-level config (model-config.json entry) to a model: relations, acls, options, data source. */
  configureModel(Model: ModelClass, config: ModelAppConfig): void {
    const settings = Model.settings as Record<string, any>;
    if (config.relations && isPlainObject(config.relations)) {
      settings.relations = { ...(settings.relations ?? {}), ...config.relations };
    }
    if (Array.isArray(config.acls)) settings.acls = [...(settings.acls ?? []), ...config.acls];
    if (config.options && isPlainObject(config.options)) {
      for (const [k, v] of Object.entries(config.options)) settings[k] = v;
    }
    const ds = config.dataSource;
    if (ds instanceof DataSource) ds.attach(Model);
    // LB3: `dataSource: false` (or null) leaves the model without a store.
    else if (ds !== undefined && ds !== null && ds !== false) {
      throw new ConfigurationError(`Model "${Model.modelName}" names data source ${String(ds)} that was not given as a DataSource`, 'UNKNOWN_DATASOURCE');
    }
    // Relations the app config adds (model-config.json `relations`) are defined now.
    if (config.relations) this.modelBuilder.emit('settings-changed', Model);
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

export const registry = new Registry();

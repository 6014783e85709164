import { ModelBase } from './model-base';
import { ModelBuilder } from './model-builder';
import { PersistedModel } from './persisted-model';
import { watchRelations } from './relations/define';
import { defineHidden } from '../util/own';

ModelBase.modelName = 'Model';
PersistedModel.modelName = 'PersistedModel';

/** A builder that knows the two core classes by name, so `base: 'PersistedModel'` resolves. */
export function createModelBuilder(): ModelBuilder {
  const builder = new ModelBuilder();
  registerCoreModels(builder);
  watchRelations(builder);
  return builder;
}

let compiled = false;

function registerCoreModels(builder: ModelBuilder): void {
  if (!compiled) {
    compiled = true;
    for (const M of [ModelBase, PersistedModel] as const) {
      Object.defineProperty(M, '__rawProperties', { value: {}, writable: true });
      Object.defineProperty(M, '__rawSettings', { value: {}, writable: true });
      M.settings = {};
      if (M === PersistedModel) {
        // As every model built by a builder (see ModelBuilder.define): its base under LB3's names.
        defineHidden(M.settings, 'base', ModelBase);
        M.super_ = ModelBase;
      }
      M.relations = {};
      defineHidden(M, 'dataSource', null);
      builder.compile(M);
      // `loopback.Model.extend(...)` defines through the first builder (the default registry's).
      Object.defineProperty(M, 'modelBuilder', { value: builder, writable: true, configurable: true });
    }
  }
  builder.models.Model = ModelBase;
  builder.models.PersistedModel = PersistedModel;
}

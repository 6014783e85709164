import { PersistedModel } from '../../juggler';
import { defineHidden } from '../../util/own';
import type { Registry, ModelClass } from '../model-api/registry';
import { CHANGE_DEFINITION, installChangeIdAccessor, setupChange } from './change-model';
import { CHECKPOINT_DEFINITION, setupCheckpoint } from './checkpoint-model';
import { setupChangeTracking, trackingMethods, trackingStatics } from './change-tracking';
import { bulkUpdateMethod, createUpdatesMethod, replicateMethod } from './replicate';

/**
 * Change tracking and replication (LB3's "synchronization"): the `Change` and `Checkpoint`
 * built-in models of a registry, the replication API every PersistedModel carries, and the
 * per-model change model of each model defined with `trackChanges` or `enableRemoteReplication`.
 */

let installed = false;

function installPersistedModelApi(): void {
  if (installed) return;
  installed = true;
  const statics: Record<string, unknown> = {
    ...trackingStatics,
    replicate: replicateMethod,
    createUpdates: createUpdatesMethod,
    bulkUpdate: bulkUpdateMethod,
  };
  for (const [key, value] of Object.entries(statics)) defineHidden(PersistedModel, key, value);
  for (const [key, value] of Object.entries(trackingMethods))
    defineHidden(PersistedModel.prototype, key, value);
}

/** Defines `Change` and `Checkpoint` in a registry and sets up change tracking for the models it builds from then on. */
export function defineReplicationModels(
  registry: Registry,
  define: (def: Record<string, any>) => ModelClass,
): void {
  installPersistedModelApi();
  const Change = define(CHANGE_DEFINITION);
  setupChange(Change);
  setupCheckpoint(define(CHECKPOINT_DEFINITION));
  registry.modelBuilder.on('define', (Model: ModelClass) => {
    // Building a model defines its accessors anew: models built on Change get the computed id back.
    if (Model.prototype instanceof Change) installChangeIdAccessor(Model);
    setupChangeTracking(Model);
  });
}

export { Conflict } from './conflict';

import type Bluebird from 'bluebird';
import type { NodeCallback } from '../../util/callback';
import type { ModelClass } from '../model-api/registry';
import type { ModelInstance } from '../../juggler';
import type { Update } from './replicate';
import type { CheckpointRow } from './checkpoint-model';

/**
 * The replication API LB3 gives every PersistedModel (defined on PersistedModel by
 * defineReplicationModels), declared on every model class through ModelStatics.
 */
export interface ReplicationStatics {
  /** The model's own change model (`<Model>-change`), once change tracking or replication set it up. */
  Change?: ChangeModelClass;
  _defineChangeModel(): ChangeModelClass;
  getChangeModel(): ChangeModelClass;
  enableChangeTracking(): void;
  rectifyChange(id: unknown, ...rest: unknown[]): Bluebird<unknown>;
  rectifyAllChanges(...args: unknown[]): Bluebird<unknown>;
  handleChangeError(err: unknown, operationName: string): void;
  findLastChange(id: unknown, cb?: NodeCallback<unknown>): Bluebird<unknown>;
  updateLastChange(id: unknown, data: unknown, cb?: NodeCallback<unknown>): Bluebird<unknown>;
  createChangeFilter(since: unknown, modelFilter?: unknown): Record<string, any>;
  changes(...args: unknown[]): Bluebird<unknown>;
  diff(since: unknown, remoteChanges: unknown, cb?: NodeCallback<unknown>): Bluebird<unknown>;
  checkpoint(cb?: NodeCallback<unknown>): Bluebird<unknown>;
  currentCheckpoint(cb?: NodeCallback<number>): Bluebird<number>;
  getSourceId(cb?: NodeCallback<string>): Bluebird<string>;
  replicate(...args: unknown[]): Bluebird<unknown>;
  createUpdates(deltas: unknown, cb?: NodeCallback<Update[]>): Bluebird<Update[]>;
  bulkUpdate(...args: unknown[]): Bluebird<unknown>;
}

declare module '../../juggler/model-base' {
  // Declaration merging: every model class gets these statics' types.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModelStatics extends ReplicationStatics {}
}

/** The statics of the `Change` model and the change models built on it (LB3's). */
export interface ChangeStatics {
  readonly UPDATE: string;
  readonly CREATE: string;
  readonly DELETE: string;
  readonly UNKNOWN: string;
  /** Change records carry LB3's instance API (`getModelId`, `type`, `rectify`, …). */
  readonly prototype: ModelInstance;
  /** The checkpoint model the change model counts in, once it was looked up. */
  Checkpoint?: CheckpointModelClass;
  hash(text: string): string;
  revisionForInst(inst: unknown): string;
  idForModel(modelName: string, modelId: unknown): string;
  rectifyModelChanges(modelName: string, modelIds: unknown[], cb?: NodeCallback<void>): Bluebird<void>;
  findOrCreateChange(modelName: string, modelId: unknown, cb?: NodeCallback<unknown>): Bluebird<unknown>;
  diff(
    modelName: string,
    since: unknown,
    remoteChanges: unknown,
    cb?: NodeCallback<unknown>,
  ): Bluebird<unknown>;
  rectifyAll(...args: unknown[]): Bluebird<void>;
  getCheckpointModel(): CheckpointModelClass;
}

/** A change model: a model class with the Change statics. */
export type ChangeModelClass = ModelClass & ChangeStatics;

/** The statics of the `Checkpoint` model. */
export interface CheckpointStatics {
  current(cb?: NodeCallback<number>): Bluebird<number>;
  bumpLastSeq(cb?: NodeCallback<CheckpointRow>): Bluebird<CheckpointRow>;
  _getSingleton(...args: unknown[]): Bluebird<CheckpointRow>;
}

export type CheckpointModelClass = ModelClass & CheckpointStatics;

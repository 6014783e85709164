import { ConfigurationError, LooplineError } from '../../errors';
import { splitCallback, withCallback, type NodeCallback } from '../../util/callback';
import { defineHidden } from '../../util/own';
import { coerceId, observe, type DataSource } from '../../juggler';
import type { ModelClass } from '../model-api/registry';
import type { ChangeModelClass, CheckpointModelClass } from './statics';
import { canonicalText, hashText } from './revision';
import { Conflict } from './conflict';
import { fillCustomChangeProperties } from './custom-properties';

/**
 * LB3's `Change`: the change list of a tracked model. Each tracked model gets its own change model
 * (`<Model>-change`, `settings.trackModel` naming the model) holding one record per instance: its
 * current revision (`rev`, a hash of the data; null once deleted), the revision before the current
 * checkpoint (`prev`) and the checkpoint of the last change. The record's id is a hash of the model
 * name and the instance id, so both sides of a replication name an instance's record alike.
 */
export const CHANGE_DEFINITION = {
  name: 'Change',
  base: 'PersistedModel',
  trackChanges: false,
  properties: {
    id: { type: 'string', id: true },
    rev: { type: 'string' },
    prev: { type: 'string' },
    checkpoint: { type: 'number' },
    modelName: { type: 'string' },
    modelId: { type: 'string' },
  },
};

export const CHANGE_TYPES = Object.freeze({
  UPDATE: 'update',
  CREATE: 'create',
  DELETE: 'delete',
  UNKNOWN: 'unknown',
});

/** ids per `inq` query when a change list is looked up by instance ids (well under the filter limit). */
const IDS_PER_QUERY = 1000;

/** A change record as the methods below see it. */
export interface ChangeRecord {
  id: string | null;
  rev?: string | null;
  prev?: string | null;
  checkpoint?: number;
  modelName?: string;
  modelId?: string;
  constructor: ChangeModelClass;
  type(): string;
  equals(other: ChangeRecord | null | undefined): boolean;
  isBasedOn(other: ChangeRecord): boolean;
  conflictsWith(other: ChangeRecord | null | undefined): boolean;
  getModelId(): unknown;
  getModelCtor(): ModelClass;
  save(options?: object): Promise<ChangeRecord>;
  remove(options?: object): Promise<unknown>;
  toObject(): Record<string, unknown>;
}

/** One checkpoint model per data source, shared by the change models there that name none of their own (as LB3). */
const sharedCheckpoints = new WeakMap<DataSource, CheckpointModelClass>();

export function changeIdFor(Change: ChangeModelClass, modelName: string, modelId: unknown): string {
  return Change.hash([modelName, modelId].join('-'));
}

function changeId(change: { __data: Record<string, unknown>; constructor: unknown }): string | null {
  const { modelName, modelId } = change.__data;
  if (!modelName || modelId === undefined || modelId === null || modelId === '') return null;
  return changeIdFor(change.constructor as ChangeModelClass, String(modelName), modelId);
}

/**
 * Gives a change model's prototype LB3's computed `id`: the stored one, else the hash of model name
 * and id (null while either is missing). Called for every model built on Change, since building a
 * model defines its property accessors anew.
 */
export function installChangeIdAccessor(ChangeModel: ModelClass): void {
  Object.defineProperty(ChangeModel.prototype, 'id', {
    get(this: { __data: Record<string, unknown>; constructor: unknown }) {
      const stored = this.__data.id;
      return stored !== undefined && stored !== null ? stored : changeId(this);
    },
    set(this: { __data: Record<string, unknown> }, value: unknown) {
      this.__data.id = value === undefined || value === null ? value : String(value);
    },
    enumerable: true,
    configurable: true,
  });
}

async function rectifyRecord(change: any, options: object): Promise<any> {
  const Change = change.constructor as ChangeModelClass;
  const Model = change.getModelCtor() as ModelClass;
  const before: string | null | undefined = change.rev;
  const inst = await Model.findById(change.getModelId(), undefined, options);
  let rev: string | null = null;
  if (inst) {
    await fillCustomChangeProperties(inst, change);
    rev = Change.revisionForInst(inst);
  }
  if (before === rev) return change;
  const checkpoint = await currentCheckpointOf(Change, options);
  const newCheckpoint = change.checkpoint !== checkpoint;
  // `prev` moves only across checkpoints: changes within one checkpoint merge into one.
  change.rev = rev;
  if (newCheckpoint) {
    if (rev || before) change.prev = before;
    else if (!change.prev) change.prev = CHANGE_TYPES.UNKNOWN;
  }
  change.checkpoint = checkpoint;
  // Deleted before its creation was ever recorded: nothing to replicate, no record to keep.
  if (change.prev === CHANGE_TYPES.UNKNOWN) {
    await change.remove(options);
    return change;
  }
  await change.save(options);
  return change;
}

async function currentCheckpointOf(Change: ChangeModelClass, options: object): Promise<number> {
  const Checkpoint = Change.getCheckpointModel();
  const cp = await Checkpoint._getSingleton(options);
  return cp.seq;
}

async function findOrCreateRecord(
  Change: ChangeModelClass,
  modelName: string,
  modelId: unknown,
  options: object,
): Promise<any> {
  if (!Change.modelBuilder?.getModel(modelName)) {
    throw new ConfigurationError(`${modelName} does not exist`, 'MODEL_NOT_DEFINED');
  }
  const id = changeIdFor(Change, modelName, modelId);
  const found = await Change.findById(id, undefined, options);
  if (found) return found;
  return Change.upsert({ id, modelName, modelId: String(modelId) }, options);
}

/** Rectifies the change records of the given instances; every failure is reported, none stops the others. */
export async function rectifyModelChanges(
  Change: ChangeModelClass,
  modelName: string,
  modelIds: unknown[],
  options: object = {},
): Promise<void> {
  const failures: Array<{ id: unknown; err: Error }> = [];
  await Promise.all(
    modelIds.map(async (id) => {
      try {
        const change = await findOrCreateRecord(Change, modelName, id, options);
        await rectifyRecord(change, options);
      } catch (err) {
        failures.push({ id, err: err as Error });
      }
    }),
  );
  if (failures.length) {
    const list = failures.map((f) => `#${String(f.id)} - ${String(f.err)}`).join('\n');
    const err = new LooplineError('CHANGE_RECTIFY_FAILED', `Cannot rectify ${modelName} changes:\n${list}`, {
      errors: failures.map((f) => Object.assign(f.err, { modelName, modelId: f.id })),
    });
    throw err;
  }
}

/** `Change.diff`: which remote changes apply here (deltas) and which collide with local ones (conflicts). */
async function diffChanges(
  Change: ChangeModelClass,
  modelName: string,
  since: unknown,
  remoteChanges: unknown,
): Promise<{ deltas: any[]; conflicts: any[] }> {
  if (!Array.isArray(remoteChanges) || remoteChanges.length === 0) return { deltas: [], conflicts: [] };
  const remoteById = new Map<string, any>();
  for (const raw of remoteChanges) {
    if (!raw || typeof raw !== 'object')
      throw new LooplineError(
        'INVALID_UPDATE',
        'Each remote change must be an object with modelId, rev and prev',
      );
    const change: any = new Change(toChangeData(raw));
    if (change.modelId === undefined || change.modelId === null)
      throw new LooplineError('INVALID_UPDATE', 'A remote change has no modelId');
    remoteById.set(String(change.modelId), change);
  }
  const ids = [...remoteById.keys()];
  const local: any[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    local.push(
      ...(await Change.find({ where: { modelName, modelId: { inq: ids.slice(i, i + IDS_PER_QUERY) } } })),
    );
  }
  const from = Number(since) || 0;
  const deltas: any[] = [];
  const conflicts: any[] = [];
  const recent = new Set<string>();
  for (const localChange of local) {
    if (!(localChange.checkpoint >= from)) continue;
    recent.add(localChange.modelId);
    const remote = remoteById.get(localChange.modelId);
    if (!remote || localChange.equals(remote)) continue;
    if (remote.conflictsWith(localChange)) conflicts.push(localChange);
    else deltas.push(remote);
  }
  for (const id of ids) {
    if (recent.has(id)) continue;
    const remote = remoteById.get(id);
    const older = local.find((c) => c.modelId === id);
    // The remote change is applied over whatever this side holds now.
    remote.prev = older ? older.rev : null;
    deltas.push(remote);
  }
  return { deltas, conflicts };
}

export function toChangeData(raw: object): Record<string, unknown> {
  const instance = raw as { __data?: unknown; toObject?: () => Record<string, unknown> };
  const data =
    instance.__data && typeof instance.toObject === 'function'
      ? instance.toObject()
      : { ...(raw as Record<string, unknown>) };
  if (data.modelId !== undefined && data.modelId !== null) data.modelId = String(data.modelId);
  return data;
}

function checkpointModelOf(Change: ChangeModelClass): CheckpointModelClass {
  const own = Change.Checkpoint;
  if (own) return own;
  const ds = Change.dataSource as DataSource | undefined;
  if (!ds)
    throw new ConfigurationError(
      `Cannot getCheckpointModel(): ${Change.modelName} is not attached to a dataSource`,
      'MODEL_NOT_ATTACHED',
    );
  let shared = sharedCheckpoints.get(ds);
  if (!shared) {
    const Base = Change.modelBuilder!.getModel('Checkpoint') as ModelClass | undefined;
    if (!Base)
      throw new ConfigurationError(
        'The Checkpoint model is not defined in this registry',
        'MODEL_NOT_DEFINED',
      );
    shared = Base.extend('checkpoint') as CheckpointModelClass;
    shared.attachTo(ds);
    sharedCheckpoints.set(ds, shared);
  }
  Object.defineProperty(Change, 'Checkpoint', {
    value: shared,
    writable: true,
    configurable: true,
    enumerable: true,
  });
  return shared;
}

const changeStatics = {
  ...CHANGE_TYPES,
  Conflict,
  hash(this: ChangeModelClass, text: string): string {
    return hashText(text, (this.settings.hashAlgorithm as string | undefined) ?? 'sha1');
  },
  revisionForInst(this: ChangeModelClass, inst: unknown): string {
    if (!inst)
      throw new LooplineError('INVALID_ARGUMENT', 'Change.revisionForInst() requires an instance object.');
    return this.hash(canonicalText(inst));
  },
  idForModel(this: ChangeModelClass, modelName: string, modelId: unknown): string {
    return changeIdFor(this, modelName, modelId);
  },
  bothDeleted(a: ChangeRecord, b: ChangeRecord): boolean {
    return a.type() === CHANGE_TYPES.DELETE && b.type() === CHANGE_TYPES.DELETE;
  },
  rectifyModelChanges(
    this: ChangeModelClass,
    modelName: string,
    modelIds: unknown[],
    cb?: NodeCallback<void>,
  ) {
    return withCallback(
      rectifyModelChanges(this, modelName, Array.isArray(modelIds) ? modelIds : [modelIds]),
      cb,
    );
  },
  findOrCreateChange(
    this: ChangeModelClass,
    modelName: string,
    modelId: unknown,
    cb?: NodeCallback<unknown>,
  ) {
    return withCallback(findOrCreateRecord(this, modelName, modelId, {}), cb);
  },
  diff(
    this: ChangeModelClass,
    modelName: string,
    since: unknown,
    remoteChanges: unknown,
    cb?: NodeCallback<unknown>,
  ) {
    return withCallback(diffChanges(this, modelName, since, remoteChanges), cb);
  },
  /** `rectifyAll([options], cb)`: options may carry the transaction the records are read and written in. */
  rectifyAll(this: ChangeModelClass, ...args: unknown[]) {
    const { args: params, cb } = splitCallback(args);
    const options = params[0] && typeof params[0] === 'object' ? (params[0] as object) : {};
    const all = async () => {
      const changes = await this.find({}, options);
      await Promise.all(changes.map((c: any) => rectifyRecord(c, options)));
    };
    return withCallback(all(), cb);
  },
  getCheckpointModel(this: ChangeModelClass): CheckpointModelClass {
    return checkpointModelOf(this);
  },
};

const changeMethods = {
  rectify(this: any, cb?: NodeCallback<unknown>) {
    return withCallback(rectifyRecord(this, {}), cb);
  },
  currentRevision(this: any, cb?: NodeCallback<string | null>) {
    const read = async () => {
      const inst = await this.getModelCtor().findById(this.getModelId());
      return inst ? (this.constructor as ChangeModelClass).revisionForInst(inst) : null;
    };
    return withCallback(read(), cb);
  },
  type(this: ChangeRecord): string {
    if (this.rev && this.prev) return CHANGE_TYPES.UPDATE;
    if (this.rev) return CHANGE_TYPES.CREATE;
    if (this.prev) return CHANGE_TYPES.DELETE;
    return CHANGE_TYPES.UNKNOWN;
  },
  equals(this: ChangeRecord, other: ChangeRecord | null | undefined): boolean {
    if (!other) return false;
    return (this.rev || null) === (other.rev || null);
  },
  conflictsWith(this: ChangeRecord, other: ChangeRecord | null | undefined): boolean {
    if (!other) return false;
    if (this.equals(other)) return false;
    if (changeStatics.bothDeleted(this, other)) return false;
    return !this.isBasedOn(other);
  },
  isBasedOn(this: ChangeRecord, other: ChangeRecord): boolean {
    return this.prev === other.rev;
  },
  getModelCtor(this: ChangeRecord): ModelClass {
    return (this.constructor as ModelClass).settings.trackModel as ModelClass;
  },
  getModelId(this: ChangeRecord): unknown {
    const Model = this.getModelCtor();
    return Model ? coerceId(Model, this.modelId) : this.modelId;
  },
  getModel(this: ChangeRecord, cb?: NodeCallback<unknown>) {
    return withCallback(Promise.resolve(this.getModelCtor().findById(this.getModelId())), cb);
  },
  debug(): void {
    // LB3 logs a change here when its debug namespace is on; loopline's change tracking logs nothing.
  },
};

/** Gives the registry's `Change` model LB3's API and fills a record's id before it is stored. */
export function setupChange(Change: ModelClass): void {
  for (const [key, value] of Object.entries(changeStatics)) defineHidden(Change, key, value);
  for (const [key, value] of Object.entries(changeMethods)) defineHidden(Change.prototype, key, value);
  installChangeIdAccessor(Change);
  observe(Change, 'before save', (ctx: { instance?: any; data?: Record<string, unknown> }) => {
    if (ctx.instance && (ctx.instance.__data.id === undefined || ctx.instance.__data.id === null)) {
      ctx.instance.__data.id = changeId(ctx.instance);
    }
  });
}

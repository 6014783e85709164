import { ConfigurationError, LooplineError, ModelNotFoundError } from '../../errors';
import { withCallback, splitCallback, type NodeCallback } from '../../util/callback';
import { defineHidden } from '../../util/own';
import { addWriteCompanion, type WriteCompanion } from '../../juggler';
import type { ModelClass } from '../model-api/registry';
import { installChangeIdAccessor, rectifyModelChanges } from './change-model';
import { noCustomChangeProperties } from './custom-properties';
import { idNameOf } from './call-model';
import type { ChangeModelClass, ReplicationStatics } from './statics';

/**
 * Change tracking on PersistedModel (LB3's `"trackChanges": true`): the model's change model, the
 * hooks that keep it current after every write, and the read side (`changes`, `diff`,
 * checkpoints) that replication uses. A model without the setting gets none of it: no hooks, no
 * change model, no work per write.
 */

const DEFAULT_CLEANUP_INTERVAL = 30000;
const IDS_PER_QUERY = 1000;

const trackingEnabled = new WeakSet<object>();
const redefinesOnAttach = new WeakSet<object>();

/** Called for every model a registry builds: tracked (or remotely replicated) models get their change model. */
export function setupChangeTracking(Model: ModelClass): void {
  const settings = Model.settings as Record<string, unknown>;
  if (!Model.__isPersistedModel) return;
  if (settings.trackChanges) {
    Model._defineChangeModel();
    Model.once('dataSourceAttached', () => Model.enableChangeTracking());
  } else if (settings.enableRemoteReplication) {
    Model._defineChangeModel();
  }
}

function defineChangeModel(Model: ModelClass): ChangeModelClass {
  const Base = Model.modelBuilder?.getModel('Change') as ModelClass | undefined;
  if (!Base)
    throw new ConfigurationError(
      `Change model must be defined before enabling change replication (${Model.modelName})`,
      'MODEL_NOT_DEFINED',
    );
  const extra = (Model.settings as Record<string, unknown>).additionalChangeModelProperties;
  const Change = Base.extend(
    `${Model.modelName}-change`,
    extra && typeof extra === 'object' ? (extra as Record<string, unknown>) : {},
    {},
  ) as ChangeModelClass;
  // The tracked model is a class: kept out of the enumerable (JSON-like) settings.
  defineHidden(Change.settings, 'trackModel', Model);
  installChangeIdAccessor(Change);
  defineHidden(Model, 'Change', Change);
  if (Model.dataSource) attachChangeModels(Model);
  if (!redefinesOnAttach.has(Model)) {
    redefinesOnAttach.add(Model);
    Model.on('dataSourceAttached', () => attachChangeModels(Model));
  }
  return Change;
}

function attachChangeModels(Model: ModelClass): void {
  const Change = Model.Change!;
  const ds = Model.dataSource!;
  if (Change.dataSource !== ds) Change.attachTo(ds);
  const Checkpoint = Change.getCheckpointModel();
  if (Checkpoint.dataSource !== ds) Checkpoint.attachTo(ds);
}

/** The instance id a write's where names, when it names exactly one by a plain value. */
function idFromWhere(Model: ModelClass, where: unknown): unknown {
  const idName = Model.getIdName();
  if (!idName || !where || typeof where !== 'object' || !Object.prototype.hasOwnProperty.call(where, idName))
    return undefined;
  const id = (where as Record<string, unknown>)[idName];
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * The change record of every write, made as the write's companion (juggler/dao/write-companions):
 * on SQL stores in the write's transaction, so the write and its record commit together and a
 * failure of either leaves neither; on the memory store after the write, a failure reported on
 * the model's 'error' event with the write kept, as LB3.
 */
const recordChange: WriteCompanion = async (Model, written, options, inTransaction) => {
  const M = Model as ModelClass;
  const id = written.id ?? idFromWhere(M, written.where);
  const tx = inTransaction ? [{ transaction: options.transaction }] : [];
  const operation = written.kind === 'delete' ? 'after delete' : 'after save';
  await new Promise<void>((resolve, reject) => {
    let answered = false;
    const report = (err?: Error | null) => {
      if (answered) return;
      answered = true;
      if (err && inTransaction) return reject(err);
      if (err) M.handleChangeError(err, operation);
      resolve();
    };
    try {
      // Through the model's own methods, so an app (or LB3's tests) overriding them is obeyed.
      const ret =
        id !== undefined && id !== null
          ? M.rectifyChange(id, ...tx, report)
          : M.rectifyAllChanges(...tx, report);
      if (ret && typeof ret.then === 'function') ret.then(() => report(), report);
    } catch (err) {
      report(err as Error);
    }
  });
};

function startCleanup(Model: ModelClass): void {
  const configured = Number((Model.settings as Record<string, unknown>).changeCleanupInterval);
  const interval = configured || DEFAULT_CLEANUP_INTERVAL;
  if (!(interval > 0)) return;
  const cleanup = () => {
    try {
      const ret = Model.rectifyAllChanges((err?: Error | null) => {
        if (err) Model.handleChangeError(err, 'cleanup');
      });
      if (ret && typeof ret.catch === 'function') ret.catch(() => undefined);
    } catch (err) {
      Model.handleChangeError(err, 'cleanup');
    }
  };
  cleanup();
  // The periodic pass must not keep a process alive that has nothing else to do.
  setInterval(cleanup, interval).unref();
}

async function listChanges(Model: ModelClass, since: unknown, filter: unknown): Promise<any[]> {
  const Change = Model.getChangeModel();
  const modelFilter = filter && typeof filter === 'object' ? (filter as Record<string, any>) : {};
  const changeFilter = Model.createChangeFilter(since, modelFilter);
  const changes = await new Promise<any[] | undefined>((resolve, reject) => {
    const ret = Change.find(changeFilter, (err: Error | null, list?: any[]) =>
      err ? reject(err) : resolve(list),
    );
    if (ret && typeof ret.then === 'function') ret.then(resolve, reject);
  });
  if (!Array.isArray(changes) || changes.length === 0) return [];
  const idName = idNameOf(Model);
  const ids = changes.map((c) => c.getModelId());
  const present = new Set<string>();
  // A page of the model's instances (replication in chunks sends skip/limit) is one query over all ids.
  const paged =
    modelFilter.limit !== undefined || modelFilter.skip !== undefined || modelFilter.offset !== undefined;
  const step = paged ? ids.length : IDS_PER_QUERY;
  for (let i = 0; i < ids.length; i += step) {
    const where = { ...(modelFilter.where ?? {}), [idName]: { inq: ids.slice(i, i + step) } };
    const query: Record<string, unknown> = { where, fields: { [idName]: true } };
    for (const key of ['limit', 'skip', 'offset', 'order'])
      if (modelFilter[key] !== undefined) query[key] = modelFilter[key];
    const found = await Model.find(query);
    for (const inst of found) present.add(String(inst[idName]));
  }
  return changes.filter((c) => c.type() === Change.DELETE || present.has(c.modelId));
}

function normalizeSince(since: unknown): number {
  if (since === undefined || since === null || since === '') return -1;
  const n = Number(since);
  if (Number.isNaN(n))
    throw new LooplineError(
      'INVALID_ARGUMENT',
      `"since" must be a checkpoint number, got ${JSON.stringify(since)}`,
    );
  return n;
}

export const trackingStatics: Omit<
  ReplicationStatics,
  'Change' | 'replicate' | 'createUpdates' | 'bulkUpdate'
> = {
  _defineChangeModel(this: ModelClass): ChangeModelClass {
    return defineChangeModel(this);
  },
  getChangeModel(this: ModelClass): ChangeModelClass {
    const Change = this.Change;
    if (!Change || !Change.dataSource) {
      throw new ConfigurationError(
        `Cannot get a setup Change model for ${this.modelName}: enable "trackChanges" and attach it to a data source`,
        'CHANGE_TRACKING_NOT_SETUP',
      );
    }
    return Change;
  },
  enableChangeTracking(this: ModelClass): void {
    if (!this.Change) this._defineChangeModel();
    if (!this.dataSource)
      throw new ConfigurationError(
        `Cannot enableChangeTracking(): ${this.modelName} is not attached to a dataSource`,
        'MODEL_NOT_ATTACHED',
      );
    if (!trackingEnabled.has(this)) {
      trackingEnabled.add(this);
      addWriteCompanion(this, 'change-tracking', recordChange);
    }
    startCleanup(this);
  },
  rectifyChange(this: ModelClass, id: unknown, ...rest: unknown[]) {
    const { args, cb } = splitCallback(rest);
    return withCallback(
      rectifyModelChanges(this.getChangeModel(), this.modelName, [id], (args[0] as object) ?? {}),
      cb,
    );
  },
  /** `rectifyAllChanges([options], cb)`: options may carry the transaction the records are written in. */
  rectifyAllChanges(this: ModelClass, ...args: unknown[]) {
    const { args: params, cb } = splitCallback(args);
    return withCallback(Promise.resolve(this.getChangeModel().rectifyAll(params[0] ?? {})), cb);
  },
  /** A failed change-record write: reported on the model's 'error' event, or as a process warning when nobody listens. */
  handleChangeError(this: ModelClass, err: unknown, operationName: string): void {
    if (!err) return;
    if (this.listenerCount('error') > 0) this.emit('error', err, operationName);
    else
      process.emitWarning(
        `${this.modelName}: change tracking failed in ${operationName}: ${String((err as Error).message ?? err)}`,
        'ChangeTrackingWarning',
      );
  },
  findLastChange(this: ModelClass, id: unknown, cb?: NodeCallback<unknown>) {
    return withCallback(
      Promise.resolve(this.getChangeModel().findOne({ where: { modelId: String(id) } })),
      cb,
    );
  },
  updateLastChange(this: ModelClass, id: unknown, data: unknown, cb?: NodeCallback<unknown>) {
    const run = async () => {
      const change = await this.getChangeModel().findOne({ where: { modelId: String(id) } });
      if (!change)
        throw new ModelNotFoundError(
          this.modelName,
          id,
          `No change record found for ${this.modelName} with id ${String(id)}`,
        );
      return change.updateAttributes(data ?? {});
    };
    return withCallback(run(), cb);
  },
  createChangeFilter(this: ModelClass, since: unknown): Record<string, any> {
    return { where: { checkpoint: { gte: since }, modelName: this.modelName } };
  },
  changes(this: ModelClass, ...args: unknown[]) {
    const { args: params, cb } = splitCallback(args);
    const run = async () => listChanges(this, normalizeSince(params[0]), params[1]);
    return withCallback(run(), cb);
  },
  diff(this: ModelClass, since: unknown, remoteChanges: unknown, cb?: NodeCallback<unknown>) {
    return withCallback(
      Promise.resolve().then(() => this.getChangeModel().diff(this.modelName, since, remoteChanges)),
      cb,
    );
  },
  checkpoint(this: ModelClass, cb?: NodeCallback<unknown>) {
    return withCallback(
      Promise.resolve().then(() => this.getChangeModel().getCheckpointModel().bumpLastSeq()),
      cb,
    );
  },
  currentCheckpoint(this: ModelClass, cb?: NodeCallback<number>) {
    return withCallback(
      Promise.resolve().then(() => this.getChangeModel().getCheckpointModel().current()),
      cb,
    );
  },
  /** `<connector name>-<model name>`: names this model's store in replication. */
  getSourceId(this: ModelClass, cb?: NodeCallback<string>) {
    const run = async () => {
      const ds =
        this.dataSource ??
        (await new Promise((resolve) => this.once('dataSourceAttached', () => resolve(this.dataSource))));
      return `${(ds as { connector: { name: string } }).connector.name}-${this.modelName}`;
    };
    return withCallback(run(), cb);
  },
};

export const trackingMethods = {
  fillCustomChangeProperties: noCustomChangeProperties,
};

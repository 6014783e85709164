import { withCallback, type NodeCallback } from '../../util/callback';
import type { ModelClass } from '../model-api/registry';
import { idNameOf } from './call-model';

const UPDATE = 'update';
const DELETE = 'delete';
const UNKNOWN = 'unknown';

/**
 * LB3's `Change.Conflict`: an instance changed on both sides of a replication since they last
 * agreed. Resolving changes the source side (or its change record) so that the next replication
 * carries the chosen data; `swapParties()` turns it round when only the target may be changed.
 * Every method takes a node callback or returns a promise.
 */
export class Conflict {
  readonly SourceChange: ModelClass;
  readonly TargetChange: ModelClass;

  constructor(
    readonly modelId: unknown,
    readonly SourceModel: ModelClass,
    readonly TargetModel: ModelClass,
  ) {
    this.SourceChange = SourceModel.getChangeModel();
    this.TargetChange = TargetModel.getChangeModel();
  }

  /** The instance on each side (null where it was deleted): `cb(err, source, target)`. */
  models(cb?: NodeCallback<unknown>) {
    return withCallback(this.fetchModels(), cb, true);
  }

  /** The last change record on each side: `cb(err, sourceChange, targetChange)`. */
  changes(cb?: NodeCallback<unknown>) {
    return withCallback(this.fetchChanges(), cb, true);
  }

  /**
   * Keeps the source's data: the source's change record is made to follow the target's revision,
   * so the next replication applies the source change without a conflict.
   */
  resolve(cb?: NodeCallback<void>) {
    return withCallback(
      this.resolveInSource().then(() => undefined),
      cb,
    );
  }

  resolveUsingSource(cb?: NodeCallback<void>) {
    return withCallback(
      this.resolveInSource().then(() => undefined),
      cb,
    );
  }

  /** Makes the source hold the target's data (or deletes it where the target was deleted). */
  resolveUsingTarget(cb?: NodeCallback<void>) {
    const run = async () => {
      const [, target] = await this.fetchModels();
      if (target === null) {
        await this.SourceModel.deleteById(this.modelId);
        return;
      }
      const inst: any = new this.SourceModel(plainData(target), { persisted: true });
      await inst.save();
    };
    return withCallback(run(), cb);
  }

  /** The same conflict seen from the other side. */
  swapParties(): Conflict {
    const Ctor = this.constructor as typeof Conflict;
    return new Ctor(this.modelId, this.TargetModel, this.SourceModel);
  }

  /** Gives the source instance `data` (null deletes it), then resolves as `resolve` does. */
  resolveManually(data: Record<string, unknown> | null, cb?: NodeCallback<void>) {
    const run = async () => {
      if (!data) {
        await this.SourceModel.deleteById(this.modelId);
        return;
      }
      const [source, target] = await this.fetchModels();
      const inst =
        source ??
        new this.SourceModel(target ? plainData(target) : { [idNameOf(this.SourceModel)]: this.modelId });
      inst.setAttributes(data);
      await inst.save();
      await this.resolveInSource();
    };
    return withCallback(run(), cb);
  }

  /** `update` when both sides updated, `delete` when either deleted, else `unknown`. */
  type(cb?: NodeCallback<string>) {
    const run = async () => {
      const [source, target] = await this.fetchChanges();
      const sourceType = source ? source.type() : UNKNOWN;
      const targetType = target ? target.type() : UNKNOWN;
      if (sourceType === UPDATE && targetType === UPDATE) return UPDATE;
      if (sourceType === DELETE || targetType === DELETE) return DELETE;
      return UNKNOWN;
    };
    return withCallback(run(), cb);
  }

  private async fetchModels(): Promise<[any, any]> {
    return Promise.all([this.SourceModel.findById(this.modelId), this.TargetModel.findById(this.modelId)]);
  }

  private async fetchChanges(): Promise<[any, any]> {
    return Promise.all([
      promiseOf(this.SourceModel.findLastChange(this.modelId)),
      promiseOf(this.TargetModel.findLastChange(this.modelId)),
    ]);
  }

  private async resolveInSource(): Promise<unknown> {
    const targetChange = await promiseOf(this.TargetModel.findLastChange(this.modelId));
    return promiseOf(
      this.SourceModel.updateLastChange(this.modelId, {
        prev: targetChange ? (targetChange.rev ?? null) : null,
      }),
    );
  }
}

function plainData(inst: any): Record<string, unknown> {
  return inst && typeof inst.toObject === 'function' ? inst.toObject() : { ...inst };
}

/** A model method's answer as a promise (a remote model's methods may answer with a thenable). */
function promiseOf(value: any): Promise<any> {
  return Promise.resolve(value);
}

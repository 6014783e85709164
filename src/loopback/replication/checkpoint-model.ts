import { splitCallback, withCallback, type NodeCallback } from '../../util/callback';
import type { ModelClass } from '../model-api/registry';

/**
 * LB3's `Checkpoint`: one row per store holding the current checkpoint number (`seq`). Change
 * records carry the checkpoint they were made in; replication asks for changes since a checkpoint
 * and starts a new one (`bumpLastSeq`) so that writes made during a run land after it.
 */
export const CHECKPOINT_DEFINITION = {
  name: 'Checkpoint',
  base: 'PersistedModel',
  properties: {
    seq: { type: 'number' },
    time: { type: 'date', defaultFn: 'now' },
    sourceId: { type: 'string' },
  },
};

export interface CheckpointRow {
  id: unknown;
  seq: number;
}

/**
 * The single checkpoint row, made with seq 1 on first use (findOrCreate: one row even when callers
 * race). Read first: findOrCreate takes the store's lock for its where, which a write's
 * transaction would hold until it commits, making every tracked write wait for the others.
 */
async function singleton(Checkpoint: ModelClass, options?: object): Promise<CheckpointRow> {
  const found = (await Checkpoint.findOne({}, options ?? {})) as CheckpointRow | null;
  if (found) return found;
  const [cp] = (await Checkpoint.findOrCreate({ limit: 1 }, { seq: 1 }, options ?? {})) as [
    CheckpointRow,
    boolean,
  ];
  return cp;
}

export function setupCheckpoint(Checkpoint: ModelClass): void {
  Object.assign(Checkpoint, {
    /** `Checkpoint.current(cb)`: the current checkpoint number. */
    current(this: ModelClass, cb?: NodeCallback<number>) {
      return withCallback(
        singleton(this).then((cp) => cp.seq),
        cb,
      );
    },
    /**
     * `Checkpoint.bumpLastSeq(cb)`: starts a new checkpoint and gives the checkpoint row. The row is
     * moved on only from the value read, so callers racing each other all get the same new number
     * instead of skipping several.
     */
    bumpLastSeq(this: ModelClass, cb?: NodeCallback<CheckpointRow>) {
      const bump = async () => {
        const cp = await singleton(this);
        const seen = cp.seq;
        cp.seq = seen + 1;
        await this.updateAll({ id: cp.id, seq: seen }, { seq: cp.seq });
        return cp;
      };
      return withCallback(bump(), cb);
    },
    /** `_getSingleton([options], cb)`: options may carry the transaction of the write asking. */
    _getSingleton(this: ModelClass, ...args: unknown[]) {
      const { args: params, cb } = splitCallback(args);
      const options = params[0] && typeof params[0] === 'object' ? (params[0] as object) : undefined;
      return withCallback(singleton(this, options), cb as NodeCallback<CheckpointRow> | undefined);
    },
  });
}

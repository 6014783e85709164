import { LooplineError } from '../../errors';
import { bluebird, withCallback, type NodeCallback } from '../../util/callback';
import type { ModelClass } from '../model-api/registry';
import { Conflict } from './conflict';
import { callModel } from './call-model';
import { CHANGE_TYPES, toChangeData } from './change-model';

/**
 * Replication (LB3's `Model.replicate(since, Target, options, cb)`): the source's changes since a
 * checkpoint are compared with the target's (`diff`), the ones that apply are turned into updates
 * carrying the source data (`createUpdates`) and written on the target (`bulkUpdate`), which checks
 * each against the revision it expects and reports the ones that moved meanwhile as conflicts.
 * Source and target may be in one process or behind REST (a remote model): only their public
 * methods are used.
 */

const MAX_ATTEMPTS = 3;

export interface Since {
  source: unknown;
  target: unknown;
}

export interface Update {
  type: string;
  change: any;
  data?: Record<string, unknown>;
}

interface Run {
  conflicts: Conflict[];
  checkpoints: { source: number; target: number };
  updates: Update[] | undefined;
}

/** Splits `list` into slices of `size` (all of it at once when size is not positive). */
function chunks<T>(list: T[], size: number): T[][] {
  if (!(size > 0) || list.length <= size) return [list];
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function sourceChanges(
  Source: ModelClass,
  since: unknown,
  filter: Record<string, unknown> | undefined,
  chunkSize: number,
): Promise<any[]> {
  const base: Record<string, unknown> = filter ? JSON.parse(JSON.stringify(filter)) : {};
  if (!(chunkSize > 0)) return (await callModel(Source, 'changes', [since, base])) ?? [];
  const all: any[] = [];
  for (let skip = 0; ;) {
    const page: any[] =
      (await callModel(Source, 'changes', [since, { ...base, skip, limit: chunkSize }])) ?? [];
    all.push(...page);
    if (page.length < chunkSize) return all;
    skip += page.length;
  }
}

async function attempt(
  Source: ModelClass,
  Target: ModelClass,
  since: Since,
  options: Record<string, any>,
): Promise<Run> {
  Source.getChangeModel();
  Target.getChangeModel();
  const chunkSize = Number((Source.settings as Record<string, unknown>).replicationChunkSize) || -1;
  // New checkpoints first: a write made while this run goes on lands after them and is picked up next time.
  const sourceCp = await callModel(Source, 'checkpoint', []);
  const targetCp = await callModel(Target, 'checkpoint', []);
  const checkpoints = { source: sourceCp.seq, target: targetCp.seq };

  const changes = await sourceChanges(Source, since.source, options.filter, chunkSize);
  const deltas: any[] = [];
  const conflicts: any[] = [];
  for (const part of chunks(changes, chunkSize)) {
    const diff = (await callModel(Target, 'diff', [since.target, part])) ?? {};
    deltas.push(...(diff.deltas ?? []));
    conflicts.push(...(diff.conflicts ?? []));
  }
  let updates: Update[] | undefined;
  if (deltas.length) {
    updates = [];
    for (const part of chunks(deltas, chunkSize))
      updates.push(...((await callModel(Source, 'createUpdates', [part])) ?? []));
    let failure: unknown;
    for (const part of chunks(updates, chunkSize)) {
      try {
        await callModel(Target, 'bulkUpdate', [part, options]);
      } catch (err) {
        const e = err as { statusCode?: number; details?: { conflicts?: any[] } };
        if (e && e.statusCode === 409 && Array.isArray(e.details?.conflicts)) {
          conflicts.push(...e.details.conflicts);
        } else failure ??= err;
      }
    }
    if (failure) throw failure;
    const conflicted = new Set(conflicts.map((c) => String(c.modelId)));
    updates = updates.filter((u) => !conflicted.has(String(u.change?.modelId)));
  }
  const found = conflicts.map((c) => new Conflict(c.modelId, Source, Target));
  if (found.length) Source.emit('conflicts', found);
  return { conflicts: found, checkpoints, updates };
}

async function replicate(
  Source: ModelClass,
  since: Since,
  Target: ModelClass,
  options: Record<string, any>,
): Promise<Run> {
  let current = since;
  for (let n = 1; ; n++) {
    const run = await attempt(Source, Target, current, options);
    // Replicated writes get the new target checkpoint; one more pass confirms nothing is left.
    if (run.conflicts.length || !run.updates || run.updates.length === 0 || n >= MAX_ATTEMPTS) return run;
    current = run.checkpoints;
  }
}

function isModel(value: unknown): value is ModelClass {
  return typeof value === 'function' && typeof (value as { modelName?: unknown }).modelName === 'string';
}

/** `replicate([since,] Target[, options][, cb])`: cb(err, conflicts, checkpoints); the promise gives the conflicts. */
export function replicateMethod(this: ModelClass, ...args: unknown[]) {
  // The target model is a function too: only a trailing function that is not a model is the callback.
  const last = args[args.length - 1];
  const cb = typeof last === 'function' && !isModel(last) ? (last as NodeCallback<unknown>) : undefined;
  const params = cb ? args.slice(0, -1) : args;
  let [since, Target, options] = params as [unknown, unknown, unknown];
  if (isModel(since)) [since, Target, options] = [-1, since, Target];
  const run = async () => {
    if (!isModel(Target)) throw new LooplineError('INVALID_ARGUMENT', 'replicate() needs the target model');
    const window: Since =
      since && typeof since === 'object' ? (since as Since) : { source: since ?? -1, target: since ?? -1 };
    const opts = options && typeof options === 'object' ? (options as Record<string, any>) : {};
    const result = await replicate(this, window, Target, opts);
    return [result.conflicts, result.checkpoints, result.updates] as const;
  };
  if (cb) {
    withCallback(run(), cb, true);
    return undefined;
  }
  return bluebird()
    .resolve(run())
    .then(([conflicts]) => conflicts);
}

/** `createUpdates(deltas)`: each change with the source data to apply (none for a delete). */
export function createUpdatesMethod(this: ModelClass, deltas: unknown, cb?: NodeCallback<Update[]>) {
  const run = async () => {
    if (!Array.isArray(deltas))
      throw new LooplineError('INVALID_ARGUMENT', 'createUpdates expects an array of changes');
    const Change = this.getChangeModel();
    const updates: Update[] = [];
    for (const delta of deltas) {
      if (!delta || typeof delta !== 'object')
        throw new LooplineError('INVALID_UPDATE', 'Each delta must be a change object');
      const change = new Change(toChangeData(delta));
      const type = change.type();
      if (type === CHANGE_TYPES.DELETE) updates.push({ type, change });
      else if (type === CHANGE_TYPES.CREATE || type === CHANGE_TYPES.UPDATE) {
        const inst = await this.findById(change.getModelId());
        if (!inst)
          throw new LooplineError(
            'MISSING_CHANGE_DATA',
            `Missing data for change: ${String(change.modelId)}`,
          );
        updates.push({ type, change, data: typeof inst.toObject === 'function' ? inst.toObject() : inst });
      }
    }
    return updates;
  };
  return withCallback(run(), cb);
}

export { bulkUpdateMethod } from './bulk-update';

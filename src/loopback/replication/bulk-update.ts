import { LooplineError } from '../../errors';
import { splitCallback, withCallback } from '../../util/callback';
import type { ModelClass } from '../model-api/registry';
import { CHANGE_TYPES, rectifyModelChanges } from './change-model';
import type { Update } from './replicate';
import { idNameOf } from './call-model';

/**
 * `bulkUpdate(updates, options)`: applies a replication's updates on this (target) model. Each
 * update is applied only if the instance still has the revision the change was based on; one that
 * moved meanwhile (a third party wrote it) is a conflict: its change record is brought up to date
 * and the whole call answers 409 with the conflicting changes in `details.conflicts`. Not atomic
 * (as LB3): the updates that did apply stay applied.
 */

interface Outcome {
  conflicts: any[];
}

function invalid(message: string): LooplineError {
  return new LooplineError('INVALID_UPDATE', message);
}

/** Checks the shape of what a client sent before anything is written. */
function checkUpdates(updates: unknown): Update[] {
  if (!Array.isArray(updates)) throw invalid('bulkUpdate expects an array of updates');
  for (const u of updates) {
    if (!u || typeof u !== 'object') throw invalid('Each update must be an object {type, change, data}');
    const { type, change, data } = u as Update;
    if (type !== CHANGE_TYPES.CREATE && type !== CHANGE_TYPES.UPDATE && type !== CHANGE_TYPES.DELETE) {
      throw invalid(`Unknown update type ${JSON.stringify(type)}: one of create, update, delete`);
    }
    if (!change || typeof change !== 'object') throw invalid('Each update needs its change record');
    if (type === CHANGE_TYPES.DELETE && (change.modelId === undefined || change.modelId === null)) {
      throw invalid('A delete needs the modelId of the instance it removes');
    }
    if (type !== CHANGE_TYPES.DELETE && (!data || typeof data !== 'object' || Array.isArray(data))) {
      throw invalid(`The ${type} of ${String(change.modelId)} carries no data object`);
    }
  }
  return updates as Update[];
}

/**
 * A where that matches the instance only while it still holds the values read: its id and its
 * string, number and boolean values (objects, arrays and dates — whose precision a store may cut —
 * are left to the revision check made just before).
 */
function unchangedWhere(Model: ModelClass, current: any): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  const data = current.toObject(true);
  for (const name of Model.definition.propertyNames as readonly string[]) {
    const v = data[name];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') where[name] = v;
  }
  where[idNameOf(Model)] = current.getId();
  return where;
}

/** The instance an update is for: its change's modelId, else (a create or update) the id in its data. */
function targetId(Model: ModelClass, update: Update): string {
  const fromChange = update.change?.modelId;
  if (fromChange !== undefined && fromChange !== null) return String(fromChange);
  const fromData = update.data?.[idNameOf(Model)];
  if (fromData === undefined || fromData === null)
    throw invalid(`The ${update.type} carries neither a change modelId nor an id in its data`);
  return String(fromData);
}

async function conflict(
  Model: ModelClass,
  id: string,
  change: any,
  outcome: Outcome,
  options: object,
): Promise<void> {
  outcome.conflicts.push(change);
  await rectifyModelChanges(Model.getChangeModel(), Model.modelName, [id], options);
}

function unexpectedCount(Model: ModelClass, what: string, count: unknown): LooplineError {
  return new LooplineError(
    'BULK_UPDATE_FAILED',
    `Bulk update failed: ${Model.modelName}.${what} affected ${JSON.stringify(count)} instances instead of one`,
  );
}

/** The data of an update as a plain object (in-process replication may hand over instances). */
function plainData(data: unknown): Record<string, unknown> {
  const inst = data as { __data?: unknown; toObject?: () => Record<string, unknown> };
  return inst.__data !== undefined && typeof inst.toObject === 'function'
    ? inst.toObject()
    : { ...(data as Record<string, unknown>) };
}

async function applyOne(
  Model: ModelClass,
  update: Update,
  current: any,
  outcome: Outcome,
  options: Record<string, unknown>,
): Promise<void> {
  const Change = Model.getChangeModel();
  const change = update.change;
  const id = targetId(Model, update);
  const txOnly = options.transaction ? { transaction: options.transaction } : {};
  if (update.type === CHANGE_TYPES.CREATE) {
    try {
      await Model.create(plainData(update.data), options);
    } catch (err) {
      // A create refused because the id is taken is a conflict; any other refusal is the error.
      const existing = await Model.findById(
        Change.prototype.getModelId.call(new Change({ modelId: id })),
        undefined,
        txOnly,
      ).catch(() => null);
      if (!existing) throw err;
      await conflict(Model, id, change, outcome, txOnly);
    }
    return;
  }
  if (update.type === CHANGE_TYPES.DELETE && !current) return;
  const rev = current ? Change.revisionForInst(current) : null;
  if (rev !== (change.prev ?? null)) {
    await conflict(Model, id, change, outcome, txOnly);
    return;
  }
  if (update.type === CHANGE_TYPES.UPDATE) {
    const data = plainData(update.data);
    delete data[idNameOf(Model)];
    const { count } = await Model.updateAll(unchangedWhere(Model, current), data, options);
    if (count === 0) outcome.conflicts.push(change);
    else if (count !== 1) throw unexpectedCount(Model, 'updateAll', count);
    return;
  }
  const { count } = await Model.destroyAll(unchangedWhere(Model, current), options);
  if (count === 0) outcome.conflicts.push(change);
  else if (count !== 1) throw unexpectedCount(Model, 'destroyAll', count);
}

async function bulkUpdate(
  Model: ModelClass,
  rawUpdates: unknown,
  options: Record<string, unknown>,
): Promise<void> {
  const updates = checkUpdates(rawUpdates);
  const Change = Model.getChangeModel();
  const idName = idNameOf(Model);
  const ids = updates.map((u) =>
    Change.prototype.getModelId.call(new Change({ modelId: targetId(Model, u) })),
  );
  const currentById = new Map<string, any>();
  if (ids.length) {
    const txOnly = options.transaction ? { transaction: options.transaction } : {};
    for (const inst of await Model.find({ where: { [idName]: { inq: ids } } }, txOnly))
      currentById.set(String(inst.getId()), inst);
  }
  const outcome: Outcome = { conflicts: [] };
  const failures = await Promise.all(
    updates.map((u) =>
      applyOne(Model, u, currentById.get(targetId(Model, u)), outcome, options).then(
        () => null,
        (err: unknown) => err,
      ),
    ),
  );
  const failure = failures.find((f) => f !== null);
  if (failure) throw failure;
  if (outcome.conflicts.length) {
    throw new LooplineError('REPLICATION_CONFLICT', 'Conflict', { conflicts: outcome.conflicts });
  }
}

/** `bulkUpdate(updates[, options][, cb])`. */
export function bulkUpdateMethod(this: ModelClass, ...args: unknown[]) {
  const { args: params, cb } = splitCallback(args);
  const options = params[1] && typeof params[1] === 'object' ? (params[1] as Record<string, unknown>) : {};
  return withCallback(bulkUpdate(this, params[0], options), cb);
}

import { PassThrough } from 'stream';
import { normalizeFilter } from './filter/normalize-filter';
import { compileWhere } from './filter/where-matcher';
import { projectFields } from './filter/fields';
import { observe, removeObserver, type Observer } from './operation-hooks';
import type { ModelDefinition } from './model-definition';
import type { ChangeNotice, StoreChangeFeed } from './connectors/change-feed';
import { hasWriteCompanions } from './dao/write-companions';

/**
 * `Model.createChangeStream([options])`: a readable object stream of the model's writes, made from
 * its operation hooks (no change tracking needed), as LB3. Each change is
 * `{type: 'create'|'update'|'remove', target, where, data}`: `target` the written id when the
 * instance or the where names one, `data` the saved instance (or the patch of an updateAll).
 * `options.where` keeps only the changes whose data matches it; `options.fields` narrows `data`.
 * Destroying or ending the stream removes its observers.
 */

export type ChangeType = 'create' | 'update' | 'remove';

export interface Change {
  type: ChangeType;
  target: unknown;
  where: unknown;
  data: unknown;
}

export interface ChangeStreamOptions {
  where?: unknown;
  fields?: unknown;
}

interface ObservedModel {
  definition: ModelDefinition;
  modelName: string;
  dataSource?: { connector: object; ready(): Promise<void> };
  findById(id: unknown): PromiseLike<unknown>;
}

/** A stream of a model's changes, and when it also hears other processes' writes (see subscribeToStore). */
export interface ChangeStreamHandle {
  stream: PassThrough;
  ready: Promise<void>;
}

type Row = Record<string, unknown>;

function plainOf(value: unknown): Row | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { toObject?: (onlySchema?: boolean) => Row };
  return typeof v.toObject === 'function' ? v.toObject(false) : (value as Row);
}

/** The hidden properties out of a plain patch (an instance hides its own when serialised). */
function withoutHidden(def: ModelDefinition, data: unknown): unknown {
  if (!data || typeof data !== 'object' || def.hidden.size === 0) return data;
  if (typeof (data as { toJSON?: unknown }).toJSON === 'function') return data;
  const shown: Row = {};
  for (const [k, v] of Object.entries(data as Row)) if (!def.hidden.has(k)) shown[k] = v;
  return shown;
}

/**
 * Compiles the options once: a function that turns one hook context's data into the change's
 * data, or undefined when the options filter it out. Bad options throw here, before any stream.
 */
function compileSelection(
  def: ModelDefinition,
  options: ChangeStreamOptions | undefined,
): (data: unknown) => { keep: boolean; data: unknown } {
  if (!options || (options.where === undefined && options.fields === undefined))
    return (data) => ({ keep: true, data: withoutHidden(def, data) });
  const normalized = normalizeFilter({ where: options.where, fields: options.fields }, def);
  const matches = compileWhere(normalized.where);
  return (data) => {
    const row = plainOf(data) ?? {};
    if (!matches(row)) return { keep: false, data: undefined };
    return { keep: true, data: withoutHidden(def, projectFields(row, normalized.fields)) };
  };
}

export function createChangeStream(
  Model: ObservedModel,
  options: ChangeStreamOptions | undefined,
): ChangeStreamHandle {
  const def = Model.definition;
  const idName = def.idName ?? 'id';
  const select = compileSelection(def, options);
  // Destroying the stream drops its observers at once, not on the 'close' event a tick later.
  const changes = new PassThrough({
    objectMode: true,
    destroy(err, callback) {
      stop();
      callback(err);
    },
  });

  const emit = (ctx: Row, kind: 'save' | 'delete'): void => {
    if (changes.destroyed || changes.writableEnded) return;
    const where = ctx.where as Row | undefined;
    const source = ctx.instance ?? ctx.data;
    const own = plainOf(source);
    const target =
      own && own[idName] !== undefined && own[idName] !== null && own[idName] !== ''
        ? own[idName]
        : where?.[idName];
    const selected = select(source);
    if (!selected.keep) return;
    let type: ChangeType = 'remove';
    if (kind === 'save') {
      const hasTarget = target !== undefined && target !== null && target !== '';
      type =
        ctx.isNewInstance === undefined
          ? hasTarget
            ? 'update'
            : 'create'
          : ctx.isNewInstance
            ? 'create'
            : 'update';
    }
    changes.write({ type, target, where, data: selected.data } satisfies Change);
  };
  const fromStore = subscribeToStore(Model, idName, select, (change) => {
    if (!changes.destroyed && !changes.writableEnded) changes.write(change);
  });
  const afterSave: Observer = async (ctx: Row) => emit(ctx, 'save');
  const afterDelete: Observer = async (ctx: Row) => emit(ctx, 'delete');
  observe(Model, 'after save', afterSave);
  observe(Model, 'after delete', afterDelete);

  let removed = false;
  function stop(): void {
    if (removed) return;
    removed = true;
    removeObserver(Model, 'after save', afterSave);
    removeObserver(Model, 'after delete', afterDelete);
    void fromStore.then((unsubscribe) => unsubscribe?.()).catch(() => undefined);
  }
  for (const event of ['close', 'end', 'finish', 'error']) changes.on(event, stop);
  return { stream: changes, ready: fromStore.then(() => undefined) };
}

/**
 * The writes other processes make to the same store, carried by its change feed
 * (connectors/change-feed.ts): a notice names the instance; its data is read here, through the
 * model (so hidden properties stay hidden and the stream's where and fields apply alike). Changes
 * reach the stream in the order their notices came. Resolves to the unsubscribe function, or
 * undefined when the store carries no feed.
 */
function subscribeToStore(
  Model: ObservedModel,
  idName: string,
  select: (data: unknown) => { keep: boolean; data: unknown },
  write: (change: Change) => void,
): Promise<(() => Promise<void>) | undefined> {
  const ds = Model.dataSource;
  const feed = (
    ds?.connector as { changeFeed?: () => StoreChangeFeed | undefined } | undefined
  )?.changeFeed?.();
  // Other processes announce only a tracked model's writes, or every model's with `changeFeed: true`.
  if (!ds || !feed || !(feed.everyModel || hasWriteCompanions(Model))) return Promise.resolve(undefined);
  let order: Promise<void> = Promise.resolve();
  const toChange = async (notice: ChangeNotice): Promise<Change | undefined> => {
    const where = notice.where ?? (notice.id !== undefined ? { [idName]: notice.id } : undefined);
    let source: unknown = notice.data;
    if (notice.kind !== 'remove' && notice.id !== undefined) {
      // Gone again before this process read it (its removal follows): the change comes without data.
      source = (await Model.findById(notice.id)) ?? undefined;
    }
    const selected = select(source);
    return selected.keep ? { type: notice.kind, target: notice.id, where, data: selected.data } : undefined;
  };
  const hear = (notice: ChangeNotice) => {
    if (notice.model !== Model.modelName) return;
    const next = order.then(() => toChange(notice));
    order = next.then(
      (change) => (change ? write(change) : undefined),
      () => undefined,
    );
  };
  return ds.ready().then(() => feed.subscribe(hear));
}

import { LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import { hasToObject } from './key-properties';
import type { RelationDefinition } from './relation-definition';
import { isValid, validationErrorFor } from '../validations';
import type { Connector } from '../connectors/connector';
import { normalizeFilter } from '../filter/normalize-filter';
import { compileWhere } from '../filter/where-matcher';
import { sortRows } from '../filter/order';
import { projectFields } from '../filter/fields';

/**
 * embedsOne and embedsMany: the related data lives inside the owner, in `rel.embedProperty`, and
 * every change is a save of the owner (so the owner's hooks and validations run, as in LB3).
 */

type Inst = Record<string, any>;

function plain(value: unknown): Inst {
  if (hasToObject(value)) return value.toObject(false);
  return isPlainObject(value) ? { ...value } : {};
}

function wrap(rel: RelationDefinition, data: unknown): any {
  if (data instanceof rel.modelTo!) return data;
  return new rel.modelTo!(plain(data));
}

/** The stored value, read from the data: a relation named like its property hides the accessor. */
function stored(rel: RelationDefinition, owner: Inst): unknown {
  const data = owner.__data as Inst | undefined;
  return data ? data[rel.embedProperty!] : owner[rel.embedProperty!];
}

// ---- embedsOne -------------------------------------------------------------------------------

export function embeddedValue(rel: RelationDefinition, owner: Inst): any | null {
  const v = stored(rel, owner);
  return v === undefined || v === null ? null : wrap(rel, v);
}

/**
 * As LB3: an item without an id (or any item, with the relation's `forceId`) gets one unless the
 * relation is `persistent`: embedsMany numbers a Number id after the list's largest; otherwise the
 * id comes from the target's store when it generates ids (transient: 24 hex characters). A store
 * without id generation (memory, SQL) leaves an embedsOne item, or a string-keyed embedsMany item,
 * without one — LB3 answers `{url}` for an embedsOne cover, not `{url, id}`.
 */
function assignId(rel: RelationDefinition, item: Inst, list: Inst[] | undefined): void {
  const pk = idName(rel);
  const opts = rel.options ?? {};
  if (opts.persistent) return;
  if (!opts.forceId && item[pk] !== undefined && item[pk] !== null) return;
  const def = rel.modelTo!.definition;
  const prop = def.properties[pk];
  if (!prop) return;
  if (list && prop.kind.name === 'Number') {
    item[pk] = list.reduce((max, x) => (typeof x[pk] === 'number' && x[pk] > max ? x[pk] : max), 0) + 1;
    return;
  }
  if (!list && !prop.generated) return;
  const connector = rel.modelTo!.dataSource?.connector as Connector | undefined;
  const generated = connector?.generateId?.(def, plain(item), pk);
  if (generated !== undefined) item[pk] = generated;
}

/** embedsOne's `build`: the item becomes the owner's (unsaved) value at once, as LB3. */
export function buildEmbedded(rel: RelationDefinition, owner: Inst, data: unknown): any {
  const item = wrap(rel, data);
  assignId(rel, item, undefined);
  ((owner.__data ?? owner) as Inst)[rel.embedProperty!] = item;
  return item;
}

export async function setEmbedded(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  const item = wrap(rel, data);
  assignId(rel, item, undefined);
  await validateItem(rel, item, options);
  await owner.updateAttributes({ [rel.embedProperty!]: plain(item) }, options);
  return embeddedValue(rel, owner);
}

export async function updateEmbedded(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  const current = embeddedValue(rel, owner);
  if (!current) throw new LooplineError('MODEL_NOT_FOUND', `EmbedsOne relation ${rel.name} is empty`);
  return setEmbedded(rel, owner, { ...plain(current), ...plain(data) }, options);
}

export async function unsetEmbedded(rel: RelationDefinition, owner: Inst, options: object): Promise<void> {
  await owner.updateAttributes({ [rel.embedProperty!]: null }, options);
}

// ---- embedsMany ------------------------------------------------------------------------------

function idName(rel: RelationDefinition): string {
  return rel.modelTo!.definition.idName ?? 'id';
}

export function embeddedList(rel: RelationDefinition, owner: Inst): any[] {
  const v = stored(rel, owner);
  return Array.isArray(v) ? v.map((item) => wrap(rel, item)) : [];
}

/**
 * The owner's own list, its items as instances. Built and created items join it at once, in place
 * (as LB3), so an item changed after `build` (`link.linked(author)`) reaches the owner's next save,
 * and several creates started together on one instance all land.
 */
function liveList(rel: RelationDefinition, owner: Inst): any[] {
  const data = (owner.__data ?? owner) as Inst;
  let list = data[rel.embedProperty!];
  if (!Array.isArray(list)) data[rel.embedProperty!] = list = [];
  for (let i = 0; i < list.length; i++) if (!(list[i] instanceof rel.modelTo!)) list[i] = wrap(rel, list[i]);
  return list;
}

/** embedsMany's `build`: the item, with its id, joins the owner's list (unsaved), as LB3. */
export function buildEmbeddedItem(rel: RelationDefinition, owner: Inst, data: unknown): any {
  const list = liveList(rel, owner);
  const item = wrap(rel, data);
  assignId(rel, item, list);
  list.push(item);
  return item;
}

/**
 * The item's own rules. Its id is the relation's to give, so the target's forceId (which refuses
 * a client id on create) does not apply to it — LB3 accepts the ids it assigns to embedded items.
 */
async function validateItem(_rel: RelationDefinition, item: any, options: object): Promise<void> {
  const persisted = item.__persisted;
  item.__persisted = true;
  try {
    if (!(await isValid(item, options))) throw validationErrorFor(item);
  } finally {
    item.__persisted = persisted;
  }
}

async function saveList(rel: RelationDefinition, owner: Inst, list: any[], options: object): Promise<void> {
  await owner.updateAttributes({ [rel.embedProperty!]: list.map(plain) }, options);
}

/** LB3's answer for an embedded id the list lacks (its findById wording, not hasMany's). */
function embeddedNotFound(rel: RelationDefinition, fk: unknown): LooplineError {
  return new LooplineError('MODEL_NOT_FOUND', `Unknown "${rel.modelTo!.modelName}" id "${String(fk)}".`);
}

/** The item with this id, or null as LB3 answers (its REST findById turns null into a 404). */
export function findEmbeddedById(rel: RelationDefinition, owner: Inst, fk: unknown): any {
  return embeddedList(rel, owner).find((item) => String(item[idName(rel)]) === String(fk)) ?? null;
}

/**
 * The owner's items a filter selects, as LB3 filters an embedded list: `where`, `order`, `skip`,
 * `limit` and `fields`, checked against the item model like any filter (400 INVALID_FILTER) and
 * applied in memory, since the items live in the owner.
 */
export function findEmbedded(rel: RelationDefinition, owner: Inst, filter: unknown): any[] {
  const list = embeddedList(rel, owner);
  if (filter === undefined || filter === null) return list;
  const normalized = normalizeFilter(filter, rel.modelTo!.definition);
  const matches = compileWhere(normalized.where);
  const rows = list.map((item) => ({ item, row: plain(item) }));
  let kept = rows.filter((r) => matches(r.row));
  if (normalized.order?.length) {
    const byRow = new Map(kept.map((r) => [r.row, r]));
    kept = sortRows(
      kept.map((r) => r.row),
      normalized.order,
    ).map((row) => byRow.get(row)!);
  }
  const start = normalized.skip ?? 0;
  kept = kept.slice(start, normalized.limit === undefined ? undefined : start + normalized.limit);
  return normalized.fields
    ? kept.map((r) => wrap(rel, projectFields(r.row, normalized.fields)))
    : kept.map((r) => r.item);
}

/** How many of the owner's items match `where` (all of them without one). */
export function countEmbedded(rel: RelationDefinition, owner: Inst, where: unknown): number {
  if (where === undefined || where === null) return embeddedList(rel, owner).length;
  return findEmbedded(rel, owner, { where }).length;
}

export async function addEmbedded(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  const list = liveList(rel, owner);
  const item = wrap(rel, data);
  assignId(rel, item, list);
  if (list.some((x) => String(x[idName(rel)]) === String(item[idName(rel)]))) {
    throw new LooplineError(
      'DUPLICATE_ID',
      `Duplicate entry for ${rel.modelTo!.modelName}.${idName(rel)}: ${String(item[idName(rel)])}`,
    );
  }
  list.push(item);
  try {
    await validateItem(rel, item, options);
  } catch (err) {
    if (list.includes(item)) list.splice(list.indexOf(item), 1);
    throw err;
  }
  await saveList(rel, owner, list, options);
  return item;
}

export async function updateEmbeddedById(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  data: unknown,
  options: object,
): Promise<any> {
  const list = embeddedList(rel, owner);
  const index = list.findIndex((item) => String(item[idName(rel)]) === String(fk));
  if (index < 0) throw embeddedNotFound(rel, fk);
  const patch = plain(data);
  delete patch[idName(rel)];
  const updated = wrap(rel, { ...plain(list[index]), ...patch });
  await validateItem(rel, updated, options);
  list[index] = updated;
  await saveList(rel, owner, list, options);
  return updated;
}

export async function destroyEmbeddedById(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  options: object,
): Promise<void> {
  const list = embeddedList(rel, owner);
  const kept = list.filter((item) => String(item[idName(rel)]) !== String(fk));
  if (kept.length === list.length) throw embeddedNotFound(rel, fk);
  await saveList(rel, owner, kept, options);
}

export async function clearEmbedded(rel: RelationDefinition, owner: Inst, options: object): Promise<void> {
  await saveList(rel, owner, [], options);
}

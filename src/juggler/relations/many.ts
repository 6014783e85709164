import { InvalidValueError, LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import { mergeQuery, mergeWhere, scopeDefaults } from '../scope';
import { parseFilterArg, parseWhereArg } from '../dao/find';
import { validateOrThrow } from '../dao/validate';
import type { OperationOptions } from '../connectors/connector';
import { hasToObject, isScalarKey } from './key-properties';
import type { RelationDefinition } from './relation-definition';

/**
 * The collection side of relations — hasMany (plain, polymorphic, through), hasAndBelongsToMany
 * and referencesMany — as plain async functions of (relation, owner instance, ...). The accessor
 * objects (`customer.orders.find()`) and the REST methods (`__get__orders`) both call these, and
 * they go through the target model's own statics so operation hooks fire on the target, as in LB3.
 */

type Query = Record<string, any>;
type Inst = Record<string, any>;

export function notFoundInRelation(rel: RelationDefinition, fk: unknown): LooplineError {
  return new LooplineError(
    'MODEL_NOT_FOUND',
    `No instance with id ${String(fk)} found for ${rel.modelTo!.modelName}`,
  );
}

function targetIdName(rel: RelationDefinition): string {
  return rel.modelTo!.definition.idName ?? 'id';
}

/** The where that ties targets to this owner (without the relation scope). */
export function ownerWhere(rel: RelationDefinition, owner: Inst): Query {
  // A key that is not one value would be read as operators and reach other owners' rows.
  const key = owner[rel.keyFrom];
  if (key !== undefined && key !== null && !isScalarKey(key))
    throw new InvalidValueError(
      `${rel.modelFrom.modelName}.${rel.keyFrom} holds no single value: the relation "${rel.name}" has no rows to act on`,
    );
  const where: Query = { [rel.keyTo]: owner[rel.keyFrom] };
  if (rel.polymorphic && !rel.polymorphic.invert)
    where[rel.polymorphic.discriminator] = rel.modelFrom.modelName;
  return where;
}

/** For through relations: the target ids linked to this owner, in link order. */
async function linkedIds(rel: RelationDefinition, owner: Inst, options: object): Promise<unknown[]> {
  if (rel.type === 'referencesMany') {
    const ids = owner[rel.keyFrom];
    return Array.isArray(ids) ? ids.filter(isScalarKey) : [];
  }
  const links = await rel.modelThrough!.find({ where: ownerWhere(rel, owner), fields: undefined }, options);
  return links.map((l: Inst) => l[rel.keyThrough!]).filter(isScalarKey);
}

/** The where that selects this owner's targets: keyed directly, or by the linked ids. */
async function targetWhere(rel: RelationDefinition, owner: Inst, options: object): Promise<Query> {
  if (rel.isThrough || rel.type === 'referencesMany')
    return { [targetIdName(rel)]: { inq: await linkedIds(rel, owner, options) } };
  return ownerWhere(rel, owner);
}

function scoped(rel: RelationDefinition, filter: Query | undefined, where: Query): Query {
  const q = mergeQuery(filter, rel.scope);
  q.where = mergeWhere(q.where, where);
  return q;
}

export async function findRelated(
  rel: RelationDefinition,
  owner: Inst,
  filter: unknown,
  options: object,
): Promise<any[]> {
  if (
    !isScalarKey(owner[rel.keyFrom]) &&
    !(rel.type === 'referencesMany' && Array.isArray(owner[rel.keyFrom]))
  )
    return [];
  const where = await targetWhere(rel, owner, options);
  const list = await rel.modelTo!.find(scoped(rel, parseFilterArg(filter), where), options);
  if (rel.type === 'referencesMany' && !parseFilterArg(filter)?.order)
    return orderByIds(list, owner[rel.keyFrom], targetIdName(rel));
  return list;
}

function orderByIds(list: Inst[], ids: unknown[], idName: string): Inst[] {
  const pos = new Map(ids.map((id, i) => [String(id), i]));
  return [...list].sort((a, b) => (pos.get(String(a[idName])) ?? 0) - (pos.get(String(b[idName])) ?? 0));
}

export async function findOneRelated(
  rel: RelationDefinition,
  owner: Inst,
  filter: unknown,
  options: object,
): Promise<any | null> {
  const [first] = await findRelated(rel, owner, { ...(parseFilterArg(filter) ?? {}), limit: 1 }, options);
  return first ?? null;
}

export async function findRelatedById(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  filter: unknown,
  options: object,
): Promise<any> {
  const idWhere = { [targetIdName(rel)]: fk };
  if (rel.isThrough || rel.type === 'referencesMany') {
    if (!(await linkExists(rel, owner, fk, options))) throw notFoundInRelation(rel, fk);
    const found = await rel.modelTo!.findOne(scoped(rel, parseFilterArg(filter), idWhere), options);
    if (!found) throw notFoundInRelation(rel, fk);
    return found;
  }
  const found = await rel.modelTo!.findOne(
    scoped(rel, parseFilterArg(filter), mergeWhere(idWhere, ownerWhere(rel, owner))!),
    options,
  );
  if (!found) throw notFoundInRelation(rel, fk);
  return found;
}

export async function countRelated(
  rel: RelationDefinition,
  owner: Inst,
  where: unknown,
  options: object,
): Promise<number> {
  const base = mergeWhere(await targetWhere(rel, owner, options), rel.scope?.where);
  return rel.modelTo!.count(mergeWhere(parseWhereArg(where), base), options);
}

export async function existsRelated(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  options: object,
): Promise<boolean> {
  if (rel.isThrough || rel.type === 'referencesMany') return linkExists(rel, owner, fk, options);
  return (
    (await rel.modelTo!.count(mergeWhere({ [targetIdName(rel)]: fk }, ownerWhere(rel, owner)), options)) > 0
  );
}

/**
 * The through model's row that links this owner to the target `fk`, as LB3 finds it for add,
 * remove and exists: by the through model's own belongsTo keys to the owner's and the target's
 * models when it declares them (LB3 takes those over the relation's `foreignKey`, so a link made
 * by `PUT .../rel/{fk}` carries both ids even when the foreignKey names the target's key), by the
 * relation's keys otherwise (polymorphic or self-referencing relations, undeclared belongsTo).
 */
function linkWhere(rel: RelationDefinition, owner: Inst, fk: unknown): Inst {
  const Through = rel.modelThrough as { relations?: Record<string, RelationDefinition> } | undefined;
  if (!rel.polymorphic && rel.modelFrom !== rel.modelTo && Through?.relations) {
    const belongsTo = Object.values(Through.relations).filter(
      (r) => r.type === 'belongsTo' && !r.polymorphic,
    );
    const toOwner = belongsTo.find((r) => r.modelTo === rel.modelFrom && r.keyTo === rel.keyFrom);
    const toTarget = belongsTo.find((r) => r.modelTo === rel.modelTo && r.keyTo === targetIdName(rel));
    if (toOwner && toTarget && toOwner.keyFrom !== toTarget.keyFrom) {
      const ownerKey = owner[rel.keyFrom];
      if (ownerKey !== undefined && ownerKey !== null && !isScalarKey(ownerKey))
        return ownerWhere(rel, owner);
      return { [toOwner.keyFrom]: ownerKey, [toTarget.keyFrom]: fk };
    }
  }
  return { ...ownerWhere(rel, owner), [rel.keyThrough!]: fk };
}

async function linkExists(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  options: object,
): Promise<boolean> {
  if (rel.type === 'referencesMany')
    return (Array.isArray(owner[rel.keyFrom]) ? owner[rel.keyFrom] : []).some(
      (id: unknown) => String(id) === String(fk),
    );
  return (await rel.modelThrough!.count(linkWhere(rel, owner, fk), options)) > 0;
}

/** Data for a new target: the owner's key, the discriminator, `properties` and scope equalities. */
function targetData(rel: RelationDefinition, owner: Inst, data: unknown): Inst {
  const out: Inst = isPlainObject(data) ? { ...data } : hasToObject(data) ? data.toObject(true) : {};
  Object.assign(out, scopeDefaults(rel.scope?.where));
  for (const [targetProp, ownerProp] of Object.entries(rel.properties ?? {}))
    out[targetProp] = owner[ownerProp];
  if (!rel.isThrough && rel.type !== 'referencesMany') Object.assign(out, ownerWhere(rel, owner));
  return out;
}

export function buildRelated(rel: RelationDefinition, owner: Inst, data: unknown): any {
  return new rel.modelTo!(targetData(rel, owner, data));
}

export async function createRelated(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  // An array goes to the target's array create, which refuses every item before writing any.
  const many = Array.isArray(data);
  const created = many
    ? await rel.modelTo!.create(
        data.map((item) => targetData(rel, owner, item)),
        options,
      )
    : await rel.modelTo!.create(targetData(rel, owner, data), options);
  for (const target of Array.isArray(created) ? created : [created]) {
    if (rel.isThrough) await addLink(rel, owner, target, undefined, options);
    else if (rel.type === 'referencesMany')
      await addReference(rel, owner, target[targetIdName(rel)], options);
  }
  return created;
}

export async function updateRelatedById(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  data: unknown,
  options: object,
): Promise<any> {
  const inst = await findRelatedById(rel, owner, fk, undefined, options);
  const patch: Inst = isPlainObject(data) ? { ...data } : {};
  // The key that ties the target to its owner is not the client's to move.
  if (!rel.isThrough && rel.type !== 'referencesMany') Object.assign(patch, ownerWhere(rel, owner));
  return inst.updateAttributes(patch, options);
}

export async function destroyRelatedById(
  rel: RelationDefinition,
  owner: Inst,
  fk: unknown,
  options: object,
): Promise<void> {
  const inst = await findRelatedById(rel, owner, fk, undefined, options);
  if (rel.isThrough) await removeLink(rel, owner, fk, options);
  else if (rel.type === 'referencesMany') await removeReference(rel, owner, fk, options);
  await inst.destroy(options);
}

export async function destroyAllRelated(
  rel: RelationDefinition,
  owner: Inst,
  where: unknown,
  options: object,
): Promise<{ count: number }> {
  const base = mergeWhere(await targetWhere(rel, owner, options), rel.scope?.where);
  if (rel.isThrough) {
    const doomed = await rel.modelTo!.find(
      { where: mergeWhere(parseWhereArg(where), base), fields: [targetIdName(rel)] },
      options,
    );
    for (const t of doomed) await removeLink(rel, owner, t[targetIdName(rel)], options);
  }
  return rel.modelTo!.destroyAll(mergeWhere(parseWhereArg(where), base), options);
}

export async function updateAllRelated(
  rel: RelationDefinition,
  owner: Inst,
  where: unknown,
  data: unknown,
  options: object,
): Promise<{ count: number }> {
  const base = mergeWhere(await targetWhere(rel, owner, options), rel.scope?.where);
  return rel.modelTo!.updateAll(mergeWhere(parseWhereArg(where), base), data, options);
}

/**
 * hasMany-through `add` / REST `__link__`: links an existing target, with extra through data. As
 * LB3, linking a pair already linked answers the existing link (findOrCreate on the two keys,
 * atomic on every store), so a repeated `PUT .../rel/{fk}` makes no second link.
 */
export async function addLink(
  rel: RelationDefinition,
  owner: Inst,
  target: unknown,
  data: unknown,
  options: object,
): Promise<any> {
  if (rel.type === 'referencesMany') return addReference(rel, owner, idOf(rel, target), options);
  const keys: Inst = linkWhere(rel, owner, idOf(rel, target));
  const extra =
    data && typeof (data as Inst).toObject === 'function'
      ? (data as Inst).toObject(false)
      : isPlainObject(data)
        ? data
        : {};
  const linkData = { ...extra, ...keys };
  try {
    const [link] = await rel.modelThrough!.findOrCreate({ where: keys }, linkData, options);
    return link;
  } catch (err) {
    // A key the through model cannot hold (a word for a number id) fails as a where before it
    // could fail as data: answer what creating the link answered before it was a findOrCreate, the
    // link's validation error (422 on the property), not a filter error the caller never wrote.
    if ((err as LooplineError).code !== 'INVALID_FILTER') throw err;
    await validateOrThrow(
      new (rel.modelThrough as new (data: object) => Inst)(linkData),
      options as OperationOptions,
    );
    throw err;
  }
}

export async function removeLink(
  rel: RelationDefinition,
  owner: Inst,
  target: unknown,
  options: object,
): Promise<void> {
  if (rel.type === 'referencesMany') return removeReference(rel, owner, idOf(rel, target), options);
  await rel.modelThrough!.destroyAll(linkWhere(rel, owner, idOf(rel, target)), options);
}

function idOf(rel: RelationDefinition, target: unknown): unknown {
  return target && typeof target === 'object' ? (target as Inst)[targetIdName(rel)] : target;
}

async function addReference(
  rel: RelationDefinition,
  owner: Inst,
  id: unknown,
  options: object,
): Promise<any> {
  // As LB3, the id joins the owner's own list at once, before the write: several adds started
  // together on one instance (async.each over accounts.create) all land, none overwrites another.
  if (!Array.isArray(owner[rel.keyFrom])) owner[rel.keyFrom] = [];
  const ids: unknown[] = owner[rel.keyFrom];
  if (!ids.some((x) => String(x) === String(id))) ids.push(id);
  await editReferences(rel, owner, options, (stored) =>
    stored.some((x) => String(x) === String(id)) ? stored : [...stored, id],
  );
  return rel.modelTo!.findById(id, undefined, options);
}

async function removeReference(
  rel: RelationDefinition,
  owner: Inst,
  id: unknown,
  options: object,
): Promise<void> {
  await editReferences(rel, owner, options, (stored) => stored.filter((x) => String(x) !== String(id)));
}

/**
 * Writes the owner's id list as `edit` makes it from the list the store holds now, read and
 * written inside the store's exclusive section for this owner. Two adds on separately loaded
 * copies of one owner (two REST calls at once, in one process or several) both land: neither
 * writes back a list read before the other's write. An owner not (yet) stored edits its own list.
 */
async function editReferences(
  rel: RelationDefinition,
  owner: Inst,
  options: object,
  edit: (stored: unknown[]) => unknown[],
): Promise<void> {
  const Owner = rel.modelFrom;
  const def = Owner.definition;
  const idName: string | undefined = def.idName;
  const ownerId = idName ? owner[idName] : undefined;
  const connector = Owner.dataSource?.connector;
  const write = async (opts: object): Promise<void> => {
    const fresh = isScalarKey(ownerId)
      ? await Owner.findById(ownerId, { fields: [idName!, rel.keyFrom] }, opts)
      : null;
    const source = fresh ? fresh[rel.keyFrom] : owner[rel.keyFrom];
    const stored = Array.isArray(source) ? source : [];
    await owner.updateAttributes({ [rel.keyFrom]: edit(stored) }, opts);
  };
  if (
    !isScalarKey(ownerId) ||
    !connector ||
    !('exclusive' in connector) ||
    typeof connector.exclusive !== 'function'
  )
    return write(options);
  await connector.exclusive(
    def,
    `references:${rel.keyFrom}:${String(ownerId)}`,
    options as OperationOptions,
    write,
  );
}

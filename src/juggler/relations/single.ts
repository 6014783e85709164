import { LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import { mergeQuery, mergeWhere, scopeDefaults } from '../scope';
import { isScalarKey } from './key-properties';
import type { RelationDefinition } from './relation-definition';

/**
 * The single-target relations: belongsTo (plain and polymorphic) and hasOne. Like many.ts, plain
 * async functions the accessors and the REST methods share; reads and writes go through the
 * target model's statics so its hooks fire.
 */

type Inst = Record<string, any>;

function scopedQuery(rel: RelationDefinition, where: Record<string, unknown>): Record<string, any> {
  const q = mergeQuery(undefined, rel.scope);
  q.where = mergeWhere(q.where, where);
  return q;
}

// ---- belongsTo -------------------------------------------------------------------------------

export async function getParent(rel: RelationDefinition, owner: Inst, options: object): Promise<any | null> {
  const key = owner[rel.keyFrom];
  // A stored key that is not one value (written before keys were checked) points at nothing; as
  // a where it would be read as operators.
  if (!isScalarKey(key)) return null;
  const Target = rel.targetFor(owner);
  if (!Target) return null;
  const keyTo = rel.modelTo ? rel.keyTo : (Target.definition.idName ?? 'id');
  return Target.findOne(scopedQuery(rel, { [keyTo]: key }), options);
}

/** `order.customer.create(data)`: creates the parent and points the owner at it. */
export async function createParent(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  const Target = rel.modelTo;
  if (!Target)
    throw new LooplineError(
      'INVALID_ARGUMENT',
      `The polymorphic relation ${rel.name} cannot create its target`,
    );
  const parent = await Target.create(isPlainObject(data) ? data : {}, options);
  await owner.updateAttributes({ [rel.keyFrom]: parent[rel.keyTo] }, options);
  return parent;
}

export async function updateParent(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  const parent = await getParent(rel, owner, options);
  if (!parent) throw new LooplineError('MODEL_NOT_FOUND', `BelongsTo relation ${rel.name} is empty`);
  return parent.updateAttributes(isPlainObject(data) ? data : {}, options);
}

export async function destroyParent(rel: RelationDefinition, owner: Inst, options: object): Promise<void> {
  const parent = await getParent(rel, owner, options);
  if (!parent) throw new LooplineError('MODEL_NOT_FOUND', `BelongsTo relation ${rel.name} is empty`);
  await parent.destroy(options);
  await owner.updateAttributes({ [rel.keyFrom]: null }, options);
}

// ---- hasOne ----------------------------------------------------------------------------------

function childWhere(rel: RelationDefinition, owner: Inst): Record<string, unknown> {
  const where: Record<string, unknown> = { [rel.keyTo]: owner[rel.keyFrom] };
  if (rel.polymorphic) where[rel.polymorphic.discriminator] = rel.modelFrom.modelName;
  return where;
}

export async function getChild(rel: RelationDefinition, owner: Inst, options: object): Promise<any | null> {
  if (!isScalarKey(owner[rel.keyFrom])) return null;
  return rel.modelTo!.findOne(scopedQuery(rel, childWhere(rel, owner)), options);
}

function childData(rel: RelationDefinition, owner: Inst, data: unknown): Inst {
  const out: Inst = { ...(isPlainObject(data) ? data : {}), ...scopeDefaults(rel.scope?.where) };
  for (const [targetProp, ownerProp] of Object.entries(rel.properties ?? {}))
    out[targetProp] = owner[ownerProp];
  return Object.assign(out, childWhere(rel, owner));
}

export async function createChild(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  if (await getChild(rel, owner, options)) {
    throw new LooplineError(
      'DUPLICATE_RELATED',
      `HasOne relation cannot create more than one instance of ${rel.modelTo!.modelName}`,
    );
  }
  return rel.modelTo!.create(childData(rel, owner, data), options);
}

export function buildChild(rel: RelationDefinition, owner: Inst, data: unknown): any {
  return new rel.modelTo!(childData(rel, owner, data));
}

export async function updateChild(
  rel: RelationDefinition,
  owner: Inst,
  data: unknown,
  options: object,
): Promise<any> {
  const child = await getChild(rel, owner, options);
  if (!child) throw new LooplineError('MODEL_NOT_FOUND', `HasOne relation ${rel.name} is empty`);
  const patch: Inst = { ...(isPlainObject(data) ? data : {}), ...childWhere(rel, owner) };
  return child.updateAttributes(patch, options);
}

export async function destroyChild(rel: RelationDefinition, owner: Inst, options: object): Promise<void> {
  const child = await getChild(rel, owner, options);
  if (!child) throw new LooplineError('MODEL_NOT_FOUND', `HasOne relation ${rel.name} is empty`);
  await child.destroy(options);
}

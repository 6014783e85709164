import { isScalarKey, allowedTargets, type RelationDefinition } from '../../juggler';

/**
 * The target ACL of a polymorphic belongsTo (`comment.commentable`), whose target model is not
 * fixed: LB3 checked only the owner model here, so a comment on a private diary read the diary.
 * The relation method checks READ on the model the owner row's discriminator names, for the id
 * its key holds (so the target's `$owner` rules apply); an include checks READ on every model the
 * relation may point at, before the query runs, as includes of fixed relations are checked.
 */

import type { ModelClass } from '../model-api/registry';

/** Checks one access request against a model (and an instance of it, when an id is given). */
export type TargetCheck = (Target: ModelClass, property: string, modelId?: unknown) => Promise<void>;

/** Whether `rel` is a polymorphic belongsTo, whose target comes from each row. */
export function isPolymorphicBelongsTo(rel: unknown): rel is RelationDefinition {
  const r = rel as RelationDefinition | undefined;
  return (
    !!r && typeof r === 'object' && r.type === 'belongsTo' && !r.modelTo && r.polymorphic?.invert === true
  );
}

/** The model classes a polymorphic belongsTo may point at (those that exist). */
export function polymorphicTargetModels(rel: RelationDefinition): ModelClass[] {
  const builder = (rel.modelFrom as ModelClass).modelBuilder;
  return allowedTargets(rel)
    .map((name) => builder?.getModel(name))
    .filter((M): M is ModelClass => !!M);
}

/**
 * `GET /Comments/{id}/commentable`: READ on the instance the comment points at. An owner that
 * does not exist or points at nothing passes here: the method itself answers 404 or null.
 */
export async function checkPolymorphicRelationMethod(
  rel: RelationDefinition,
  Owner: ModelClass,
  ownerId: unknown,
  accessToken: unknown,
  check: TargetCheck,
): Promise<void> {
  if (ownerId === undefined || ownerId === null || typeof Owner.findById !== 'function') return;
  const owner = await Owner.findById(ownerId, undefined, { accessToken, skipAccessCheck: true });
  if (!owner) return;
  const Target = rel.targetFor(owner);
  const key = owner[rel.keyFrom];
  if (!Target || !isScalarKey(key)) return;
  await check(Target, 'findById', key);
}

import type { ModelClass } from '../persisted-model';
import type { ModelBuilder } from '../model-builder';
import { relationsGeneration } from './relation-generation';
import type { RelationDefinition } from './relation-definition';

/**
 * The models a polymorphic belongsTo may point at. As in LB3 its discriminator holds the target's
 * model name, but a row may only name a model the relation was declared for: the `models` list of
 * the relation's settings when it has one, otherwise every model declaring the inverse relation (a
 * polymorphic hasMany/hasOne whose key and discriminator are this relation's). Anything else —
 * `AccessToken`, a model that does not exist — names no target: refused when written, and read
 * as "no related instance".
 */

interface Targets {
  generation: number;
  names: readonly string[];
}

const cache = new WeakMap<RelationDefinition, Targets>();

/** Whether `rel` is the inverse (the hasMany/hasOne side) of the polymorphic belongsTo `poly`. */
function isInverse(rel: RelationDefinition, poly: RelationDefinition): boolean {
  if (!rel.polymorphic || rel.polymorphic.invert || rel.type === 'belongsTo') return false;
  const holder = rel.modelThrough ?? rel.modelTo;
  if (!holder) return false;
  const from = poly.modelFrom;
  const related = holder === from || holder.prototype instanceof from || from.prototype instanceof holder;
  return (
    related &&
    rel.keyTo === poly.polymorphic!.foreignKey &&
    rel.polymorphic.discriminator === poly.polymorphic!.discriminator
  );
}

function inverseOwners(poly: RelationDefinition): string[] {
  const builder = (poly.modelFrom as ModelClass).modelBuilder as ModelBuilder | undefined;
  const names = new Set<string>();
  for (const Model of Object.values(builder?.models ?? {}) as ModelClass[]) {
    for (const rel of Object.values((Model.relations ?? {}) as Record<string, RelationDefinition>)) {
      if (rel && typeof rel === 'object' && isInverse(rel, poly)) names.add(rel.modelFrom.modelName);
    }
  }
  return [...names].sort();
}

/** The model names `rel`'s discriminator may hold; worked out once (again only if relations change). */
export function allowedTargets(rel: RelationDefinition): readonly string[] {
  const generation = relationsGeneration();
  let hit = cache.get(rel);
  if (!hit || hit.generation !== generation) {
    hit = {
      generation,
      names: Object.freeze(rel.polymorphicModels ? [...rel.polymorphicModels] : inverseOwners(rel)),
    };
    cache.set(rel, hit);
  }
  return hit.names;
}

/** The model a row's discriminator names, if the relation may point at it; null otherwise. */
export function polymorphicTarget(rel: RelationDefinition, row: Record<string, any>): ModelClass | null {
  const name = row[rel.polymorphic!.discriminator];
  if (typeof name !== 'string' || !allowedTargets(rel).includes(name)) return null;
  const builder = (rel.modelFrom as ModelClass).modelBuilder as ModelBuilder | undefined;
  return (builder?.getModel(name) as ModelClass | undefined) ?? null;
}

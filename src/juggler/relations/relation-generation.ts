/**
 * A counter bumped whenever a relation is defined. What is worked out from the relations of many
 * models at once (a model's key properties, a polymorphic relation's targets) is computed on first
 * use after boot and kept until a relation is added, which apps do at boot, not per request.
 */
let generation = 0;

export function relationsGeneration(): number {
  return generation;
}

export function relationsChanged(): void {
  generation++;
}

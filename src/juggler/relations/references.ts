import type { ModelClass } from '../persisted-model';
import type { ModelReference } from '../model-definition';
import type { RelationDefinition } from './relation-definition';

/**
 * The foreign keys a model holds, from every relation of its builder that joins on one of its
 * properties: its own belongsTo relations (inherited ones too: a subclass's table holds the key),
 * the hasMany and hasOne relations of other models that point at it, and the two keys of a
 * through model. Polymorphic keys point at several tables and are left out; so are embedded
 * relations and referencesMany (a list of ids is no column a key can constrain). One reference
 * per property: the first relation naming it wins, a relation asking for a constraint over one
 * that does not.
 */
export function modelReferences(Model: ModelClass): ModelReference[] {
  const out = new Map<string, ModelReference>();
  const add = (
    relation: RelationDefinition,
    property: string,
    Target: ModelClass | null | undefined,
    targetProperty: string | undefined,
  ) => {
    if (
      !Target ||
      !targetProperty ||
      !Model.definition.properties[property] ||
      !Target.definition?.properties[targetProperty]
    )
      return;
    const constraint = relation.foreignKeyConstraint;
    const have = out.get(property);
    if (have && (have.constraint || !constraint)) return;
    out.set(property, {
      relation: `${relation.modelFrom.modelName}.${relation.name}`,
      property,
      target: Target.definition,
      targetProperty,
      ...(constraint ? { constraint } : {}),
    });
  };
  for (const rel of Object.values((Model.relations ?? {}) as Record<string, RelationDefinition>)) {
    if (rel && rel.type === 'belongsTo' && !rel.polymorphic) add(rel, rel.keyFrom, rel.modelTo, rel.keyTo);
  }
  const builder = Model.modelBuilder as { models?: Record<string, ModelClass> } | undefined;
  for (const Other of Object.values(builder?.models ?? {})) {
    for (const rel of Object.values((Other.relations ?? {}) as Record<string, RelationDefinition>)) {
      if (!rel || rel.modelFrom !== Other || rel.polymorphic || rel.isEmbedded) continue;
      if (rel.modelThrough === Model) {
        add(rel, rel.keyTo, rel.modelFrom, rel.keyFrom);
        if (rel.keyThrough) add(rel, rel.keyThrough, rel.modelTo, rel.modelTo?.definition.idName);
      } else if (
        !rel.modelThrough &&
        (rel.type === 'hasMany' || rel.type === 'hasOne') &&
        rel.modelTo === Model
      ) {
        add(rel, rel.keyTo, rel.modelFrom, rel.keyFrom);
      }
    }
  }
  // A key that is (part of) the model's id is no foreign-key column of its own.
  return [...out.values()].filter((r) => Model.definition.properties[r.property].id === undefined);
}

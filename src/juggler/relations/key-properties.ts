import { InvalidValueError } from '../../errors';
import { hasOwn, isValueObject } from '../../util/own';
import type { ModelBase } from '../model-base';
import type { ModelDefinition } from '../model-definition';
import { allowedTargets } from './polymorphic-targets';
import { relationsChanged, relationsGeneration } from './relation-generation';
import type { RelationDefinition } from './relation-definition';

/**
 * Key properties: a model's ids, every property a relation joins on (foreign keys, primary keys
 * named by a relation, the keys of a through model) and polymorphic discriminators. Their values
 * end up as the right-hand side of a `where` when a relation is read, so a key holds one scalar
 * value, never an object or array that a query would read as operators
 * (`{"commentableId": {"neq": null}}` matched every row). Writes are refused with 400
 * INVALID_VALUE; a non-scalar key already stored is read as "no related instance".
 */

/** `one`: a scalar; `list`: an array of scalars (referencesMany's id list). */
type KeyKind = 'one' | 'list';

const declared = new WeakMap<object, Map<string, KeyKind>>();

function declare(
  Model: typeof ModelBase | null | undefined,
  name: string | undefined,
  kind: KeyKind = 'one',
): void {
  if (!Model || !name) return;
  let keys = declared.get(Model);
  if (!keys) declared.set(Model, (keys = new Map()));
  if (!keys.has(name)) keys.set(name, kind);
}

/** Records the key properties a new relation joins on, on each model that holds one. */
export function noteRelationKeys(rel: RelationDefinition): void {
  relationsChanged();
  if (rel.isEmbedded) return;
  if (rel.type === 'referencesMany') {
    declare(rel.modelFrom, rel.keyFrom, 'list');
    declare(rel.modelTo, rel.keyTo);
    return;
  }
  declare(rel.modelFrom, rel.keyFrom);
  const holder = rel.modelThrough ?? rel.modelTo;
  if (rel.type === 'belongsTo') {
    declare(rel.modelTo, rel.keyTo);
    if (rel.polymorphic) declare(rel.modelFrom, rel.polymorphic.discriminator);
    return;
  }
  declare(holder, rel.keyTo);
  if (rel.modelThrough) declare(rel.modelThrough, rel.keyThrough);
  if (rel.polymorphic) declare(holder, rel.polymorphic.discriminator);
}

interface KeyPlan {
  generation: number;
  keys: ReadonlyArray<readonly [string, KeyKind]>;
  /** The polymorphic belongsTo relations of the model, whose discriminator names their target. */
  discriminators: readonly RelationDefinition[];
}

const plans = new WeakMap<ModelDefinition, KeyPlan>();

function planFor(Model: typeof ModelBase): KeyPlan {
  const def = Model.definition;
  const generation = relationsGeneration();
  let plan = plans.get(def);
  if (plan && plan.generation === generation) return plan;
  const keys = new Map<string, KeyKind>();
  for (const id of def.idNames) keys.set(id, 'one');
  // Inherited relations keyed the base model: its keys are the subclass's too.
  for (let M: any = Model; M && M.definition; M = Object.getPrototypeOf(M)) {
    for (const [name, kind] of declared.get(M) ?? []) if (!keys.has(name)) keys.set(name, kind);
  }
  const discriminators = Object.values((Model.relations ?? {}) as Record<string, RelationDefinition>).filter(
    (rel) => rel && typeof rel === 'object' && rel.type === 'belongsTo' && rel.polymorphic?.invert === true,
  );
  plan = { generation, keys: [...keys], discriminators };
  plans.set(def, plan);
  return plan;
}

/**
 * A value a key may hold: one string, number, boolean, bigint, date or buffer, or an object server
 * code made to stand for one (an ObjectID: see isValueObject). null and undefined are "no key".
 */
/** A model instance (or anything with LB3's `toObject(onlySchema)`), as data may be given. */
export function hasToObject(
  value: unknown,
): value is { toObject(onlySchema?: boolean): Record<string, any> } {
  return (
    !!value && typeof value === 'object' && typeof (value as { toObject?: unknown }).toObject === 'function'
  );
}

export function isScalarKey(value: unknown): boolean {
  const t = typeof value;
  return (
    t === 'string' ||
    t === 'number' ||
    t === 'boolean' ||
    t === 'bigint' ||
    value instanceof Date ||
    Buffer.isBuffer(value) ||
    isValueObject(value)
  );
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? 'an array' : 'an object';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function refuseKey(Model: typeof ModelBase, name: string, kind: KeyKind, value: unknown): never {
  const expected =
    kind === 'list'
      ? 'a list of single values (strings or numbers)'
      : 'a single value (a string or a number)';
  throw new InvalidValueError(
    `${Model.modelName}.${name} is a key relations look rows up by: it takes ${expected}, not ${preview(value)}.`,
  );
}

function refuseDiscriminator(
  Model: typeof ModelBase,
  rel: RelationDefinition,
  value: unknown,
  allowed: readonly string[],
): never {
  const name = `${Model.modelName}.${rel.polymorphic!.discriminator}`;
  if (!allowed.length) {
    throw new InvalidValueError(
      `${name}: the polymorphic relation "${rel.name}" may point at no model; declare the inverse relation ` +
        `(a hasMany or hasOne with "polymorphic": "${rel.polymorphic!.selector}") on each target model, or list them ` +
        `in the relation's "models" setting. Got ${preview(value)}.`,
    );
  }
  throw new InvalidValueError(
    `${name} names the model the relation "${rel.name}" points at: one of ${allowed.join(', ')}; got ${preview(value)}.`,
  );
}

/**
 * Refuses data (a create's or a patch's, or an instance's whole row) whose key properties hold
 * objects or arrays, or whose polymorphic discriminator names a model its relation may not point
 * at: 400 INVALID_VALUE naming the property, before anything is written.
 */
export function assertKeyValues(
  Model: typeof ModelBase,
  data: Record<string, unknown> | null | undefined,
): void {
  if (!data || typeof data !== 'object' || !Model.definition) return;
  const plan = planFor(Model);
  for (const [name, kind] of plan.keys) {
    if (!hasOwn(data, name)) continue;
    const value = data[name];
    if (value === undefined || value === null || isScalarKey(value)) continue;
    if (kind === 'list' && Array.isArray(value) && value.every((v) => v === null || isScalarKey(v))) continue;
    refuseKey(Model, name, kind, value);
  }
  for (const rel of plan.discriminators) {
    const name = rel.polymorphic!.discriminator;
    if (!hasOwn(data, name)) continue;
    const value = data[name];
    if (value === undefined || value === null) continue;
    const allowed = allowedTargets(rel);
    if (typeof value !== 'string' || !allowed.includes(value))
      refuseDiscriminator(Model, rel, value, allowed);
  }
}

import { isPlainObject } from '../../util/own';
import type { ModelBase } from '../model-base';
import type { ModelClass } from '../persisted-model';
import { polymorphicTarget } from './polymorphic-targets';

export type RelationType =
  'belongsTo' | 'hasMany' | 'hasOne' | 'hasAndBelongsToMany' | 'referencesMany' | 'embedsOne' | 'embedsMany';

export const RELATION_TYPES: ReadonlySet<string> = new Set([
  'belongsTo',
  'hasMany',
  'hasOne',
  'hasAndBelongsToMany',
  'referencesMany',
  'embedsOne',
  'embedsMany',
]);

/** What a model JSON `relations` entry or a `Model.hasMany(Target, params)` call may say. */
export interface RelationParams {
  as?: string;
  foreignKey?: string;
  primaryKey?: string;
  keyThrough?: string;
  through?: string | typeof ModelBase;
  model?: string | typeof ModelBase;
  type?: string;
  polymorphic?:
    boolean | string | { as?: string; foreignKey?: string; discriminator?: string; selector?: string };
  invert?: boolean;
  scope?: Record<string, unknown>;
  properties?: Record<string, string>;
  options?: Record<string, any>;
  property?: string;
  disableInclude?: boolean;
  /** Asks the SQL stores for a FOREIGN KEY constraint on the relation's key: `true` or `{name, onDelete, onUpdate}`. */
  foreignKeyConstraint?: boolean | ForeignKeyConstraint;
  [key: string]: unknown;
}

/** A relation's `foreignKeyConstraint`: the constraint's name (else `<table>_<column>_fkey`) and its referential actions. */
export interface ForeignKeyConstraint {
  name?: string;
  onDelete?: string;
  onUpdate?: string;
}

export interface Polymorphic {
  /** The property holding the related id (e.g. `imageableId`). */
  foreignKey: string;
  /** The property naming the related model (e.g. `imageableType`). */
  discriminator: string;
  /** hasMany side: the relation name the other side uses (`imageable`). */
  selector: string;
  /** belongsTo side: the target model is chosen per row by the discriminator. */
  invert: boolean;
}

/**
 * One relation of a model, resolved: which model and keys sit on each side. The words follow
 * LB3: `keyFrom` is the property of the model that owns the relation, `keyTo` the property of the
 * model it points at; for hasMany-through, `keyTo` is on the through model and points back at the
 * owner, `keyThrough` is on the through model and points at the target.
 */
export class RelationDefinition {
  readonly name!: string;
  readonly type!: RelationType;
  readonly modelFrom!: ModelClass;
  /** Null only for a polymorphic belongsTo, whose target is read from each row. */
  readonly modelTo!: ModelClass | null;
  readonly keyFrom!: string;
  readonly keyTo!: string;
  readonly multiple!: boolean;
  readonly modelThrough?: ModelClass;
  readonly keyThrough?: string;
  readonly polymorphic?: Polymorphic;
  /** Polymorphic belongsTo: the `models` its discriminator may name, when the settings list them. */
  readonly polymorphicModels?: readonly string[];
  readonly scope?: Record<string, any>;
  /** Properties copied from the owner onto created targets: `{targetProp: ownerProp}`. */
  readonly properties?: Record<string, string>;
  readonly options!: Record<string, any>;
  /** embedsOne/embedsMany: the owner's property that stores the embedded data. */
  readonly embedProperty?: string;
  readonly disableInclude!: boolean;
  /** belongsTo, hasMany, hasOne: the FOREIGN KEY constraint the SQL stores make on the key, when asked for. */
  readonly foreignKeyConstraint?: ForeignKeyConstraint;

  constructor(init: Omit<RelationDefinition, 'toJSON' | 'targetFor' | 'isThrough' | 'isEmbedded'>) {
    Object.assign(this, init);
  }

  get isThrough(): boolean {
    return this.modelThrough !== undefined;
  }

  get isEmbedded(): boolean {
    return this.type === 'embedsOne' || this.type === 'embedsMany';
  }

  /**
   * The model a row points at: fixed, or (polymorphic belongsTo) named by the row's discriminator
   * among the models the relation may point at. A row naming any other model, or none that
   * exists (LB3 answered 500 "Polymorphic model not found"), points at nothing.
   */
  targetFor(row: Record<string, any>): ModelClass | null {
    if (this.modelTo) return this.modelTo;
    return this.polymorphic ? polymorphicTarget(this, row) : null;
  }

  /** LB3's shape when a relation is listed (`Model.relations.orders.toJSON()`). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      type: this.type,
      modelFrom: this.modelFrom.modelName,
      keyFrom: this.keyFrom,
      modelTo: this.modelTo?.modelName,
      keyTo: this.keyTo,
      multiple: this.multiple,
      ...(this.modelThrough
        ? { modelThrough: this.modelThrough.modelName, keyThrough: this.keyThrough }
        : {}),
    };
  }
}

/** `Customer_id` → `customerId`, `OrderItems` → `orderItems`: LB3's camelize with a lower first letter. */
export function camelize(s: string): string {
  const joined = s.replace(/[_-]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
  return joined.charAt(0).toLowerCase() + joined.slice(1);
}

export function normalizePolymorphic(
  value: RelationParams['polymorphic'],
  relationName: string,
): { foreignKey: string; discriminator: string; selector: string } | undefined {
  if (value === undefined || value === false || value === null) return undefined;
  const spec =
    typeof value === 'string' ? { as: value } : value === true ? {} : isPlainObject(value) ? value : {};
  const selector = spec.selector ?? spec.as ?? relationName;
  return {
    selector,
    foreignKey: spec.foreignKey ?? camelize(`${selector}_id`),
    discriminator: spec.discriminator ?? camelize(`${selector}_type`),
  };
}

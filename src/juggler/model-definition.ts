import * as inflection from 'inflection';
import { PropertyType, TypeDescriptor } from './types';
import type { UniqueKey } from './unique-keys';

/**
 * The normalised description of a model that every layer below the model class reads: the filter
 * compiler, the validators and the connectors. Built once per model by the ModelBuilder; readonly
 * to our code, while LB3 code may replace its `settings`.
 */

export type DefaultFn = 'now' | 'guid' | 'uuid' | 'uuidv4' | 'shortid' | 'nanoid';
export const DEFAULT_FNS: readonly DefaultFn[] = ['now', 'guid', 'uuid', 'uuidv4', 'shortid', 'nanoid'];

export interface PropertyDefinition {
  readonly name: string;
  /** How loopline reads and checks the values (name, item type, embedded model, coercion). */
  readonly kind: TypeDescriptor;
  /** LB3's view of the type: the constructor (`String`, a model class) or `[Item]`. */
  readonly type: PropertyType;
  readonly required: boolean;
  /** Position in a composite id (1-based), or undefined when not part of the id. */
  readonly id?: number;
  /** The store assigns the value (auto-increment, serial, uuid). */
  readonly generated: boolean;
  readonly default?: unknown;
  readonly defaultFn?: DefaultFn;
  readonly index?: unknown;
  readonly hidden: boolean;
  readonly protected: boolean;
  readonly description?: string;
  /** The property's definition as written, with connector-specific keys (`postgresql: {columnName}`…). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type StrictMode = boolean | 'filter';

export interface ModelSettings {
  [key: string]: unknown;
  strict?: StrictMode;
  forceId?: boolean | 'auto';
  idInjection?: boolean;
  plural?: string;
  hidden?: string[];
  protected?: string[];
  scope?: Record<string, unknown>;
  scopes?: Record<string, Record<string, unknown>>;
  validations?: unknown;
  relations?: Record<string, Record<string, unknown>>;
  methods?: Record<string, unknown>;
  mixins?: Record<string, unknown>;
  acls?: unknown[];
  options?: Record<string, unknown>;
  description?: string | string[];
}
export interface ModelDefinition {
  readonly name: string;
  /** Properties in definition order; the injected `id` (if any) comes last, as in LB3. */
  readonly properties: Readonly<Record<string, PropertyDefinition>>;
  readonly propertyNames: readonly string[];
  /** The model's settings; LB3 code may replace the object (`definition.settings = {...}`). */
  settings: Readonly<ModelSettings>;
  /** Id property names ordered by their `id` position; empty for a model without an id. */
  readonly idNames: readonly string[];
  /** The first id property name, the one `findById` uses. */
  readonly idName: string | undefined;
  readonly strict: StrictMode;
  /** True when a client may not supply the id (LB3's forceId, on by default for generated ids). */
  readonly forceId: boolean;
  readonly hidden: ReadonlySet<string>;
  readonly protected: ReadonlySet<string>;
  /** Name of the model in the store, for connectors: `settings[connector].table` wins over this. */
  readonly pluralName: string;
  /**
   * The model's `validatesUniquenessOf` rules a store can enforce (see unique-keys.ts), base
   * models' included; read when needed, since rules are added after the definition is made.
   */
  readonly uniqueKeys?: () => readonly UniqueKey[];
  /**
   * The keys of this model that point at another model's property (its relations' foreign keys,
   * polymorphic ones left out), read when needed, since relations are defined after the model.
   */
  readonly references?: () => readonly ModelReference[];
}

/** A property of one model holding the value of another model's property (a relation's foreign key). */
export interface ModelReference {
  /** The relation that joins on it: `Order.customer`. */
  readonly relation: string;
  readonly property: string;
  readonly target: ModelDefinition;
  readonly targetProperty: string;
  /** The FOREIGN KEY constraint the relation asks the SQL stores for (`foreignKeyConstraint`). */
  readonly constraint?: { readonly name?: string; readonly onDelete?: string; readonly onUpdate?: string };
}

/** LB3's default plural: `Customer` → `Customers`, `Category` → `Categories`, `Address` → `Addresses`. */
export function pluralize(name: string): string {
  return inflection.pluralize(name);
}

/**
 * The values an error message may quote: hidden properties left out (LB3 quotes `toJSON()`, so a
 * hidden value reads as `undefined` there too). A uniqueness or type error on a secret must not
 * hand the secret back to the client.
 */
export function shownValues(def: ModelDefinition, values: Record<string, unknown>): Record<string, unknown> {
  if (def.hidden.size === 0) return values;
  const shown: Record<string, unknown> = {};
  for (const key of Object.keys(values)) if (!def.hidden.has(key)) shown[key] = values[key];
  return shown;
}

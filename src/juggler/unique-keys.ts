import type { ModelDefinition } from './model-definition';

/**
 * A set of properties no two rows of a model may share, as the store enforces it: a unique index
 * on a SQL store, a check made in the same step as the write on the memory store. Uniqueness
 * checked only in code (a query, then the insert) lets two concurrent writes both pass.
 */
export interface UniqueKey {
  /** The property a violation is reported on: a rule's property, an index's first key. */
  readonly property: string;
  /** Every property of the key: `property` first, then the rule's scope (`scopedTo`). */
  readonly properties: readonly string[];
  /** Strings compared case-insensitively (`ignoreCase`); no SQL index is made for such a rule. */
  readonly ignoreCase: boolean;
  /**
   * `validation`: a `validatesUniquenessOf` rule, which skips a blank value (null, '') unless
   * `allowNull`, and holds null scopes equal; `index`: a unique index of the model JSON, where a
   * row with a NULL in the key is never a duplicate (as in SQL).
   */
  readonly source: 'validation' | 'index';
  readonly allowNull: boolean;
}

/** The unique indexes the model JSON declares: `index: {unique: true}` on a property, unique entries of `indexes`. */
export function declaredUniqueKeys(def: ModelDefinition): UniqueKey[] {
  const out = propertyIndexKeys(def);
  const declared = def.settings.indexes;
  if (declared && typeof declared === 'object') {
    for (const raw of Object.values(declared as Record<string, unknown>)) {
      if (!raw || typeof raw !== 'object') continue;
      const spec = raw as Record<string, unknown>;
      const options = (spec.options && typeof spec.options === 'object' ? spec.options : {}) as Record<
        string,
        unknown
      >;
      if (options.unique !== true && spec.unique !== true) continue;
      const keysOf = (spec.keys && typeof spec.keys === 'object' ? spec.keys : spec) as Record<
        string,
        unknown
      >;
      const properties = Object.keys(keysOf).filter((k) => k !== 'options' && k !== 'keys' && k !== 'unique');
      if (
        properties.length &&
        properties.every((p) => Object.prototype.hasOwnProperty.call(def.properties, p))
      )
        out.push(indexKey(properties));
    }
  }
  return out;
}

function indexKey(properties: string[]): UniqueKey {
  return { property: properties[0], properties, ignoreCase: false, source: 'index', allowNull: false };
}

/**
 * The keys of `index: {unique: true}` properties, read live (code may edit a definition's
 * properties in place), with nothing allocated for a model that has none: every memory write asks.
 */
function propertyIndexKeys(def: ModelDefinition): UniqueKey[] {
  let found: UniqueKey[] | undefined;
  const names = def.propertyNames;
  for (let i = 0; i < names.length; i++) {
    const index = def.properties[names[i]].index;
    if (
      index &&
      typeof index === 'object' &&
      (index as { unique?: unknown }).unique === true &&
      names[i] !== def.idName
    )
      (found ??= []).push(indexKey([names[i]]));
  }
  return found ?? [];
}

/** Every key a store enforces for the model: its uniqueness rules, then its declared unique indexes. */
export function uniqueKeysOf(def: ModelDefinition): UniqueKey[] {
  const rules = def.uniqueKeys?.() ?? [];
  const declared = declaredUniqueKeys(def);
  if (!declared.length) return rules.length ? [...rules] : [];
  const out: UniqueKey[] = [...rules];
  for (const key of declared) {
    const same = out.some(
      (k) =>
        k.properties.length === key.properties.length &&
        k.properties.every((p) => key.properties.includes(p)),
    );
    if (!same) out.push(key);
  }
  return out;
}

import { ConfigurationError } from '../../../errors';
import type { ModelDefinition, ModelReference } from '../../model-definition';
import { declaredDataType } from './column-types';
import type { DeclaredForeignKey, DeclaredIndex } from './schema-dialect';
import type { SchemaHost } from './sql-schema';

const REFERENTIAL_ACTIONS = /^(CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)$/i;

/**
 * The keys a model declares, each with the statement that creates it: indexes (its properties',
 * its `indexes` setting's, its uniqueness rules', its foreign-key columns') and FOREIGN KEY
 * constraints (its `foreignKeys` setting's, its relations' `foreignKeyConstraint`), and the column
 * type a foreign-key column takes from the column it references.
 */
export class DeclaredKeys {
  constructor(private readonly host: SchemaHost) {}

  /**
   * The indexes a model declares: properties with `index` (true or `{unique: true}`), and LB3's
   * model-level `indexes` setting, `{"name": {"keys": {"a": 1, "b": -1}, "options": {"unique": true}}}`
   * or the short form `{"name": {"a": 1}}`. A key naming no property is a configuration error.
   */
  indexes(def: ModelDefinition): DeclaredIndex[] {
    const out: DeclaredIndex[] = [];
    const add = (name: string, unique: boolean, keys: [string, unknown][]) => {
      const cols = keys.map(
        ([n, dir]) =>
          `${this.indexColumn(def, n)}${dir === -1 || dir === '-1' || /^desc$/i.test(String(dir)) ? ' DESC' : ''}`,
      );
      const sql = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${this.host.syntax.quote(name)} ON ${this.host.table(def)} (${cols.join(', ')})`;
      out.push({ name, unique, properties: keys.map(([n]) => n), sql });
    };
    for (const n of def.propertyNames) {
      const index = def.properties[n].index;
      if (!index || n === def.idName) continue;
      add(
        this.indexName(def, n),
        typeof index === 'object' && (index as { unique?: unknown }).unique === true,
        [[n, 1]],
      );
    }
    const declared = def.settings.indexes;
    if (declared && typeof declared === 'object') {
      for (const [name, raw] of Object.entries(declared as Record<string, unknown>)) {
        if (!raw || typeof raw !== 'object') continue;
        const spec = raw as Record<string, unknown>;
        const keysOf = (spec.keys && typeof spec.keys === 'object' ? spec.keys : spec) as Record<
          string,
          unknown
        >;
        const keys = Object.entries(keysOf).filter(
          ([k]) => k !== 'options' && k !== 'keys' && k !== 'unique',
        );
        const missing = keys.find(([k]) => !Object.prototype.hasOwnProperty.call(def.properties, k));
        if (missing)
          throw new ConfigurationError(
            `The index "${name}" of ${def.name} names "${missing[0]}", which is not a property of the model`,
          );
        if (!keys.length) continue;
        const options = (spec.options && typeof spec.options === 'object' ? spec.options : {}) as Record<
          string,
          unknown
        >;
        add(name, options.unique === true || spec.unique === true, keys);
      }
    }
    out.push(...this.uniqueRuleIndexes(def, out));
    out.push(...this.foreignKeyIndexes(def, out));
    return out;
  }

  /**
   * An index per foreign-key column (a relation's key, or one in `foreignKeys`), named as
   * `"index": true` names it, so that reading a parent's children and checking a constraint on a
   * parent's delete do not scan the table. Not where the property declares its own `index`, or an
   * index already starts with the column.
   */
  private foreignKeyIndexes(def: ModelDefinition, declared: DeclaredIndex[]): DeclaredIndex[] {
    const properties = new Set([
      ...this.references(def).map((r) => r.property),
      ...this.foreignKeys(def).map((f) => f.property),
    ]);
    const out: DeclaredIndex[] = [];
    for (const property of properties) {
      const prop = def.properties[property];
      if (!prop || prop.id !== undefined || prop.index || declared.some((d) => d.properties[0] === property))
        continue;
      const name = this.indexName(def, property);
      out.push({
        name,
        unique: false,
        properties: [property],
        sql: `CREATE INDEX ${this.host.syntax.quote(name)} ON ${this.host.table(def)} (${this.indexColumn(def, property)})`,
      });
    }
    return out;
  }

  /** The model's relation keys whose target is a model with properties (see ModelDefinition.references). */
  private references(def: ModelDefinition): readonly ModelReference[] {
    return def.references?.() ?? [];
  }

  /**
   * A unique index per `validatesUniquenessOf` rule (its property, then its scope), so that of
   * concurrent writes of one value exactly one is stored; the rule's query alone lets several
   * pass. Not for `ignoreCase` rules, nor where a declared unique index has the same columns.
   */
  private uniqueRuleIndexes(def: ModelDefinition, declared: DeclaredIndex[]): DeclaredIndex[] {
    const same = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((p) => b.includes(p));
    const out: DeclaredIndex[] = [];
    for (const key of def.uniqueKeys?.() ?? []) {
      if (key.ignoreCase || declared.some((d) => d.unique && same(d.properties, key.properties))) continue;
      if (!key.properties.every((p) => Object.prototype.hasOwnProperty.call(def.properties, p))) continue;
      const name =
        `${this.host.syntax.tableName(def)}_${key.properties.map((p) => this.host.syntax.columnName(def, p)).join('_')}_uniq`.slice(
          0,
          60,
        );
      const column = this.host.syntax.quote(this.host.syntax.columnName(def, key.property));
      const clauses = this.host.syntax.uniqueRuleClauses(column, {
        scoped: key.properties.length > 1,
        allowNull: key.allowNull,
        text: def.properties[key.property].kind.name === 'String',
      });
      // Whole columns, never a prefix: MariaDB keeps a long unique key (TEXT) as a hash of the value.
      const sql = `CREATE UNIQUE INDEX ${this.host.syntax.quote(name)} ON ${this.host.table(def)} (${key.properties.map((p) => this.host.col(def, p)).join(', ')})${clauses}`;
      out.push({ name, unique: true, properties: [...key.properties], sql });
    }
    return out;
  }

  /**
   * The FOREIGN KEY constraints a model asks for. LB3's `foreignKeys` setting: `{"name": {"name",
   * "foreignKey": "customerId", "entity": "Customer", "entityKey": "id", "onDelete", "onUpdate"}}`;
   * and a relation's `"foreignKeyConstraint": true | {"name", "onDelete", "onUpdate"}` (named
   * `<table>_<column>_fkey` by default), unless the setting already constrains that property. The
   * referenced model must be a model of this store.
   */
  foreignKeys(def: ModelDefinition): DeclaredForeignKey[] {
    const out: DeclaredForeignKey[] = [];
    const declared = def.settings.foreignKeys;
    if (declared && typeof declared === 'object') {
      for (const [key, spec] of Object.entries(declared as Record<string, Record<string, unknown>>)) {
        const name = typeof spec?.name === 'string' && spec.name ? spec.name : key;
        const property = String(spec?.foreignKey ?? '');
        if (!Object.prototype.hasOwnProperty.call(def.properties, property))
          throw new ConfigurationError(
            `The foreign key "${name}" of ${def.name} names "${property}", which is not a property of the model`,
          );
        const entity =
          spec.entity && typeof spec.entity === 'object'
            ? (spec.entity as { name?: unknown }).name
            : spec.entity;
        const target = typeof entity === 'string' ? this.host.definition(entity) : undefined;
        if (!target)
          throw new ConfigurationError(
            `The foreign key "${name}" of ${def.name} references "${String(entity)}", which is not a model of this data source`,
          );
        const targetProperty = typeof spec.entityKey === 'string' ? spec.entityKey : target.idName;
        if (!targetProperty || !Object.prototype.hasOwnProperty.call(target.properties, targetProperty))
          throw new ConfigurationError(
            `The foreign key "${name}" of ${def.name} references "${String(targetProperty)}", which is not a property of ${target.name}`,
          );
        out.push(this.foreignKey(def, name, property, target, targetProperty, spec.onDelete, spec.onUpdate));
      }
    }
    for (const ref of this.references(def)) {
      if (!ref.constraint || out.some((f) => f.property === ref.property)) continue;
      const target = this.host.definition(ref.target.name);
      if (!target)
        throw new ConfigurationError(
          `The relation ${ref.relation} asks for a foreign key constraint on ${def.name}.${ref.property}, but ${ref.target.name} is not a model of the same data source`,
        );
      const name =
        typeof ref.constraint.name === 'string' && ref.constraint.name
          ? ref.constraint.name
          : `${this.host.syntax.tableName(def)}_${this.host.syntax.columnName(def, ref.property)}_fkey`.slice(
              0,
              60,
            );
      out.push(
        this.foreignKey(
          def,
          name,
          ref.property,
          target,
          ref.targetProperty,
          ref.constraint.onDelete,
          ref.constraint.onUpdate,
        ),
      );
    }
    return out;
  }

  private foreignKey(
    def: ModelDefinition,
    name: string,
    property: string,
    target: ModelDefinition,
    targetProperty: string,
    onDelete: unknown,
    onUpdate: unknown,
  ): DeclaredForeignKey {
    const actions = (
      [
        ['onDelete', onDelete],
        ['onUpdate', onUpdate],
      ] as const
    ).map(([k, action]) => {
      if (action === undefined || action === null) return undefined;
      if (typeof action !== 'string' || !REFERENTIAL_ACTIONS.test(action))
        throw new ConfigurationError(
          `The foreign key "${name}" of ${def.name} has ${k} "${String(action)}"; use CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION`,
        );
      return action.toUpperCase().replace(/\s+/g, ' ');
    });
    const column = this.host.syntax.columnName(def, property);
    const targetTable = this.host.syntax.tableName(target);
    const targetColumn = this.host.syntax.columnName(target, targetProperty);
    const clauses = `${actions[0] ? ` ON DELETE ${actions[0]}` : ''}${actions[1] ? ` ON UPDATE ${actions[1]}` : ''}`;
    const sql = `ALTER TABLE ${this.host.table(def)} ADD CONSTRAINT ${this.host.syntax.quote(name)} FOREIGN KEY (${this.host.syntax.quote(column)}) REFERENCES ${this.host.table(target)} (${this.host.syntax.quote(targetColumn)})${clauses}`;
    return {
      name,
      property,
      column,
      target,
      targetProperty,
      targetTable,
      targetColumn,
      onDelete: actions[0] ?? 'NO ACTION',
      onUpdate: actions[1] ?? 'NO ACTION',
      sql,
    };
  }

  /**
   * A column's type. A foreign-key column (a relation's key, or one in `foreignKeys`) without a
   * `dataType` takes the type of the column it references: a generated numeric id's INTEGER, a
   * string id's text.
   */
  columnType(def: ModelDefinition, property: string): string {
    const prop = def.properties[property];
    if (declaredDataType(prop, this.host.name) === undefined) {
      const fk = this.foreignKeys(def).find((f) => f.property === property);
      const ref = fk
        ? { target: fk.target, targetProperty: fk.targetProperty }
        : this.references(def).find((r) => r.property === property);
      const targetProp = ref?.target.properties[ref.targetProperty];
      if (targetProp && targetProp !== prop) return this.host.syntax.columnType(targetProp, false);
    }
    return this.host.syntax.columnType(prop, false);
  }

  /** The name automigrate gives the index of a property declaring `index`. */
  indexName(def: ModelDefinition, property: string): string {
    return `${this.host.syntax.tableName(def)}_${this.host.syntax.columnName(def, property)}_idx`.slice(
      0,
      60,
    );
  }

  /** A key column of an index, as the store's schema rules write it (MySQL: a prefix of a TEXT column). */
  private indexColumn(def: ModelDefinition, property: string): string {
    const col = this.host.col(def, property);
    return this.host.rules.indexColumn?.(col, this.columnType(def, property)) ?? col;
  }
}

import { ConfigurationError } from '../../../errors';
import type { ModelDefinition, ModelReference, PropertyDefinition } from '../../model-definition';
import type { Row } from '../connector';
import type { Catalog } from './catalog';
import { connectorSettings, declaredDataType, Dialect } from './dialect';

/** What the schema code needs of its connector: names, statements, and the dialect's hooks. */
export interface SchemaHost {
  readonly dialect: Dialect;
  run(sql: string, params: unknown[]): Promise<{ rows: Row[] }>;
  define(def: ModelDefinition): void;
  table(def: ModelDefinition): string;
  col(def: ModelDefinition, property: string): string;
  indexColumn(def: ModelDefinition, property: string): string;
  tableOptions(def: ModelDefinition): string;
  readonly schemaDialect: SchemaDialect;
  readonly catalog: Catalog;
  /** A model the connector knows, by name (the target of a foreign key). */
  definition(name: string): ModelDefinition | undefined;
}

/**
 * A FOREIGN KEY constraint a model asks for: in LB3's `foreignKeys` setting, or with a relation's
 * `foreignKeyConstraint`. `onDelete`/`onUpdate` are upper case; NO ACTION when not given.
 */
export interface DeclaredForeignKey {
  name: string;
  property: string;
  column: string;
  target: ModelDefinition;
  targetProperty: string;
  /** The referenced table's and column's names in the store (unquoted). */
  targetTable: string;
  targetColumn: string;
  onDelete: string;
  onUpdate: string;
  /** `ALTER TABLE … ADD CONSTRAINT …` (dialects that cannot add one to a table read the fields instead). */
  sql: string;
}

/** A FOREIGN KEY constraint as the store has it (single-column keys); rules upper case, as information_schema writes them. */
export interface ForeignKeyState {
  name: string;
  column: string;
  targetTable: string;
  targetColumn: string;
  onDelete: string;
  onUpdate: string;
}

const REFERENTIAL_ACTIONS = /^(CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)$/i;

/** InnoDB treats NO ACTION as RESTRICT and reports it so: autoupdate takes the two for one. */
function sameAction(a: string, b: string): boolean {
  const canon = (x: string) => (x.toUpperCase() === 'RESTRICT' ? 'NO ACTION' : x.toUpperCase());
  return canon(a) === canon(b);
}

/** A column as the store has it: its type as the store writes it, and whether it takes NULL. */
export interface ColumnState {
  name: string;
  type: string;
  nullable: boolean;
}

/** An index as the store has it; `kept` ones (primary key, constraint-backed) autoupdate never drops. */
export interface IndexState {
  name: string;
  unique: boolean;
  kept: boolean;
  /** Column names, lower-cased, in key order. */
  columns: string[];
}

/** The dialect half of autoupdate: reading the table's state and the DDL that changes it. */
export interface SchemaDialect {
  /** One spelling per type, so a model's type and the store's can be compared. */
  canonicalType(type: string): string;
  columns(owner: string | undefined, table: string): Promise<ColumnState[]>;
  indexes(owner: string | undefined, table: string): Promise<IndexState[]>;
  alterColumn(
    table: string,
    column: string,
    type: string,
    notNull: boolean,
    change: { type: boolean; nullability: boolean },
  ): string[];
  dropIndex(table: string, schema: string | undefined, index: string, quote: (id: string) => string): string;
  dropForeignKey(table: string, name: string): string;
  /** The table's FOREIGN KEY constraints. */
  foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyState[]>;
}

export interface DeclaredIndex {
  name: string;
  unique: boolean;
  properties: string[];
  sql: string;
}

/** automigrate, autoupdate and isActual of the SQL connectors, written once over a SchemaHost. */
export class SqlSchema {
  constructor(private readonly host: SchemaHost) {}

  private get dialect(): Dialect {
    return this.host.dialect;
  }

  columnDefinitions(def: ModelDefinition): string[] {
    return def.propertyNames.map((n) => {
      const prop = def.properties[n];
      const generatedId = n === def.idName && prop.generated;
      let sql = `${this.host.col(def, n)} ${generatedId ? this.dialect.columnType(prop, true) : this.columnType(def, n)}`;
      if ((n === def.idName && !generatedId) || (!generatedId && this.notNull(prop))) sql += ' NOT NULL';
      return sql;
    });
  }

  /** NOT NULL: `<connector>.nullable` ("N"/"NO"/false) when set, else `required`, as LB3's SQL connectors decide. */
  notNull(prop: PropertyDefinition): boolean {
    const nullable = connectorSettings(prop.raw, this.dialect.name).nullable;
    if (nullable === false || (typeof nullable === 'string' && /^(n|no|false)$/i.test(nullable))) return true;
    if (nullable === true || (typeof nullable === 'string' && /^(y|yes|true)$/i.test(nullable))) return false;
    return prop.required || !!prop.id;
  }

  createTableSql(def: ModelDefinition): string {
    const cols = this.columnDefinitions(def);
    if (def.idName) cols.push(`PRIMARY KEY (${def.idNames.map((n) => this.host.col(def, n)).join(', ')})`);
    return `CREATE TABLE ${this.host.table(def)} (\n  ${cols.join(',\n  ')}\n)${this.host.tableOptions(def)}`;
  }

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
          `${this.host.indexColumn(def, n)}${dir === -1 || dir === '-1' || /^desc$/i.test(String(dir)) ? ' DESC' : ''}`,
      );
      const sql = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${this.dialect.quote(name)} ON ${this.host.table(def)} (${cols.join(', ')})`;
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
        sql: `CREATE INDEX ${this.dialect.quote(name)} ON ${this.host.table(def)} (${this.host.indexColumn(def, property)})`,
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
        `${this.dialect.tableName(def)}_${key.properties.map((p) => this.dialect.columnName(def, p)).join('_')}_uniq`.slice(
          0,
          60,
        );
      const column = this.dialect.quote(this.dialect.columnName(def, key.property));
      const clauses = this.dialect.uniqueRuleClauses(column, {
        scoped: key.properties.length > 1,
        allowNull: key.allowNull,
        text: def.properties[key.property].kind.name === 'String',
      });
      // Whole columns, never a prefix: MariaDB keeps a long unique key (TEXT) as a hash of the value.
      const sql = `CREATE UNIQUE INDEX ${this.dialect.quote(name)} ON ${this.host.table(def)} (${key.properties.map((p) => this.host.col(def, p)).join(', ')})${clauses}`;
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
          : `${this.dialect.tableName(def)}_${this.dialect.columnName(def, ref.property)}_fkey`.slice(0, 60);
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
    const column = this.dialect.columnName(def, property);
    const targetTable = this.dialect.tableName(target);
    const targetColumn = this.dialect.columnName(target, targetProperty);
    const clauses = `${actions[0] ? ` ON DELETE ${actions[0]}` : ''}${actions[1] ? ` ON UPDATE ${actions[1]}` : ''}`;
    const sql = `ALTER TABLE ${this.host.table(def)} ADD CONSTRAINT ${this.dialect.quote(name)} FOREIGN KEY (${this.dialect.quote(column)}) REFERENCES ${this.host.table(target)} (${this.dialect.quote(targetColumn)})${clauses}`;
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
    if (declaredDataType(prop, this.dialect.name) === undefined) {
      const fk = this.foreignKeys(def).find((f) => f.property === property);
      const ref = fk
        ? { target: fk.target, targetProperty: fk.targetProperty }
        : this.references(def).find((r) => r.property === property);
      const targetProp = ref?.target.properties[ref.targetProperty];
      if (targetProp && targetProp !== prop) return this.dialect.columnType(targetProp, false);
    }
    return this.dialect.columnType(prop, false);
  }

  /** The name automigrate gives the index of a property declaring `index`. */
  indexName(def: ModelDefinition, property: string): string {
    return `${this.dialect.tableName(def)}_${this.dialect.columnName(def, property)}_idx`.slice(0, 60);
  }

  /**
   * Drops and recreates each table with its indexes; foreign keys of other tables that reference
   * a dropped one are dropped first, and the models' own foreign keys added once every table exists.
   */
  async automigrate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) this.host.define(def);
    for (const def of defs) {
      for (const fk of await this.host.catalog.exportedForeignKeys(
        this.dialect.schemaName(def),
        this.dialect.tableName(def),
      )) {
        const referencing = `${this.dialect.quote(fk.fkOwner)}.${this.dialect.quote(fk.fkTableName)}`;
        await this.host.run(
          this.host.schemaDialect.dropForeignKey(referencing, this.dialect.quote(fk.fkName)),
          [],
        );
      }
      await this.host.run(`DROP TABLE IF EXISTS ${this.host.table(def)}`, []);
      await this.host.run(this.createTableSql(def), []);
      for (const index of this.indexes(def)) await this.host.run(index.sql, []);
    }
    for (const def of defs) for (const fk of this.foreignKeys(def)) await this.host.run(fk.sql, []);
  }

  /**
   * Brings existing tables to the models without losing rows: missing tables are created, missing
   * columns added, changed column types and nullability altered, declared indexes created (or
   * recreated when their keys or uniqueness changed) and undeclared ones dropped. Columns no
   * property maps to are kept, with their data.
   */
  async autoupdate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) this.host.define(def);
    for (const def of defs) for (const sql of await this.changes(def)) await this.host.run(sql, []);
    // Foreign keys last: the tables they reference exist by then.
    for (const def of defs) for (const sql of await this.foreignKeyChanges(def)) await this.host.run(sql, []);
  }

  /** True exactly when autoupdate would run no statement for these models. */
  async isActual(defs: ModelDefinition[]): Promise<boolean> {
    for (const def of defs)
      if ((await this.changes(def)).length || (await this.foreignKeyChanges(def)).length) return false;
    return true;
  }

  /**
   * Declared foreign keys the table lacks are added; one whose column, target or rules changed is
   * dropped and added anew. Foreign keys the model does not declare are left as they are.
   */
  async foreignKeyChanges(def: ModelDefinition): Promise<string[]> {
    const declared = this.foreignKeys(def);
    if (!declared.length) return [];
    const present = await this.host.schemaDialect.foreignKeys(
      this.dialect.schemaName(def),
      this.dialect.tableName(def),
    );
    const out: string[] = [];
    for (const fk of declared) {
      const have = present.filter((p) => p.name === fk.name);
      const same = (p: ForeignKeyState) =>
        p.column === fk.column &&
        p.targetTable === fk.targetTable &&
        p.targetColumn === fk.targetColumn &&
        sameAction(p.onDelete, fk.onDelete) &&
        sameAction(p.onUpdate, fk.onUpdate);
      if (have.length === 1 && same(have[0])) continue;
      if (have.length)
        out.push(this.host.schemaDialect.dropForeignKey(this.host.table(def), this.dialect.quote(fk.name)));
      out.push(fk.sql);
    }
    return out;
  }

  /** The statements autoupdate runs for one model, computed from the store's catalog. */
  async changes(def: ModelDefinition): Promise<string[]> {
    const sd = this.host.schemaDialect;
    const owner = this.dialect.schemaName(def);
    const tableName = this.dialect.tableName(def);
    const table = this.host.table(def);
    const columns = await sd.columns(owner, tableName);
    if (!columns.length) return [this.createTableSql(def), ...this.indexes(def).map((i) => i.sql)];
    const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
    const out: string[] = [];
    for (const n of def.propertyNames) {
      const prop = def.properties[n];
      const col = this.host.col(def, n);
      const existing = byName.get(this.dialect.columnName(def, n).toLowerCase());
      const type = this.columnType(def, n);
      if (!existing) {
        // Added NULL-able: existing rows have no value. It becomes NOT NULL once no row holds NULL.
        out.push(`ALTER TABLE ${table} ADD COLUMN ${col} ${type}`);
        if (this.notNull(prop) && !(await this.hasRows(table)))
          out.push(...sd.alterColumn(table, col, type, true, { type: false, nullability: true }));
        continue;
      }
      // The id column (serial / auto-increment, primary key) is left as it is.
      if (prop.id) continue;
      const typeChanged = sd.canonicalType(type) !== sd.canonicalType(existing.type);
      const notNull = this.notNull(prop);
      let nullChanged = notNull === existing.nullable;
      if (nullChanged && notNull && (await this.hasNull(table, col))) nullChanged = false;
      if (typeChanged || nullChanged)
        out.push(
          ...sd.alterColumn(table, col, type, nullChanged ? notNull : !existing.nullable, {
            type: typeChanged,
            nullability: nullChanged,
          }),
        );
    }
    const present = await sd.indexes(owner, tableName);
    const declared = this.indexes(def);
    const columnsOf = (i: DeclaredIndex) =>
      i.properties.map((p) => this.dialect.columnName(def, p).toLowerCase()).join(',');
    for (const index of present) {
      if (index.kept) continue;
      const wanted = declared.find((d) => d.name === index.name);
      if (!wanted || wanted.unique !== index.unique || columnsOf(wanted) !== index.columns.join(','))
        out.push(sd.dropIndex(table, owner, index.name, (id) => this.dialect.quote(id)));
    }
    for (const index of declared) {
      const have = present.find((p) => p.name === index.name);
      if (
        !have ||
        (!have.kept && (have.unique !== index.unique || columnsOf(index) !== have.columns.join(',')))
      )
        out.push(index.sql);
    }
    return out;
  }

  private async hasRows(table: string): Promise<boolean> {
    return (await this.host.run(`SELECT 1 AS found FROM ${table} LIMIT 1`, [])).rows.length > 0;
  }

  private async hasNull(table: string, col: string): Promise<boolean> {
    return (
      (await this.host.run(`SELECT 1 AS found FROM ${table} WHERE ${col} IS NULL LIMIT 1`, [])).rows.length >
      0
    );
  }
}

import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { Row } from '../connector';
import type { Catalog } from './catalog';
import { connectorSettings } from './column-types';
import { DeclaredKeys } from './declared-keys';
import type { DeclaredIndex, ForeignKeyState, SchemaDialect } from './schema-dialect';
import type { SqlSyntax } from './syntax';

/** What the schema code needs of its connector: names, statements, and the dialect's schema rules. */
export interface SchemaHost {
  /** The store's name: the key of its per-property settings. */
  readonly name: string;
  readonly syntax: SqlSyntax;
  /** How this store's tables are read and changed. */
  readonly rules: SchemaDialect;
  readonly catalog: Catalog;
  run(sql: string, params: unknown[]): Promise<{ rows: Row[] }>;
  define(def: ModelDefinition): void;
  table(def: ModelDefinition): string;
  col(def: ModelDefinition, property: string): string;
  /** A model the connector knows, by name (the target of a foreign key). */
  definition(name: string): ModelDefinition | undefined;
}

/** InnoDB treats NO ACTION as RESTRICT and reports it so: autoupdate takes the two for one. */
function sameAction(a: string, b: string): boolean {
  const canon = (x: string) => (x.toUpperCase() === 'RESTRICT' ? 'NO ACTION' : x.toUpperCase());
  return canon(a) === canon(b);
}

/** automigrate, autoupdate and isActual of the SQL connectors, written once over a SchemaHost. */
export class SqlSchema {
  readonly keys: DeclaredKeys;

  constructor(private readonly host: SchemaHost) {
    this.keys = new DeclaredKeys(host);
  }

  columnDefinitions(def: ModelDefinition): string[] {
    return def.propertyNames.map((n) => {
      const prop = def.properties[n];
      const generatedId = n === def.idName && prop.generated;
      let sql = `${this.host.col(def, n)} ${generatedId ? this.host.syntax.columnType(prop, true) : this.keys.columnType(def, n)}`;
      if ((n === def.idName && !generatedId) || (!generatedId && this.notNull(prop))) sql += ' NOT NULL';
      return sql;
    });
  }

  /** NOT NULL: `<connector>.nullable` ("N"/"NO"/false) when set, else `required`, as LB3's SQL connectors decide. */
  notNull(prop: PropertyDefinition): boolean {
    const nullable = connectorSettings(prop.raw, this.host.name).nullable;
    if (nullable === false || (typeof nullable === 'string' && /^(n|no|false)$/i.test(nullable))) return true;
    if (nullable === true || (typeof nullable === 'string' && /^(y|yes|true)$/i.test(nullable))) return false;
    return prop.required || !!prop.id;
  }

  /**
   * CREATE TABLE with the primary key; where the generated id's column type names the primary key
   * itself (SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, the rowid), the table has no second one.
   */
  createTableSql(def: ModelDefinition): string {
    const cols = this.columnDefinitions(def);
    const id = def.idName ? def.properties[def.idName] : undefined;
    const inline = id?.generated && /\bPRIMARY KEY\b/i.test(this.host.syntax.columnType(id, true));
    if (def.idName && !inline)
      cols.push(`PRIMARY KEY (${def.idNames.map((n) => this.host.col(def, n)).join(', ')})`);
    return `CREATE TABLE ${this.host.table(def)} (\n  ${cols.join(',\n  ')}\n)${this.host.rules.tableOptions?.(def) ?? ''}`;
  }

  /**
   * Drops and recreates each table with its indexes; foreign keys of other tables that reference
   * a dropped one are dropped first, and the models' own foreign keys added once every table exists.
   */
  async automigrate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) this.host.define(def);
    for (const def of defs) {
      for (const fk of await this.host.catalog.exportedForeignKeys(
        this.host.syntax.schemaName(def),
        this.host.syntax.tableName(def),
      )) {
        const referencing = `${this.host.syntax.quote(fk.fkOwner)}.${this.host.syntax.quote(fk.fkTableName)}`;
        await this.host.run(
          this.host.rules.dropForeignKey(referencing, this.host.syntax.quote(fk.fkName)),
          [],
        );
      }
      await this.host.run(`DROP TABLE IF EXISTS ${this.host.table(def)}`, []);
      await this.host.run(this.createTableSql(def), []);
      for (const index of this.keys.indexes(def)) await this.host.run(index.sql, []);
    }
    for (const def of defs) for (const fk of this.keys.foreignKeys(def)) await this.host.run(fk.sql, []);
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
    const declared = this.keys.foreignKeys(def);
    if (!declared.length) return [];
    const present = await this.host.rules.foreignKeys(
      this.host.syntax.schemaName(def),
      this.host.syntax.tableName(def),
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
        out.push(this.host.rules.dropForeignKey(this.host.table(def), this.host.syntax.quote(fk.name)));
      out.push(fk.sql);
    }
    return out;
  }

  /** The statements autoupdate runs for one model, computed from the store's catalog. */
  async changes(def: ModelDefinition): Promise<string[]> {
    const sd = this.host.rules;
    const owner = this.host.syntax.schemaName(def);
    const tableName = this.host.syntax.tableName(def);
    const table = this.host.table(def);
    const columns = await sd.columns(owner, tableName);
    if (!columns.length) return [this.createTableSql(def), ...this.keys.indexes(def).map((i) => i.sql)];
    const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
    const out: string[] = [];
    for (const n of def.propertyNames) {
      const prop = def.properties[n];
      const col = this.host.col(def, n);
      const existing = byName.get(this.host.syntax.columnName(def, n).toLowerCase());
      const type = this.keys.columnType(def, n);
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
    const declared = this.keys.indexes(def);
    const columnsOf = (i: DeclaredIndex) =>
      i.properties.map((p) => this.host.syntax.columnName(def, p).toLowerCase()).join(',');
    for (const index of present) {
      if (index.kept) continue;
      const wanted = declared.find((d) => d.name === index.name);
      if (!wanted || wanted.unique !== index.unique || columnsOf(wanted) !== index.columns.join(','))
        out.push(sd.dropIndex(table, owner, index.name, (id) => this.host.syntax.quote(id)));
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

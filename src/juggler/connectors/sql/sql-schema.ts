import { ConfigurationError } from '../../../errors';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';
import type { Row } from '../connector';
import { connectorSettings, Dialect } from './dialect';

/** What the schema code needs of its connector: names, statements, and the dialect's hooks. */
export interface SchemaHost {
  readonly dialect: Dialect;
  run(sql: string, params: unknown[]): Promise<{ rows: Row[] }>;
  define(def: ModelDefinition): void;
  table(def: ModelDefinition): string;
  col(def: ModelDefinition, property: string): string;
  indexColumn(def: ModelDefinition, property: string): string;
  tableOptions(def: ModelDefinition): string;
  existingColumns(def: ModelDefinition): Promise<Set<string> | undefined>;
  existingIndexes(def: ModelDefinition): Promise<Set<string>>;
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
      let sql = `${this.host.col(def, n)} ${this.dialect.columnType(prop, generatedId)}`;
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
      const cols = keys.map(([n, dir]) => `${this.host.indexColumn(def, n)}${dir === -1 || dir === '-1' || /^desc$/i.test(String(dir)) ? ' DESC' : ''}`);
      const sql = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${this.dialect.quote(name)} ON ${this.host.table(def)} (${cols.join(', ')})`;
      out.push({ name, unique, properties: keys.map(([n]) => n), sql });
    };
    for (const n of def.propertyNames) {
      const index = def.properties[n].index;
      if (!index || n === def.idName) continue;
      add(this.indexName(def, n), typeof index === 'object' && (index as { unique?: unknown }).unique === true, [[n, 1]]);
    }
    const declared = def.settings.indexes;
    if (declared && typeof declared === 'object') {
      for (const [name, raw] of Object.entries(declared as Record<string, unknown>)) {
        if (!raw || typeof raw !== 'object') continue;
        const spec = raw as Record<string, unknown>;
        const keysOf = (spec.keys && typeof spec.keys === 'object' ? spec.keys : spec) as Record<string, unknown>;
        const keys = Object.entries(keysOf).filter(([k]) => k !== 'options' && k !== 'keys' && k !== 'unique');
        const missing = keys.find(([k]) => !Object.prototype.hasOwnProperty.call(def.properties, k));
        if (missing) throw new ConfigurationError(`The index "${name}" of ${def.name} names "${missing[0]}", which is not a property of the model`);
        if (!keys.length) continue;
        const options = (spec.options && typeof spec.options === 'object' ? spec.options : {}) as Record<string, unknown>;
        add(name, options.unique === true || spec.unique === true, keys);
      }
    }
    return out;
  }

  /** The name automigrate gives the index of a property declaring `index`. */
  indexName(def: ModelDefinition, property: string): string {
    return `${this.dialect.tableName(def)}_${this.dialect.columnName(def, property)}_idx`.slice(0, 60);
  }

  async automigrate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) {
      this.host.define(def);
      await this.host.run(`DROP TABLE IF EXISTS ${this.host.table(def)}`, []);
      await this.host.run(this.createTableSql(def), []);
      for (const index of this.indexes(def)) await this.host.run(index.sql, []);
    }
  }

  async autoupdate(defs: ModelDefinition[]): Promise<void> {
    for (const def of defs) {
      this.host.define(def);
      const existing = await this.host.existingColumns(def);
      if (!existing) {
        await this.host.run(this.createTableSql(def), []);
        for (const index of this.indexes(def)) await this.host.run(index.sql, []);
        continue;
      }
      for (const n of def.propertyNames) {
        if (existing.has(this.dialect.columnName(def, n).toLowerCase())) continue;
        await this.host.run(`ALTER TABLE ${this.host.table(def)} ADD COLUMN ${this.host.col(def, n)} ${this.dialect.columnType(def.properties[n], false)}`, []);
      }
      // Declared indexes the table lacks are added; existing ones are left as they are.
      const indexes = await this.host.existingIndexes(def);
      for (const index of this.indexes(def)) if (!indexes.has(index.name)) await this.host.run(index.sql, []);
    }
  }

  async isActual(defs: ModelDefinition[]): Promise<boolean> {
    for (const def of defs) {
      const existing = await this.host.existingColumns(def);
      if (!existing) return false;
      if (def.propertyNames.some((n) => !existing.has(this.dialect.columnName(def, n).toLowerCase()))) return false;
    }
    return true;
  }
}

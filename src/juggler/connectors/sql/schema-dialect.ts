import type { ModelDefinition } from '../../model-definition';

/** The shapes the schema code (sql-schema.ts, declared-keys.ts) and each dialect's schema rules share. */

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
  /** What follows CREATE TABLE's column list (none when absent). */
  tableOptions?(def: ModelDefinition): string;
  /** A key column of an index as the store needs it written, given the column's type (MySQL: a prefix of TEXT). */
  indexColumn?(column: string, type: string): string;
}

/** An index a model declares, with the statement that creates it. */
export interface DeclaredIndex {
  name: string;
  unique: boolean;
  properties: string[];
  sql: string;
}

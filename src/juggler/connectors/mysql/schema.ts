import type { ModelDefinition } from '../../model-definition';
import type { CatalogQuery } from '../sql/catalog';
import { connectorSettings } from '../sql/column-types';
import type { ColumnState, ForeignKeyState, IndexState, SchemaDialect } from '../sql/schema-dialect';

/** What autoupdate needs of MySQL/MariaDB: the table's columns and indexes, and how to change a column. */
export class MySQLSchemaDialect implements SchemaDialect {
  constructor(
    private readonly query: CatalogQuery,
    /** The collation chosen for the server (driver.ts). */
    private readonly collation: () => string,
  ) {}

  /** InnoDB, utf8mb4, and the binary collation chosen for the server unless the model names its own. */
  tableOptions(def: ModelDefinition): string {
    const own = connectorSettings(def.settings, 'mysql').collation;
    const collation = typeof own === 'string' && /^\w+$/.test(own) ? own : this.collation();
    return ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
  }

  /** TEXT and BLOB columns index by prefix (a relation key's type is the type of the id it points at). */
  indexColumn(column: string, type: string): string {
    return /TEXT|BLOB/i.test(type) ? `${column}(191)` : column;
  }

  canonicalType(type: string): string {
    let s = type
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .replace(/\s*\(\s*/g, '(')
      .replace(/\s*,\s*/g, ',')
      .replace(/\s*\)/g, ')');
    s = s.replace(/ not null| null| auto_increment/g, '');
    if (s === 'integer') s = 'int';
    if (s === 'bool' || s === 'boolean') s = 'tinyint(1)';
    if (s === 'double precision' || s === 'real') s = 'double';
    // MariaDB keeps JSON as LONGTEXT.
    if (s === 'json') s = 'longtext';
    // Display widths are no part of the type, except TINYINT(1), which stands for a boolean.
    s = s
      .replace(/^(int|bigint|smallint|mediumint)\(\d+\)/, '$1')
      .replace(/^tinyint\((?!1\))\d+\)/, 'tinyint');
    s = s.replace(/^(decimal|numeric)\((\d+)\)/, '$1($2,0)').replace(/^numeric/, 'decimal');
    return s;
  }

  async columns(owner: string | undefined, table: string): Promise<ColumnState[]> {
    const { rows } = await this.query(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [owner ?? null, table],
    );
    return rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: r.nullable === 'YES' }));
  }

  async indexes(owner: string | undefined, table: string): Promise<IndexState[]> {
    const { rows } = await this.query(
      `SELECT s.INDEX_NAME AS name, s.NON_UNIQUE AS nonUnique, s.COLUMN_NAME AS col,
        EXISTS (SELECT 1 FROM information_schema.KEY_COLUMN_USAGE k WHERE k.TABLE_SCHEMA = s.TABLE_SCHEMA AND k.TABLE_NAME = s.TABLE_NAME
          AND k.REFERENCED_TABLE_NAME IS NOT NULL AND (k.CONSTRAINT_NAME = s.INDEX_NAME OR k.COLUMN_NAME = s.COLUMN_NAME)) AS fk
       FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND s.TABLE_NAME = ? ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`,
      [owner ?? null, table],
    );
    const byName = new Map<string, IndexState>();
    for (const r of rows) {
      const name = String(r.name);
      let index = byName.get(name);
      if (!index)
        byName.set(
          name,
          (index = { name, unique: Number(r.nonUnique) === 0, kept: name === 'PRIMARY', columns: [] }),
        );
      // An index a foreign key uses cannot be dropped while the key exists.
      if (Number(r.fk) === 1) index.kept = true;
      index.columns.push(String(r.col).toLowerCase());
    }
    return [...byName.values()];
  }

  alterColumn(table: string, column: string, type: string, notNull: boolean): string[] {
    return [`ALTER TABLE ${table} MODIFY COLUMN ${column} ${type}${notNull ? ' NOT NULL' : ' NULL'}`];
  }

  dropIndex(
    table: string,
    _schema: string | undefined,
    index: string,
    quote: (id: string) => string,
  ): string {
    return `DROP INDEX ${quote(index)} ON ${table}`;
  }

  dropForeignKey(table: string, name: string): string {
    return `ALTER TABLE ${table} DROP FOREIGN KEY ${name}`;
  }

  async foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyState[]> {
    const { rows } = await this.query(
      `SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS targetTable, k.REFERENCED_COLUMN_NAME AS targetColumn,
        rc.DELETE_RULE AS onDelete, rc.UPDATE_RULE AS onUpdate
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND rc.TABLE_NAME = k.TABLE_NAME
       WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND k.ORDINAL_POSITION = 1 AND k.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND k.TABLE_NAME = ?`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      name: String(r.name),
      column: String(r.col),
      targetTable: String(r.targetTable),
      targetColumn: String(r.targetColumn),
      onDelete: String(r.onDelete).toUpperCase(),
      onUpdate: String(r.onUpdate).toUpperCase(),
    }));
  }
}

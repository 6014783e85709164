import { foreignKeyConstraintName } from './schema';
import type {
  Catalog,
  CatalogQuery,
  ColumnEntry,
  ForeignKeyEntry,
  PrimaryKeyEntry,
  TableEntry,
  TableListOptions,
} from '../sql/catalog';

/** SQLite's only schema here: the database file itself (`main`). */
export const SQLITE_OWNER = 'main';

/**
 * The loopline type of a SQLite column by its declared type, after SQLite's own affinity rules
 * (a type holding INT, CHAR/CLOB/TEXT, BLOB, REAL/FLOA/DOUB), with the names loopline writes for
 * dates, booleans and JSON read back as those types.
 */
export function sqliteTypeOf(declared: string): string {
  const t = declared.toUpperCase();
  if (/^(BOOLEAN|BOOL)\b/.test(t)) return 'Boolean';
  if (/^(DATETIME|DATE|TIMESTAMP)\b/.test(t)) return 'Date';
  if (/^JSON\b/.test(t)) return 'Object';
  if (t.includes('INT')) return 'Number';
  if (/CHAR|CLOB|TEXT/.test(t)) return 'String';
  if (t.includes('BLOB') || t === '') return t === '' ? 'String' : 'Buffer';
  if (/REAL|FLOA|DOUB|NUMERIC|DECIMAL/.test(t)) return 'Number';
  return 'String';
}

/** The size a declared type carries: `VARCHAR(40)`, `NUMERIC(10,2)`. */
function sizeOf(declared: string): { length: number | null; precision: number | null; scale: number | null } {
  const m = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(declared);
  if (!m) return { length: null, precision: null, scale: null };
  if (/CHAR|BINARY/i.test(declared)) return { length: Number(m[1]), precision: null, scale: null };
  return { length: null, precision: Number(m[1]), scale: m[2] !== undefined ? Number(m[2]) : 0 };
}

/** SQLite's schema table and pragma functions read in the shapes LB3's discovery answers. */
export class SQLiteCatalog implements Catalog {
  readonly connectorName = 'sqlite' as const;

  constructor(private readonly query: CatalogQuery) {}

  async tables(options: TableListOptions): Promise<TableEntry[]> {
    if (options.owner !== undefined && options.owner !== SQLITE_OWNER) return [];
    const types = options.views ? `('table', 'view')` : `('table')`;
    const params: unknown[] = [];
    // SQLite's own tables (sqlite_sequence, sqlite_stat1) are left out.
    let sql = `SELECT name, type FROM sqlite_schema WHERE type IN ${types} AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name`;
    if (options.limit !== undefined || options.offset !== undefined) {
      params.push(options.limit ?? -1, options.offset ?? 0);
      sql += ' LIMIT ? OFFSET ?';
    }
    const { rows } = await this.query(sql, params);
    return rows.map((r) => ({
      type: r.type === 'view' ? 'view' : 'table',
      name: String(r.name),
      owner: SQLITE_OWNER,
    }));
  }

  async columns(owner: string | undefined, table: string): Promise<ColumnEntry[]> {
    if (owner !== undefined && owner !== SQLITE_OWNER) return [];
    const { rows } = await this.query(
      'SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?) ORDER BY cid',
      [table],
    );
    const rowid = rows.filter((r) => Number(r.pk) > 0).length === 1;
    return rows.map((r) => {
      const declared = String(r.type ?? '');
      const size = sizeOf(declared);
      // The rowid column (INTEGER PRIMARY KEY) never holds NULL, whatever its NOT NULL says.
      const notNull = Number(r.nn) === 1 || (rowid && Number(r.pk) === 1 && /^INTEGER$/i.test(declared));
      return {
        owner: SQLITE_OWNER,
        tableName: table,
        columnName: String(r.name),
        dataType: declared.replace(/\s*\(.*$/, '').toUpperCase() || 'TEXT',
        dataLength: size.length,
        dataPrecision: size.precision,
        dataScale: size.scale,
        nullable: notNull ? 'N' : 'Y',
        type: sqliteTypeOf(declared),
      };
    });
  }

  async primaryKeys(owner: string | undefined, table: string): Promise<PrimaryKeyEntry[]> {
    if (owner !== undefined && owner !== SQLITE_OWNER) return [];
    const { rows } = await this.query('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk', [
      table,
    ]);
    return rows.map((r) => ({
      owner: SQLITE_OWNER,
      tableName: table,
      columnName: String(r.name),
      keySeq: Number(r.pk),
      pkName: null,
    }));
  }

  async foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    if (owner !== undefined && owner !== SQLITE_OWNER) return [];
    return this.references('m.name = ?', table);
  }

  async exportedForeignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    if (owner !== undefined && owner !== SQLITE_OWNER) return [];
    return this.references('f."table" = ?', table);
  }

  private async references(where: string, table: string): Promise<ForeignKeyEntry[]> {
    const { rows } = await this.query(
      `SELECT m.name AS fkTableName, m.sql AS createSql, f.id AS id, f.seq AS seq, f."table" AS pkTableName, f."from" AS fkColumnName, f."to" AS pkColumnName
       FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f
       WHERE m.type = 'table' AND ${where} ORDER BY m.name, f.id, f.seq`,
      [table],
    );
    const out: ForeignKeyEntry[] = [];
    for (const r of rows) {
      const fkTable = String(r.fkTableName);
      const fkColumn = String(r.fkColumnName);
      // A key naming no column references the target's primary key (SQLite leaves `to` NULL).
      let pkColumn = r.pkColumnName === null ? undefined : String(r.pkColumnName);
      if (pkColumn === undefined)
        pkColumn = (await this.primaryKeys(undefined, String(r.pkTableName)))[0]?.columnName ?? 'id';
      out.push({
        fkOwner: SQLITE_OWNER,
        fkName:
          foreignKeyConstraintName(String(r.createSql ?? ''), fkColumn) ?? `fk_${fkTable}_${Number(r.id)}`,
        fkTableName: fkTable,
        fkColumnName: fkColumn,
        keySeq: Number(r.seq) + 1,
        pkOwner: SQLITE_OWNER,
        pkName: null,
        pkTableName: String(r.pkTableName),
        pkColumnName: pkColumn,
      });
    }
    return out;
  }
}

import { InvalidValueError } from '../../../errors';
import type { CatalogQuery } from '../sql/catalog';
import type { ColumnState, ForeignKeyState, IndexState, SchemaDialect } from '../sql/schema-dialect';
import type { Database } from './database';

/**
 * What autoupdate needs of SQLite. SQLite's ALTER TABLE adds, renames and drops columns but cannot
 * change a column's type or NULL-ability, nor add or drop a foreign key: those changes rebuild the
 * table as SQLite documents it (new table, rows copied, old dropped, new renamed, indexes and
 * triggers made again, foreign keys checked), in one transaction. The statements that call for a
 * rebuild are written as a marker the driver reads (`rebuildFromStatement`), since the rebuild
 * reads the table's state first.
 */
const MARKER = '/* loopline:sqlite-rebuild */ ';

export interface RebuildSpec {
  table: string;
  /** A column's new type and NULL-ability. */
  alter?: { column: string; type: string; notNull: boolean };
  /** A foreign-key clause to add (`CONSTRAINT "n" FOREIGN KEY ("c") REFERENCES "t" ("id") …`). */
  addForeignKey?: string;
  /** The name of a foreign key to drop. */
  dropForeignKey?: string;
}

/** A quoted name as written in a statement; the schema `main` before a table name is left out. */
function unquote(id: string): string {
  const t = id.trim().replace(/^"main"\./, '');
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY, as the shared schema code writes it for every SQL store. */
const ADD_FOREIGN_KEY = /^ALTER TABLE ("(?:[^"]|"")*") ADD (CONSTRAINT "(?:[^"]|"")*" FOREIGN KEY .*)$/s;

/** The rebuild a statement stands for: a marker of this dialect, or the shared code's ADD CONSTRAINT. */
export function rebuildFromStatement(sql: string): RebuildSpec | undefined {
  if (sql.startsWith(MARKER)) return JSON.parse(sql.slice(MARKER.length)) as RebuildSpec;
  const fk = ADD_FOREIGN_KEY.exec(sql);
  if (fk) return { table: unquote(fk[1]), addForeignKey: fk[2] };
  return undefined;
}

const marker = (spec: RebuildSpec) => MARKER + JSON.stringify(spec);

/** SQLite's column affinity for a declared type (its documented rules, in order). */
function numericAffinity(type: string): boolean {
  const t = type.toUpperCase();
  if (t.includes('INT')) return true;
  if (/CHAR|CLOB|TEXT|BLOB/.test(t) || t === '') return false;
  return true;
}

export class SQLiteSchemaDialect implements SchemaDialect {
  constructor(private readonly query: CatalogQuery) {}

  canonicalType(type: string): string {
    return type
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .replace(/\s*\(\s*/g, '(')
      .replace(/\s*,\s*/g, ',')
      .replace(/\s*\)/g, ')');
  }

  async columns(_owner: string | undefined, table: string): Promise<ColumnState[]> {
    const { rows } = await this.query(
      'SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?) ORDER BY cid',
      [table],
    );
    return rows.map((r) => ({
      name: String(r.name),
      type: String(r.type ?? ''),
      nullable: Number(r.nn) !== 1 && Number(r.pk) === 0,
    }));
  }

  async indexes(_owner: string | undefined, table: string): Promise<IndexState[]> {
    const { rows } = await this.query(
      `SELECT l.name AS name, l."unique" AS isUnique, l.origin AS origin, i.name AS col
       FROM pragma_index_list(?) l JOIN pragma_index_info(l.name) i ORDER BY l.name, i.seqno`,
      [table],
    );
    const byName = new Map<string, IndexState>();
    for (const r of rows) {
      const name = String(r.name);
      let index = byName.get(name);
      // Kept: the primary key's and UNIQUE constraints' own indexes (origin pk / u).
      if (!index)
        byName.set(
          name,
          (index = { name, unique: Number(r.isUnique) === 1, kept: r.origin !== 'c', columns: [] }),
        );
      index.columns.push(String(r.col).toLowerCase());
    }
    return [...byName.values()];
  }

  alterColumn(table: string, column: string, type: string, notNull: boolean): string[] {
    return [marker({ table: unquote(table), alter: { column: unquote(column), type, notNull } })];
  }

  dropIndex(_table: string, _schema: string | undefined, index: string, q: (id: string) => string): string {
    return `DROP INDEX ${q(index)}`;
  }

  dropForeignKey(table: string, name: string): string {
    return marker({ table: unquote(table), dropForeignKey: unquote(name) });
  }

  /** From SQLite's foreign-key list; the names from the table's CREATE statement (SQLite keeps none apart). */
  async foreignKeys(_owner: string | undefined, table: string): Promise<ForeignKeyState[]> {
    const { rows } = await this.query(
      `SELECT m.sql AS createSql, f.id AS id, f."table" AS targetTable, f."from" AS col, f."to" AS targetColumn, f.on_update AS onUpdate, f.on_delete AS onDelete
       FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name = ? AND f.seq = 0 ORDER BY f.id`,
      [table],
    );
    const out: ForeignKeyState[] = [];
    for (const r of rows) {
      let targetColumn = r.targetColumn === null ? undefined : String(r.targetColumn);
      // A key naming no column references the target's primary key.
      targetColumn ??= String(
        (await this.query('SELECT name FROM pragma_table_info(?) WHERE pk = 1', [String(r.targetTable)]))
          .rows[0]?.name ?? 'id',
      );
      out.push({
        name:
          foreignKeyConstraintName(String(r.createSql ?? ''), String(r.col)) ?? `fk_${table}_${Number(r.id)}`,
        column: String(r.col),
        targetTable: String(r.targetTable),
        targetColumn,
        onDelete: String(r.onDelete).toUpperCase(),
        onUpdate: String(r.onUpdate).toUpperCase(),
      });
    }
    return out;
  }
}

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

interface ForeignKeyInfo {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

/**
 * Rebuilds a table with one change (SQLite's documented procedure), synchronously on `db`, which
 * the caller has put in a transaction. Foreign-key enforcement is off meanwhile (the caller turned
 * it off before the transaction); the rows are checked against the foreign keys before commit.
 * CHECK constraints and collations written in the old CREATE statement are not carried over.
 */
export function rebuildTable(db: Database, spec: RebuildSpec): void {
  const table = spec.table;
  const columns = db
    .prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid')
    .all(table) as ColumnInfo[];
  if (!columns.length) throw new Error(`no such table: ${table}`);
  const create = String(
    (
      db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as {
        sql: string;
      }
    ).sql,
  );
  const indexes = db
    .prepare(
      "SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL",
    )
    .all(table) as { sql: string }[];
  const uniques = db
    .prepare(
      `SELECT l.name AS name, group_concat(i.name, char(0)) AS cols FROM pragma_index_list(?) l JOIN pragma_index_info(l.name) i WHERE l.origin = 'u' GROUP BY l.name`,
    )
    .all(table) as { name: string; cols: string }[];
  const fks = db
    .prepare(
      'SELECT id, seq, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
    )
    .all(table) as ForeignKeyInfo[];

  const alter = spec.alter;
  if (alter) {
    const col = columns.find((c) => c.name.toLowerCase() === alter.column.toLowerCase());
    if (!col) throw new Error(`no such column: ${alter.column}`);
    // A value the new type cannot read (text that is no number for a numeric type) stops the rebuild.
    if (numericAffinity(alter.type) && !numericAffinity(col.type)) {
      const texts = db
        .prepare(
          `SELECT ${quote(col.name)} AS v FROM ${quote(table)} WHERE typeof(${quote(col.name)}) = 'text'`,
        )
        .all() as { v: string }[];
      const bad = texts.find((r) => r.v.trim() === '' || !Number.isFinite(Number(r.v)));
      if (bad)
        throw new InvalidValueError(
          `The column "${col.name}" of ${table} holds "${bad.v}", which is not a ${alter.type}: change or remove such rows first`,
        );
    }
    if (
      alter.notNull &&
      db.prepare(`SELECT 1 FROM ${quote(table)} WHERE ${quote(col.name)} IS NULL LIMIT 1`).get()
    ) {
      throw new InvalidValueError(
        `The column "${col.name}" of ${table} holds NULL: it cannot become NOT NULL`,
      );
    }
    col.type = alter.type;
    col.notnull = alter.notNull ? 1 : 0;
  }

  const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  // An AUTOINCREMENT rowid stays one, with its counter (sqlite_sequence) carried over.
  const autoincrement =
    pk.length === 1 && /^INTEGER$/i.test(pk[0].type) && /AUTOINCREMENT/i.test(create) ? pk[0] : undefined;
  const sequence = autoincrement
    ? (db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined)
    : undefined;
  const defs = columns.map((c) =>
    c === autoincrement
      ? `${quote(c.name)} INTEGER PRIMARY KEY AUTOINCREMENT`
      : `${quote(c.name)}${c.type ? ' ' + c.type : ''}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${c.dflt_value}` : ''}`,
  );
  if (pk.length && !autoincrement) defs.push(`PRIMARY KEY (${pk.map((c) => quote(c.name)).join(', ')})`);
  for (const u of uniques) defs.push(`UNIQUE (${u.cols.split('\0').map(quote).join(', ')})`);
  const byId = new Map<number, ForeignKeyInfo[]>();
  for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
  for (const [id, parts] of byId) {
    const name = foreignKeyConstraintName(create, parts[0].from) ?? `fk_${table}_${id}`;
    if (spec.dropForeignKey !== undefined && name === spec.dropForeignKey) continue;
    const to = parts.every((p) => p.to !== null) ? ` (${parts.map((p) => quote(p.to!)).join(', ')})` : '';
    defs.push(
      `CONSTRAINT ${quote(name)} FOREIGN KEY (${parts.map((p) => quote(p.from)).join(', ')}) REFERENCES ${quote(parts[0].table)}${to} ON UPDATE ${parts[0].on_update} ON DELETE ${parts[0].on_delete}`,
    );
  }
  if (spec.addForeignKey) defs.push(spec.addForeignKey);

  const temp = `${table}__loopline_rebuild`;
  db.prepare(`DROP TABLE IF EXISTS ${quote(temp)}`).run();
  db.prepare(`CREATE TABLE ${quote(temp)} (\n  ${defs.join(',\n  ')}\n)`).run();
  const names = columns.map((c) => quote(c.name)).join(', ');
  db.prepare(`INSERT INTO ${quote(temp)} (${names}) SELECT ${names} FROM ${quote(table)}`).run();
  db.prepare(`DROP TABLE ${quote(table)}`).run();
  db.prepare(`ALTER TABLE ${quote(temp)} RENAME TO ${quote(table)}`).run();
  if (sequence) db.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ?').run(sequence.seq, table);
  for (const { sql } of indexes) db.prepare(sql).run();
  const broken = db.prepare('SELECT * FROM pragma_foreign_key_check(?)').all(table);
  if (broken.length)
    throw new InvalidValueError(
      `${broken.length} row(s) of ${table} reference rows that do not exist: the foreign key cannot be added`,
    );
}

/** The name a table's CREATE statement gives the foreign key on a column. */
export function foreignKeyConstraintName(createSql: string, column: string): string | undefined {
  const esc = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`CONSTRAINT\\s+"((?:[^"]|"")*)"\\s+FOREIGN\\s+KEY\\s*\\(\\s*"?${esc}"?`, 'i').exec(
    createSql,
  );
  return m ? m[1].replace(/""/g, '"') : undefined;
}

import type { CatalogQuery } from '../sql/catalog';
import type { ColumnState, ForeignKeyState, IndexState, SchemaDialect } from '../sql/schema-dialect';

/** PostgreSQL's spellings of one type, as format_type() writes them. */
const ALIASES: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  serial: 'integer',
  serial4: 'integer',
  int8: 'bigint',
  bigserial: 'bigint',
  int2: 'smallint',
  float: 'double precision',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  varchar: 'character varying',
  char: 'character',
  decimal: 'numeric',
};

/** pg_constraint's letters for the referential actions. */
const ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** What autoupdate needs of PostgreSQL: the table's columns and indexes, and how to change a column. */
export class PostgreSQLSchemaDialect implements SchemaDialect {
  constructor(private readonly query: CatalogQuery) {}

  canonicalType(type: string): string {
    const s = type.trim().toLowerCase().replace(/\s+/g, ' ');
    const m = /^(.*?)\s*(\([^)]*\))?$/.exec(s)!;
    const base = ALIASES[m[1]] ?? m[1];
    let args = (m[2] ?? '').replace(/\s/g, '');
    if (base === 'numeric' && /^\(\d+\)$/.test(args)) args = args.replace(')', ',0)');
    return base + args;
  }

  async columns(owner: string | undefined, table: string): Promise<ColumnState[]> {
    const { rows } = await this.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = COALESCE($1::text, current_schema()) AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: r.nullable === true }));
  }

  async indexes(owner: string | undefined, table: string): Promise<IndexState[]> {
    const { rows } = await this.query(
      `SELECT i.relname AS name, ix.indisunique AS "unique", ix.indisprimary AS "primary",
        EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid) AS "constraint",
        ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k + 1, true) FROM generate_subscripts(ix.indkey, 1) k ORDER BY k) AS columns
       FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = COALESCE($1::text, current_schema()) AND t.relname = $2`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      name: String(r.name),
      unique: r.unique === true,
      // Kept: the primary key and indexes that back a constraint.
      kept: r.primary === true || r.constraint === true,
      columns: (r.columns as string[]).map((c) => c.replace(/^"(.*)"$/, '$1').toLowerCase()),
    }));
  }

  alterColumn(
    table: string,
    column: string,
    type: string,
    notNull: boolean,
    change: { type: boolean; nullability: boolean },
  ): string[] {
    const out: string[] = [];
    // Through text, so any value that reads as the new type converts; one that does not fails the statement and changes nothing.
    if (change.type)
      out.push(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${type} USING ${column}::text::${type}`);
    if (change.nullability)
      out.push(`ALTER TABLE ${table} ALTER COLUMN ${column} ${notNull ? 'SET' : 'DROP'} NOT NULL`);
    return out;
  }

  dropIndex(table: string, schema: string | undefined, index: string, quote: (id: string) => string): string {
    return `DROP INDEX ${schema ? `${quote(schema)}.` : ''}${quote(index)}`;
  }

  dropForeignKey(table: string, name: string): string {
    return `ALTER TABLE ${table} DROP CONSTRAINT ${name}`;
  }

  async foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyState[]> {
    const { rows } = await this.query(
      `SELECT c.conname AS name, a.attname AS "column", rt.relname AS "targetTable", ra.attname AS "targetColumn",
        c.confdeltype AS "onDelete", c.confupdtype AS "onUpdate"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        JOIN pg_class rt ON rt.oid = c.confrelid
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND n.nspname = COALESCE($1::text, current_schema()) AND t.relname = $2`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      name: String(r.name),
      column: String(r.column),
      targetTable: String(r.targetTable),
      targetColumn: String(r.targetColumn),
      onDelete: ACTIONS[String(r.onDelete)] ?? 'NO ACTION',
      onUpdate: ACTIONS[String(r.onUpdate)] ?? 'NO ACTION',
    }));
  }
}

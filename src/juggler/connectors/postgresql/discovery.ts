import type {
  Catalog,
  CatalogQuery,
  ColumnEntry,
  ForeignKeyEntry,
  PrimaryKeyEntry,
  TableEntry,
  TableListOptions,
} from '../sql/catalog';
import { numberOrNull } from '../sql/catalog';

/** The schemas the store keeps for itself, left out of `all`. */
const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema')`;

/** The schema a call names, or the connection's current one. */
const OWNER = (n: number) => `COALESCE($${n}::text, current_schema())`;

/**
 * The loopline type of a PostgreSQL column, as loopback-connector-postgresql maps it, except that
 * json/jsonb are Object (LB3 says String, which would hand the document back as text) and bytea
 * is Buffer (LB3's Binary).
 */
export function postgresqlTypeOf(dataType: string): string {
  const t = dataType.toLowerCase();
  if (t === 'boolean') return 'Boolean';
  if (t === 'json' || t === 'jsonb') return 'Object';
  if (t === 'bytea') return 'Buffer';
  if (/^(smallint|integer|bigint|decimal|numeric|real|double precision|float|serial|bigserial)$/.test(t))
    return 'Number';
  if (/^(date|timestamp|time)\b/.test(t)) return 'Date';
  if (t === 'point') return 'GeoPoint';
  return 'String';
}

/** PostgreSQL's information_schema read in the shapes LB3's discovery answers. */
export class PostgreSQLCatalog implements Catalog {
  readonly connectorName = 'postgresql' as const;

  constructor(private readonly query: CatalogQuery) {}

  async tables(options: TableListOptions): Promise<TableEntry[]> {
    const params: unknown[] = [];
    let where: string;
    if (options.owner !== undefined) {
      params.push(options.owner);
      where = `table_schema = $1`;
    } else if (options.all) {
      where = `table_schema NOT IN ${SYSTEM_SCHEMAS} AND table_schema NOT LIKE 'pg\\_toast%'`;
    } else {
      where = `table_schema = current_schema()`;
    }
    const types = options.views ? `('BASE TABLE', 'VIEW')` : `('BASE TABLE')`;
    let sql = `SELECT table_name AS name, table_schema AS owner, table_type AS kind FROM information_schema.tables WHERE ${where} AND table_type IN ${types} ORDER BY table_schema, table_name`;
    if (options.limit !== undefined) {
      params.push(options.limit);
      sql += ` LIMIT $${params.length}`;
    }
    if (options.offset !== undefined) {
      params.push(options.offset);
      sql += ` OFFSET $${params.length}`;
    }
    const { rows } = await this.query(sql, params);
    return rows.map((r) => ({
      type: r.kind === 'VIEW' ? 'view' : 'table',
      name: String(r.name),
      owner: String(r.owner),
    }));
  }

  async columns(owner: string | undefined, table: string): Promise<ColumnEntry[]> {
    const { rows } = await this.query(
      `SELECT table_schema AS owner, table_name AS "tableName", column_name AS "columnName", data_type AS "dataType",
        character_maximum_length AS "dataLength", numeric_precision AS "dataPrecision", numeric_scale AS "dataScale",
        is_nullable AS nullable, is_generated AS generated, identity_generation AS "identityGenerated"
       FROM information_schema.columns WHERE table_schema = ${OWNER(1)} AND table_name = $2 ORDER BY ordinal_position`,
      [owner ?? null, table],
    );
    return rows.map((r) => {
      // LB3 reports real and double precision as float, and no precision for the integer types.
      const raw = String(r.dataType);
      const dataType = raw === 'real' || raw === 'double precision' ? 'float' : raw;
      const integer = /^(integer|bigint|smallint)$/.test(raw);
      return {
        owner: String(r.owner),
        tableName: String(r.tableName),
        columnName: String(r.columnName),
        dataType,
        dataLength: numberOrNull(r.dataLength),
        dataPrecision: integer ? null : numberOrNull(r.dataPrecision),
        dataScale: numberOrNull(r.dataScale),
        nullable: String(r.nullable),
        generated: r.generated === 'ALWAYS' || r.identityGenerated === 'ALWAYS',
        identityGenerated: (r.identityGenerated as string | null) ?? null,
        type: postgresqlTypeOf(raw),
      };
    });
  }

  async primaryKeys(owner: string | undefined, table: string): Promise<PrimaryKeyEntry[]> {
    const { rows } = await this.query(
      `SELECT kc.table_schema AS owner, kc.table_name AS "tableName", kc.column_name AS "columnName", kc.ordinal_position AS "keySeq", kc.constraint_name AS "pkName"
       FROM information_schema.key_column_usage kc
       JOIN information_schema.table_constraints tc ON tc.constraint_schema = kc.constraint_schema AND tc.constraint_name = kc.constraint_name AND tc.table_name = kc.table_name
       WHERE tc.constraint_type = 'PRIMARY KEY' AND kc.table_schema = ${OWNER(1)} AND kc.table_name = $2
       ORDER BY kc.ordinal_position`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      owner: String(r.owner),
      tableName: String(r.tableName),
      columnName: String(r.columnName),
      keySeq: Number(r.keySeq),
      pkName: String(r.pkName),
    }));
  }

  foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    return this.references('fk', owner, table);
  }

  exportedForeignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    return this.references('pk', owner, table);
  }

  /** Foreign-key columns paired with the key columns they reference, filtered on either side. */
  private async references(
    side: 'fk' | 'pk',
    owner: string | undefined,
    table: string,
  ): Promise<ForeignKeyEntry[]> {
    const { rows } = await this.query(
      `SELECT fk.table_schema AS "fkOwner", fk.constraint_name AS "fkName", fk.table_name AS "fkTableName", fk.column_name AS "fkColumnName",
        fk.ordinal_position AS "keySeq", rc.delete_rule AS "onDelete", rc.update_rule AS "onUpdate",
        pk.table_schema AS "pkOwner", rc.unique_constraint_name AS "pkName", pk.table_name AS "pkTableName", pk.column_name AS "pkColumnName"
       FROM information_schema.referential_constraints rc
       JOIN information_schema.key_column_usage fk ON fk.constraint_schema = rc.constraint_schema AND fk.constraint_name = rc.constraint_name
       JOIN information_schema.key_column_usage pk ON pk.constraint_schema = rc.unique_constraint_schema AND pk.constraint_name = rc.unique_constraint_name
        AND pk.ordinal_position = fk.position_in_unique_constraint
       WHERE ${side}.table_schema = ${OWNER(1)} AND ${side}.table_name = $2
       ORDER BY fk.table_schema, fk.table_name, fk.constraint_name, fk.ordinal_position`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      fkOwner: String(r.fkOwner),
      fkName: String(r.fkName),
      fkTableName: String(r.fkTableName),
      fkColumnName: String(r.fkColumnName),
      keySeq: Number(r.keySeq),
      onDelete: String(r.onDelete),
      onUpdate: String(r.onUpdate),
      pkOwner: String(r.pkOwner),
      pkName: String(r.pkName),
      pkTableName: String(r.pkTableName),
      pkColumnName: String(r.pkColumnName),
    }));
  }
}

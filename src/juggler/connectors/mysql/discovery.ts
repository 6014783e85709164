import type {
  Catalog,
  CatalogQuery,
  ColumnEntry,
  ColumnOptions,
  ForeignKeyEntry,
  PrimaryKeyEntry,
  TableEntry,
  TableListOptions,
} from '../sql/catalog';
import { numberOrNull } from '../sql/catalog';

/** The schemas the server keeps for itself, left out of `all`. */
const SYSTEM_SCHEMAS = `('mysql', 'sys', 'information_schema', 'performance_schema')`;

/** The schema a call names, or the connection's current database. */
const OWNER = 'COALESCE(?, DATABASE())';

/**
 * The loopline type of a MySQL column, as loopback-connector-mysql maps it, except that binary
 * columns are Buffer (LB3's Binary) and JSON is Object (LB3's lower-case `object`).
 */
export function mysqlTypeOf(dataType: string, columnType: string, options: ColumnOptions = {}): string {
  const t = dataType.toUpperCase();
  if (t === 'BIT') return columnType === 'bit(1)' ? 'Boolean' : 'Buffer';
  if (t === 'TINYINT' && options.treatTINYINT1AsTinyInt === false && columnType.startsWith('tinyint(1)'))
    return 'Boolean';
  if (/^(TINYINT|SMALLINT|INT|MEDIUMINT|YEAR|FLOAT|DOUBLE|BIGINT|INTEGER|DECIMAL|NUMERIC)$/.test(t))
    return 'Number';
  if (/^(DATE|TIMESTAMP|DATETIME)$/.test(t)) return 'Date';
  if (/^(TINYBLOB|MEDIUMBLOB|LONGBLOB|BLOB|BINARY|VARBINARY)$/.test(t)) return 'Buffer';
  if (t === 'POINT') return 'GeoPoint';
  if (t === 'BOOL' || t === 'BOOLEAN') return 'Boolean';
  if (t === 'JSON') return 'Object';
  return 'String';
}

/** MySQL's and MariaDB's information_schema read in the shapes LB3's discovery answers. */
export class MySQLCatalog implements Catalog {
  readonly connectorName = 'mysql' as const;

  constructor(private readonly query: CatalogQuery) {}

  async tables(options: TableListOptions): Promise<TableEntry[]> {
    const params: unknown[] = [];
    let where: string;
    if (options.owner !== undefined) {
      params.push(options.owner);
      where = 'TABLE_SCHEMA = ?';
    } else if (options.all) {
      where = `TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS}`;
    } else {
      where = 'TABLE_SCHEMA = DATABASE()';
    }
    const types = options.views ? `('BASE TABLE', 'VIEW')` : `('BASE TABLE')`;
    let sql = `SELECT TABLE_NAME AS name, TABLE_SCHEMA AS owner, TABLE_TYPE AS kind FROM information_schema.TABLES WHERE ${where} AND TABLE_TYPE IN ${types} ORDER BY TABLE_SCHEMA, TABLE_NAME`;
    if (options.limit !== undefined || options.offset !== undefined) {
      params.push(options.limit ?? Number.MAX_SAFE_INTEGER, options.offset ?? 0);
      sql += ' LIMIT ? OFFSET ?';
    }
    const { rows } = await this.query(sql, params);
    return rows.map((r) => ({
      type: r.kind === 'VIEW' ? 'view' : 'table',
      name: String(r.name),
      owner: String(r.owner),
    }));
  }

  async columns(
    owner: string | undefined,
    table: string,
    options: ColumnOptions = {},
  ): Promise<ColumnEntry[]> {
    const { rows } = await this.query(
      `SELECT TABLE_SCHEMA AS owner, TABLE_NAME AS tableName, COLUMN_NAME AS columnName, DATA_TYPE AS dataType,
        CHARACTER_MAXIMUM_LENGTH AS dataLength, NUMERIC_PRECISION AS dataPrecision, NUMERIC_SCALE AS dataScale,
        COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${OWNER} AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      owner: String(r.owner),
      tableName: String(r.tableName),
      columnName: String(r.columnName),
      dataType: String(r.dataType),
      dataLength: numberOrNull(r.dataLength),
      dataPrecision: numberOrNull(r.dataPrecision),
      dataScale: numberOrNull(r.dataScale),
      columnType: String(r.columnType),
      nullable: r.nullable === 'YES' ? 'Y' : 'N',
      generated: /auto_increment/i.test(String(r.extra ?? '')) ? 1 : 0,
      type: mysqlTypeOf(String(r.dataType), String(r.columnType), options),
    }));
  }

  async primaryKeys(owner: string | undefined, table: string): Promise<PrimaryKeyEntry[]> {
    const { rows } = await this.query(
      `SELECT TABLE_SCHEMA AS owner, TABLE_NAME AS tableName, COLUMN_NAME AS columnName, ORDINAL_POSITION AS keySeq, CONSTRAINT_NAME AS pkName
       FROM information_schema.KEY_COLUMN_USAGE
       WHERE TABLE_SCHEMA = ${OWNER} AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
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

  async foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    return (await this.references(`k.TABLE_SCHEMA = ${OWNER} AND k.TABLE_NAME = ?`, owner, table)).map(
      ({ onDelete: _d, onUpdate: _u, ...fk }) => fk,
    );
  }

  async exportedForeignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    // LB3's MySQL connector names no key on the referenced side here.
    return (
      await this.references(
        `k.REFERENCED_TABLE_SCHEMA = ${OWNER} AND k.REFERENCED_TABLE_NAME = ?`,
        owner,
        table,
      )
    ).map(({ onDelete: _d, onUpdate: _u, ...fk }) => ({ ...fk, pkName: null }));
  }

  private async references(
    where: string,
    owner: string | undefined,
    table: string,
  ): Promise<ForeignKeyEntry[]> {
    const { rows } = await this.query(
      `SELECT k.TABLE_SCHEMA AS fkOwner, k.CONSTRAINT_NAME AS fkName, k.TABLE_NAME AS fkTableName, k.COLUMN_NAME AS fkColumnName, k.ORDINAL_POSITION AS keySeq,
        k.REFERENCED_TABLE_SCHEMA AS pkOwner, rc.UNIQUE_CONSTRAINT_NAME AS pkName, k.REFERENCED_TABLE_NAME AS pkTableName, k.REFERENCED_COLUMN_NAME AS pkColumnName,
        rc.DELETE_RULE AS onDelete, rc.UPDATE_RULE AS onUpdate
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND rc.TABLE_NAME = k.TABLE_NAME
       WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND ${where}
       ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      [owner ?? null, table],
    );
    return rows.map((r) => ({
      fkOwner: String(r.fkOwner),
      fkName: String(r.fkName),
      fkTableName: String(r.fkTableName),
      fkColumnName: String(r.fkColumnName),
      keySeq: Number(r.keySeq),
      pkOwner: String(r.pkOwner),
      pkName: r.pkName === null || r.pkName === undefined ? null : String(r.pkName),
      pkTableName: String(r.pkTableName),
      pkColumnName: String(r.pkColumnName),
      onDelete: r.onDelete,
      onUpdate: r.onUpdate,
    }));
  }
}

import type { Row } from '../connector';

/**
 * What a SQL store's catalog (information_schema) says about its tables, in the shapes LB3's
 * discovery methods answer. Names of schemas and tables reach the store only as bound parameters.
 */
export interface TableEntry {
  type: 'table' | 'view';
  name: string;
  owner: string;
}

/** A column as discoverModelProperties lists it; `type` is the loopline type it maps to. */
export interface ColumnEntry {
  owner: string;
  tableName: string;
  columnName: string;
  dataType: string;
  dataLength: number | null;
  dataPrecision: number | null;
  dataScale: number | null;
  /** 'YES'/'NO' on PostgreSQL, 'Y'/'N' on MySQL, as LB3's connectors write it. */
  nullable: string;
  type: string;
  [extra: string]: unknown;
}

export interface PrimaryKeyEntry {
  owner: string;
  tableName: string;
  columnName: string;
  keySeq: number;
  pkName: string | null;
}

export interface ForeignKeyEntry {
  fkOwner: string;
  fkName: string;
  fkTableName: string;
  fkColumnName: string;
  keySeq: number;
  pkOwner: string;
  pkName: string | null;
  pkTableName: string;
  pkColumnName: string;
  [extra: string]: unknown;
}

export interface TableListOptions {
  /** One schema (LB3's `owner`/`schema`); the connection's current schema when absent. */
  owner?: string;
  /** Every schema but the store's own system schemas. */
  all?: boolean;
  views?: boolean;
  limit?: number;
  offset?: number;
}

export interface ColumnOptions {
  /** MySQL: TINYINT(1) stays a Number unless this is false (LB3's setting of the same name). */
  treatTINYINT1AsTinyInt?: boolean;
}

export interface Catalog {
  /** The connector's name, the key of its per-model and per-property settings. */
  readonly connectorName: string;
  tables(options: TableListOptions): Promise<TableEntry[]>;
  /** Columns in table order; an unknown table has none. */
  columns(owner: string | undefined, table: string, options?: ColumnOptions): Promise<ColumnEntry[]>;
  primaryKeys(owner: string | undefined, table: string): Promise<PrimaryKeyEntry[]>;
  /** The foreign keys the table holds. */
  foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]>;
  /** The foreign keys of other tables that reference this one. */
  exportedForeignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]>;
}

export type CatalogQuery = (sql: string, params: unknown[]) => Promise<{ rows: Row[] }>;

/** A catalog number column as a number (drivers hand some back as strings), null as null. */
export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

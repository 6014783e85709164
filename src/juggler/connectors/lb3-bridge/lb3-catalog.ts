import type {
  Catalog,
  ColumnEntry,
  ColumnOptions,
  ForeignKeyEntry,
  PrimaryKeyEntry,
  TableEntry,
  TableListOptions,
} from '../sql/catalog';
import { call, has, Lb3Connector } from './callback-call';

/**
 * LB3's discovery methods of a connector (`discoverModelDefinitions(options, cb)`,
 * `discoverModelProperties(table, options, cb)`, primary and foreign keys) as loopline's Catalog,
 * so `ds.discoverSchemas()` and the rest of discovery.ts run over a bridged SQL connector: the
 * entries LB3 answers already have the shape the Catalog names.
 */
export class Lb3Catalog implements Catalog {
  constructor(
    private readonly lb3: Lb3Connector,
    readonly connectorName: string,
    private readonly ready: () => Promise<void>,
  ) {}

  /** True when the LB3 connector offers discovery (the SQL connectors of loopback-connector do). */
  static offeredBy(lb3: Lb3Connector): boolean {
    return has(lb3, 'discoverModelDefinitions') && has(lb3, 'discoverModelProperties');
  }

  async tables(options: TableListOptions): Promise<TableEntry[]> {
    return this.ask<TableEntry[]>('discoverModelDefinitions', [{ ...options }]);
  }

  async columns(
    owner: string | undefined,
    table: string,
    options: ColumnOptions = {},
  ): Promise<ColumnEntry[]> {
    return this.ask<ColumnEntry[]>('discoverModelProperties', [table, { ...options, owner }]);
  }

  async primaryKeys(owner: string | undefined, table: string): Promise<PrimaryKeyEntry[]> {
    return this.ask<PrimaryKeyEntry[]>('discoverPrimaryKeys', [table, { owner }]);
  }

  async foreignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    return this.ask<ForeignKeyEntry[]>('discoverForeignKeys', [table, { owner }]);
  }

  async exportedForeignKeys(owner: string | undefined, table: string): Promise<ForeignKeyEntry[]> {
    return this.ask<ForeignKeyEntry[]>('discoverExportedForeignKeys', [table, { owner }]);
  }

  private async ask<T>(method: string, args: unknown[]): Promise<T> {
    if (!has(this.lb3, method)) return [] as T;
    await this.ready();
    return ((await call<T>(this.lb3, method, args)) ?? []) as T;
  }
}

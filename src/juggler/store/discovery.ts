import { LooplineError } from '../../errors';
import { isDataConnector, type AnyConnector } from '../connectors/store-kinds';
import type {
  Catalog,
  ColumnEntry,
  ColumnOptions,
  ForeignKeyEntry,
  PrimaryKeyEntry,
  TableEntry,
} from '../connectors/sql/catalog';

/**
 * LB3's discovery API over a connector's catalog: the store's tables, columns and keys, and
 * model JSON built from them that can be dropped into `common/models`.
 */
export interface DiscoveryOptions extends ColumnOptions {
  owner?: string;
  schema?: string;
  all?: boolean;
  views?: boolean;
  limit?: number;
  offset?: number;
  /** discoverSchemas: follow foreign keys to the tables they reference. */
  relations?: boolean;
  associations?: boolean;
  /** discoverSchemas: schemas found so far, by "owner.table" (filled in as tables are visited). */
  visited?: Record<string, ModelJson>;
}

export interface ModelJson {
  name: string;
  options: Record<string, any>;
  properties: Record<string, Record<string, unknown>>;
}

/** The connector's catalog, if it keeps one (SQL stores; LB3 connectors with discovery). */
export function catalogOf(connector: AnyConnector): Catalog | undefined {
  return isDataConnector(connector) ? connector.catalog : undefined;
}

function requireCatalog(connector: AnyConnector): Catalog {
  const catalog = catalogOf(connector);
  if (!catalog)
    throw new LooplineError(
      'DISCOVERY_UNSUPPORTED',
      `The ${connector.name} connector keeps no catalog to discover models from; discovery needs a SQL store (postgresql, mysql)`,
    );
  return catalog;
}

function ownerOf(options: DiscoveryOptions): string | undefined {
  const owner = options.owner ?? options.schema;
  return typeof owner === 'string' && owner ? owner : undefined;
}

function tableName(table: unknown): string {
  if (typeof table !== 'string' || !table)
    throw new LooplineError('INVALID_ARGUMENT', 'Discovery needs a table name (a non-empty string)');
  return table;
}

function count(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new LooplineError(
      'INVALID_ARGUMENT',
      `Discovery option "${what}" must be a whole number, not ${JSON.stringify(value)}`,
    );
  return n;
}

/** LB3's mapping of store names to model names: split at - and _, parts capitalized (then lower-cased). */
function capitalize(part: string): string {
  return part.charAt(0).toUpperCase() + part.slice(1).toLowerCase();
}

export function modelNameOf(table: string): string {
  return table.split(/-|_/).map(capitalize).join('');
}

export function propertyNameOf(column: string): string {
  const [first, ...rest] = column.split(/-|_/);
  return first.toLowerCase() + rest.map(capitalize).join('');
}

export function discoverModelDefinitions(
  connector: AnyConnector,
  options: DiscoveryOptions = {},
): Promise<TableEntry[]> {
  const catalog = requireCatalog(connector);
  return catalog.tables({
    owner: ownerOf(options),
    all: !!options.all,
    views: !!options.views,
    limit: count(options.limit, 'limit'),
    offset: count(options.offset, 'offset'),
  });
}

export function discoverModelProperties(
  connector: AnyConnector,
  table: string,
  options: DiscoveryOptions = {},
): Promise<ColumnEntry[]> {
  return requireCatalog(connector).columns(ownerOf(options), tableName(table), options);
}

export function discoverPrimaryKeys(
  connector: AnyConnector,
  table: string,
  options: DiscoveryOptions = {},
): Promise<PrimaryKeyEntry[]> {
  return requireCatalog(connector).primaryKeys(ownerOf(options), tableName(table));
}

export function discoverForeignKeys(
  connector: AnyConnector,
  table: string,
  options: DiscoveryOptions = {},
): Promise<ForeignKeyEntry[]> {
  return requireCatalog(connector).foreignKeys(ownerOf(options), tableName(table));
}

export function discoverExportedForeignKeys(
  connector: AnyConnector,
  table: string,
  options: DiscoveryOptions = {},
): Promise<ForeignKeyEntry[]> {
  return requireCatalog(connector).exportedForeignKeys(ownerOf(options), tableName(table));
}

/**
 * The model JSON of a table and, with `relations` (or `associations`), of every table its foreign
 * keys reach, keyed by "owner.table" — the table asked for first. An unknown table is 404.
 */
export async function discoverSchemas(
  connector: AnyConnector,
  table: string,
  options: DiscoveryOptions = {},
): Promise<Record<string, ModelJson>> {
  const catalog = requireCatalog(connector);
  const visited = (options.visited ??= {});
  await visit(catalog, ownerOf(options), tableName(table), options, visited);
  return visited;
}

/** The model JSON of one table, relations included when asked for. */
export async function discoverSchema(
  connector: AnyConnector,
  table: string,
  options: DiscoveryOptions = {},
): Promise<ModelJson> {
  const schemas = await discoverSchemas(connector, table, { ...options, visited: {} });
  return Object.values(schemas)[0];
}

async function visit(
  catalog: Catalog,
  owner: string | undefined,
  table: string,
  options: DiscoveryOptions,
  visited: Record<string, ModelJson>,
): Promise<void> {
  const follow = !!(options.relations || options.associations);
  const [columns, keys, foreign] = await Promise.all([
    catalog.columns(owner, table, options),
    catalog.primaryKeys(owner, table),
    follow ? catalog.foreignKeys(owner, table) : Promise.resolve([] as ForeignKeyEntry[]),
  ]);
  if (!columns.length)
    throw new LooplineError(
      'TABLE_NOT_FOUND',
      `Table '${table}' does not exist${owner ? ` in schema '${owner}'` : ''}.`,
    );
  const schemaOwner = columns[0].owner;
  const key = `${schemaOwner}.${table}`;
  if (visited[key]) return;
  const idOf = new Map(keys.map((k) => [k.columnName, k.keySeq]));
  const properties: ModelJson['properties'] = {};
  for (const c of columns) {
    const prop: Record<string, unknown> = {
      type: c.type,
      required: c.nullable === 'NO' || c.nullable === 'N',
      length: c.dataLength,
      precision: c.dataPrecision,
      scale: c.dataScale,
    };
    if (idOf.has(c.columnName)) prop.id = idOf.get(c.columnName);
    prop[catalog.connectorName] = {
      columnName: c.columnName,
      dataType: c.dataType,
      dataLength: c.dataLength,
      dataPrecision: c.dataPrecision,
      dataScale: c.dataScale,
      nullable: c.nullable,
    };
    properties[propertyNameOf(c.columnName)] = prop;
  }
  const schema: ModelJson = {
    name: modelNameOf(table),
    options: { idInjection: false, [catalog.connectorName]: { schema: schemaOwner, table } },
    properties,
  };
  visited[key] = schema;
  if (!follow) return;
  schema.options.relations = {};
  const next = new Map<string, { owner: string; table: string }>();
  for (const fk of foreign) {
    schema.options.relations[propertyNameOf(`${fk.fkName || fk.pkTableName}Rel`)] = {
      model: modelNameOf(fk.pkTableName),
      type: 'belongsTo',
      foreignKey: propertyNameOf(fk.fkColumnName),
    };
    const target = `${fk.pkOwner}.${fk.pkTableName}`;
    if (!visited[target]) next.set(target, { owner: fk.pkOwner, table: fk.pkTableName });
  }
  for (const t of next.values()) await visit(catalog, t.owner, t.table, options, visited);
}

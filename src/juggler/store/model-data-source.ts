import type { Connector } from '../connectors/connector';
import type { ConnectorModule } from '../connectors/registry';
import type { AnyConnector } from '../connectors/store-kinds';
import type { Store } from './store';

/** A data source's settings, as `datasources.json` gives them; the connector's own keys among them. */
export interface DataSourceSettings {
  [key: string]: unknown;
  name?: string;
  connector?:
    | string
    | Connector
    | ConnectorModule
    | { initialize?: unknown }
    | (new (settings: Record<string, unknown>) => AnyConnector);
}

/**
 * A model's data source as the data layer under the LB3 façade sees it (the DAO, relations,
 * the model builder): its store and what LB3 code reads of it. `DataSource` (datasource.ts)
 * implements it; typing models by this keeps the data layer from depending on the façade that
 * builds models.
 */
export interface ModelDataSource {
  readonly name: string;
  readonly settings: DataSourceSettings;
  readonly connector: AnyConnector;
  readonly store: Store;
  readonly connected: boolean;
  /** Resolves once the store is connected; the first call connects. */
  ready(): Promise<void>;
  /** Attaches a model class (relations attach the models they build through). */
  attach(Model: object): unknown;
}

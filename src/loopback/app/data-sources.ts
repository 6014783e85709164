import { DataSource, connectorModule } from '../../juggler';
import type { Registry } from '../model-api/registry';
import { dataSourceAliases, modelAliases } from './names';
import type { LooplineApp } from './types';

/**
 * The app's data sources and the connectors they are made with: `app.dataSource(name, config)`
 * and `app.connector(name, connector)`, the one an app registers taking precedence by name.
 */
export function installDataSources(app: LooplineApp, registry: Registry): void {
  app.dataSources = {};
  app.datasources = app.dataSources;
  app.connectors = {};
  // As LB3, every app lists the two connectors loopback itself ships.
  for (const name of ['memory', 'remote'] as const) {
    const connector = connectorModule(name);
    if (connector) app.connectors[name] = connector;
  }

  app.dataSource = (name, config) => {
    let ds: DataSource;
    try {
      ds =
        config instanceof DataSource
          ? config
          : registry.createDataSource(name, withAppConnector(app, config));
    } catch (err) {
      // LB3 names the data source (and the connector asked for) in the message.
      const connector = (config as { connector?: unknown })?.connector;
      if (err instanceof Error)
        err.message = `Cannot create data source "${name}"${typeof connector === 'string' ? ` (connector "${connector}")` : ''}: ${err.message}`;
      throw err;
    }
    for (const alias of dataSourceAliases(name)) app.dataSources[alias] = ds;
    if (!ds.app) ds.app = app;
    return ds;
  };

  app.connector = (name: string, connector: unknown) => {
    for (const alias of modelAliases(name)) app.connectors[alias] = connector;
  };
}

/** `{connector: 'custom'}` names a connector the app registered with `app.connector()` first. */
function withAppConnector(app: LooplineApp, config: Record<string, unknown>): Record<string, unknown> {
  const name = config?.connector;
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(app.connectors, name)) {
    return { ...config, connector: app.connectors[name] };
  }
  return config;
}

import { loopback } from '../loopback/app/loopback';
import { boot } from '../boot';
import type { AppLayout } from './app-layout';
import { assertDataSource } from './app-layout';
import type { DataSource } from '../juggler';

/**
 * Boots the app as `node server` would (config, data sources, models, boot scripts) without
 * listening, for commands that act through its data sources. `close()` disconnects them all so
 * the command's process can exit.
 */
export async function bootApp(
  app: AppLayout,
  dataSourceName: string,
): Promise<{ app: any; dataSource: DataSource; close(): Promise<void> }> {
  assertDataSource(app, dataSourceName);
  const booted: any = loopback();
  await boot(booted, { appRootDir: app.serverDir });
  const dataSource = booted.dataSources[dataSourceName] as DataSource;
  const close = async () => {
    const all = new Set<DataSource>(Object.values(booted.dataSources ?? {}));
    await Promise.all([...all].map((ds) => ds.disconnect().catch(() => undefined)));
  };
  return { app: booted, dataSource, close };
}

import type { SqlDialect } from '../sql/sql-dialect';
import { StoreChangeFeed } from '../change-feed';
import { SQLiteChangeCarrier } from './change-feed';
import { SQLiteCatalog } from './discovery';
import { IN_MEMORY, SQLiteDriver } from './driver';
import { sqliteErrors } from './errors';
import { SQLiteSchemaDialect } from './schema';
import { sqliteStatements } from './statements';
import { sqliteSyntax } from './syntax';

/**
 * SQLite on better-sqlite3, as a SqlDialect (driver.ts says how its connections work). The change
 * feed is within this process (change-feed.ts).
 */
export function sqliteDialect(settings: Readonly<Record<string, unknown>>): SqlDialect {
  const driver = new SQLiteDriver(settings);
  return {
    name: 'sqlite',
    syntax: sqliteSyntax,
    errors: sqliteErrors(driver),
    statements: sqliteStatements(() => driver.file),
    createDriver: () => driver,
    createSchema: (query) => new SQLiteSchemaDialect(query),
    createCatalog: (query) => new SQLiteCatalog(query),
    createChangeFeed: ({ debug, everyModel }) => {
      // Each `:memory:` database is its data source's own: no other data source shares its writes.
      const key = driver.file === IN_MEMORY ? `${IN_MEMORY}:${Math.random()}` : driver.file;
      driver.feed = new SQLiteChangeCarrier(key, debug);
      return new StoreChangeFeed(everyModel, driver.feed);
    },
  };
}

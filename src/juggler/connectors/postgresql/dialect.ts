import type { SqlDialect } from '../sql/sql-dialect';
import { StoreChangeFeed } from '../change-feed';
import { PostgreSQLChangeCarrier } from './change-feed';
import { PostgreSQLCatalog } from './discovery';
import { poolConfig, postgresqlDriver } from './driver';
import { postgresqlErrors } from './errors';
import { PostgreSQLSchemaDialect } from './schema';
import { postgresqlStatements } from './statements';
import { postgresqlSyntax } from './syntax';

/**
 * PostgreSQL on `pg`, as a SqlDialect. The change feed is LISTEN/NOTIFY on `changeFeedChannel`
 * (default loopline_changes).
 */
export function postgresqlDialect(settings: Readonly<Record<string, unknown>>): SqlDialect {
  return {
    name: 'postgresql',
    syntax: postgresqlSyntax,
    errors: postgresqlErrors,
    statements: postgresqlStatements,
    createDriver: (context) => postgresqlDriver(settings, context),
    createSchema: (query) => new PostgreSQLSchemaDialect(query),
    createCatalog: (query) => new PostgreSQLCatalog(query),
    createChangeFeed: ({ run, debug, everyModel }) =>
      new StoreChangeFeed(
        everyModel,
        new PostgreSQLChangeCarrier(
          run,
          () => poolConfig(settings),
          typeof settings.changeFeedChannel === 'string' ? settings.changeFeedChannel : 'loopline_changes',
          debug,
        ),
      ),
  };
}

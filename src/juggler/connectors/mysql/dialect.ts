import type { SqlDialect } from '../sql/sql-dialect';
import { StoreChangeFeed } from '../change-feed';
import { MySQLChangeCarrier } from './change-feed';
import { MySQLCatalog } from './discovery';
import { mysqlDriver, textCollation } from './driver';
import { mysqlErrors } from './errors';
import { MySQLSchemaDialect } from './schema';
import { mysqlStatements } from './statements';
import { mysqlSyntax } from './syntax';

/**
 * MySQL and MariaDB on `mysql2`, as a SqlDialect. Made per data source: text read from JSON
 * documents and new tables use the collation chosen for its server (driver.ts). The change feed
 * is a table polled by the data sources with change streams open (change-feed.ts):
 * `changeFeedTable`, `changeFeedInterval` (ms), `changeFeedRetention` (s).
 */
export function mysqlDialect(settings: Readonly<Record<string, unknown>>): SqlDialect {
  const text = textCollation(settings);
  return {
    name: 'mysql',
    syntax: mysqlSyntax(() => text.collation),
    errors: mysqlErrors,
    statements: mysqlStatements,
    createDriver: (context) => mysqlDriver(settings, text, context),
    createSchema: (query) => new MySQLSchemaDialect(query, () => text.collation),
    createCatalog: (query) => new MySQLCatalog(query),
    createChangeFeed: ({ run, debug, everyModel }) => {
      const s = settings;
      const table = typeof s.changeFeedTable === 'string' ? s.changeFeedTable : 'loopline_change_feed';
      const interval = Number(s.changeFeedInterval) > 0 ? Number(s.changeFeedInterval) : undefined;
      const retention = Number(s.changeFeedRetention) > 0 ? Number(s.changeFeedRetention) : undefined;
      return new StoreChangeFeed(everyModel, new MySQLChangeCarrier(run, table, interval, retention, debug));
    },
  };
}

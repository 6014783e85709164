import { defineConnectorSuite } from '../../src/testing';
import { LB3_STORES, STORES, storeAvailable } from './stores';

/**
 * ONE suite (loopline/testing's connector suite), run unchanged against every store: memory,
 * PostgreSQL, MariaDB and SQLite, and the real LB3 SQL packages through the bridge. Where the
 * stores differ, the suite reads each store's declared features (stores.ts).
 */
for (const store of [...STORES, ...LB3_STORES])
  defineConnectorSuite(store, { describe: storeAvailable(store) ? describe : describe.skip });

import type { SuiteStore } from '../features';
import { jestGlobals } from '../jest-globals';
import { defineFixture } from './fixture';
import { defineQueryCases } from './queries';
import { defineSchemaCases } from './schema';
import { defineTransactionCases } from './transactions';
import { defineValueCases } from './values';

/**
 * Defines the connector suite for one store, as jest cases under `describe('<name> store')`: ONE
 * suite, run unchanged against every store (no mocks: real servers, real tables, recreated by
 * automigrate before the suite). Where stores differ, a case reads the store's declared features,
 * so a third-party connector registered with `registerConnector` runs it as loopline's own do.
 * Call it from a jest test file; `describe` may be replaced (by `describe.skip` when the store's
 * server is down, say).
 */
export function defineConnectorSuite(
  store: SuiteStore,
  options: { describe?: (title: string, fn: () => void) => void } = {},
): void {
  const jest = jestGlobals();
  (options.describe ?? jest.describe)(`${store.name} store`, () => {
    const fx = defineFixture(store, jest);
    fx.it('declares the capabilities its features say', () => {
      const capabilities = (fx.ds.connector as { capabilities?: { transactions?: boolean } }).capabilities;
      fx.expect(capabilities?.transactions ?? false).toBe(store.features.transactions);
    });
    defineQueryCases(fx);
    defineValueCases(fx);
    defineTransactionCases(fx);
    defineSchemaCases(fx);
  });
}

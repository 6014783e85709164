/**
 * `loopline/testing`: the connector suite, for loopline's own stores and for a third-party
 * connector alike. It defines jest cases, so it is called from a jest test file; jest's globals are
 * looked up at that call, and nothing here is loaded by `require('loopline')`.
 */
export { defineConnectorSuite } from './connector-suite';
export type { StoreFeatures, SchemaFeatures, SqlFeatures, SuiteStore } from './features';
export { Relay } from './relay';

/**
 * The data layer's public face: what the app layer (loopback/, boot/, cli/, the package entry)
 * uses of juggler. Code outside juggler imports juggler only from here (the architecture test
 * holds it to that), so juggler's files can move without touching its users.
 */

// Data sources and their stores.
export { DataSource } from './datasource';
export type { DataSourceOperation } from './datasource';
export type { DataSourceSettings, ModelDataSource } from './store/model-data-source';
export { Store } from './store/store';

// Connectors: the contract, the kinds of store, and the registry of names.
export type {
  Connector,
  ConnectorCapabilities,
  OperationOptions,
  Row,
  Transaction,
  TransactionOptions,
  UpsertResult,
} from './connectors/connector';
export type { AnyConnector, KeyValueConnector, MailSender } from './connectors/store-kinds';
export { isDataConnector, isMailSender } from './connectors/store-kinds';
export {
  addConnectorSearchRoot,
  CONNECTOR_CLASSES,
  connectorModule,
  registerConnector,
  registeredConnectorNames,
} from './connectors/registry';
export type { ConnectorFactory, ConnectorModule } from './connectors/registry';
export { candidateModules } from './connectors/lb3-bridge/load-module';
export type { TransientSettings } from './connectors/transient/transient-connector';

// Models: the classes, the builder, and what a definition holds.
export { ModelBase } from './model-base';
export { PersistedModel } from './persisted-model';
export type { Props, ModelOf, RelationsOf, ModelClass, ModelInstance } from './persisted-model';
export type { ModelStatics } from './model-base';
export { namedScope } from './named-scope';
export { ModelBuilder } from './model-builder';
export type { ModelConfig, RawProperties } from './model-builder';
export type { ModelDefinition, ModelSettings, PropertyDefinition } from './model-definition';
export type { CompiledModel } from './model-compile';
export { createModelBuilder } from './core-models';
export { GeoPoint } from './geo-point';
export { DateString } from './date-string';

// Relations, as the remoting and access layers read them.
export type { RelationDefinition } from './relations/relation-definition';
export { isScalarKey } from './relations/key-properties';
export { allowedTargets } from './relations/polymorphic-targets';

// Filters and their limits: checking what a client sends.
export type {
  Filter,
  Where,
  Fields,
  Order,
  Inclusion,
  PropertyCondition,
  NormalizedFilter,
  WhereClause,
  OrderKey,
  IncludeSpec,
} from './filter/types';
export { resolveLimits } from './filter/limits';
export type { FilterLimits } from './filter/limits';
export { assertClientFilter, filterLimits } from './dao/find';
export { coerceId } from './dao/support';

// Hooks into the DAO's writes: operation hooks and the companions of a write (change tracking).
export { observe, observeFirst } from './operation-hooks';
export { addWriteCompanion } from './dao/write-companions';
export type { WriteCompanion } from './dao/write-companions';

// The key-value access object behind KeyValueModel.
export {
  checkKey,
  checkTtl,
  checkValue,
  keyNotFound,
  kvStore,
  matchOfFilter,
  ttlOfSetOptions,
} from './key-value-access';
export type { KeyValueModelLike } from './key-value-access';

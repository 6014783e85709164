/**
 * The public entry. `require('loopline')` is callable like LB3's `loopback` — `loopback()` makes an
 * app — with the registry, model classes and built-in middleware as its properties;
 * `import loopback, { PersistedModel, Filter } from 'loopline'` works from TypeScript and ESM.
 */
import { loopback } from './loopback/app/loopback';
import { boot } from './boot';

loopback.boot = boot as any;

export default loopback;
export { boot };
export { ModelBase as Model } from './juggler';
export { PersistedModel } from './juggler';
export type { Props, ModelOf, RelationsOf, ModelClass, ModelInstance, ModelStatics } from './juggler';
export type { ModelRemotingStatics, ModelRemoteHook, ModelRemoteErrorHook } from './loopback/model-api/model';
export { DataSource } from './juggler';
export { ModelBuilder } from './juggler';
export { GeoPoint } from './juggler';
export { DateString } from './juggler';
export type { BaseConnector, BaseConnectorClass } from './loopback/app/base-connector';
export type { TemplateFunction } from './loopback/app/template';
export { Registry } from './loopback/model-api/registry';
export type { RegistryOptions } from './loopback/model-api/registry';
export type { ApplicationOptions, LooplineApp, AppModels } from './loopback/app/types';
export type { NestRemotingOptions, NestFilter } from './loopback/model-api/nest-remoting';
export type { BootOptions } from './boot';
export type { MixinNormalization } from './boot/models';
export type { TransientSettings } from './juggler';
export type { AnyConnector, KeyValueConnector, MailSender } from './juggler';
export type { Filter, Where, Fields, Order, Inclusion, PropertyCondition } from './juggler';
// The connector contract, for a third-party connector: implement Connector, then `registerConnector`
// its name (and run loopline/testing's connector suite against it).
export type { Connector, ConnectorCapabilities, Row, OperationOptions, UpsertResult } from './juggler';
export type { NormalizedFilter, WhereClause, OrderKey, IncludeSpec } from './juggler';
export type { ModelDefinition, PropertyDefinition, ModelSettings } from './juggler';
export { registerConnector } from './juggler';
export type { ConnectorFactory } from './juggler';
export { AccessContext, AccessRequest, Principal } from './loopback/security/access-context';
export { SharedClass } from './remoting/shared-class';
export { RemotingContext } from './remoting/context';
export * from './errors';
export { runWorkers } from './loopback/app/operations/cluster';
export { createLogger } from './loopback/app/operations/logger';
export type { Logger, LoggingSettings } from './loopback/app/operations/logger';

// CommonJS: `require('loopline')` is the callable itself, carrying every named export too.
const named = { ...exports };
delete (named as any).default;
module.exports = Object.assign(loopback, named, { default: loopback, __esModule: true });

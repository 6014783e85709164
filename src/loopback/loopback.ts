import express from 'express';
import { createApplication, LooplineApp } from './application';
import { registry, Registry, ModelClass } from './registry';
import { favicon, rest, staticFiles, status, token, urlNotFound } from './middleware/builtin';
import { ModelBase } from '../juggler/model-base';
import { PersistedModel } from '../juggler/persisted-model';
import { DataSource } from '../juggler/datasource';
import { ModelBuilder } from '../juggler/model-builder';
import { GeoPoint } from '../juggler/geo-point';
import { ValidationError } from '../errors';
import { installModelApi } from './model';

installModelApi();

const { version } = require('../../package.json') as { version: string };

function loopbackFn(options?: { localRegistry?: boolean }): LooplineApp {
  return createApplication(loopback, options);
}

/**
 * `require('loopline')`: callable like LB3's `loopback` — `loopback()` makes an app — with the
 * registry, the core model classes and the built-in middleware as its properties.
 */
export const loopback = Object.assign(loopbackFn, {
  version,
  registry,
  Registry,
  Model: ModelBase,
  PersistedModel,
  DataSource,
  ModelBuilder,
  GeoPoint,
  ValidationError,
  Router: express.Router,
  createModel: registry.createModel.bind(registry),
  configureModel: registry.configureModel.bind(registry),
  getModel: registry.getModel.bind(registry),
  findModel: registry.findModel.bind(registry),
  getModelByType: registry.getModelByType.bind(registry),
  createDataSource: registry.createDataSource.bind(registry),
  /** `loopback.memory()`: a memory data source (LB3 shortcut). */
  memory(name?: string) {
    return registry.createDataSource(name ?? 'memory', { connector: 'memory' });
  },
  rest,
  urlNotFound,
  favicon,
  static: staticFiles,
  status,
  token,
  /** LB3 apps call `loopback.remoteMethod(fn, options)` on plain functions. */
  remoteMethod(fn: any, options: Record<string, unknown>) {
    fn.shared = true;
    Object.assign(fn, options);
    return fn;
  },
  // Replaced below by getters reading the default registry.
  User: undefined as unknown as ModelClass,
  AccessToken: undefined as unknown as ModelClass,
  ACL: undefined as unknown as ModelClass,
  Role: undefined as unknown as ModelClass,
  RoleMapping: undefined as unknown as ModelClass,
  Application: undefined as unknown as ModelClass,
  Email: undefined as unknown as ModelClass,
  boot: undefined as unknown as (app: LooplineApp, options?: unknown, cb?: (err?: Error) => void) => Promise<void>,
});

// The built-in models of the default registry: `loopback.User`, `loopback.AccessToken`, ...
for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping', 'Application', 'Email']) {
  Object.defineProperty(loopback, name, { get: () => registry.getModel(name), enumerable: true, configurable: true });
}

export type Loopback = typeof loopback;

import * as fs from 'fs';
import * as path from 'path';
import { debugFor } from '../util/debug';
import type { NodeCallback } from '../util/callback';
import { addConnectorSearchRoot } from '../loopback/app/application';
import type { LooplineApp } from '../loopback/app/types';
import { BootError } from './errors';
import type { ExplorerSettings } from '../explorer';
import { loadLayered, rel } from './json-file';
import { mergeConfig, substitute } from './merge';
import {
  MixinNormalization,
  discoverModels,
  loadMixins,
  mixinsUsedBy,
  namesBuiltinModel,
  orderModels,
  runModelScript,
} from './models';
import { BUILTIN_MODEL_NAMES } from '../loopback/models';
import { resolveReference, setupMiddleware } from './middleware';
import { validateFile } from './schemas';
import { BootDiagnostics, isStrictBoot } from './diagnostics';
import { checkModelConfigEntry, checkModelDefinition, checkModelReferences, ModelLike } from './model-checks';
import { DataSourceProbe, probeDataSource, reportProbes } from './datasource-checks';
import { loadScript } from './script-loader';
import { Step, callbackStep, inSeries } from './series';
import {
  BUILTIN_COMPONENTS,
  definePushBaseModels,
  isPushDataSource,
  pushDataSourceComponent,
} from './builtin-components';

const debug = debugFor('boot');

export interface BootOptions {
  appRootDir?: string;
  appConfigRootDir?: string;
  modelsRootDir?: string;
  dsRootDir?: string;
  middlewareRootDir?: string;
  componentRootDir?: string;
  env?: string;
  config?: Record<string, unknown>;
  dataSources?: Record<string, Record<string, unknown>>;
  models?: Record<string, Record<string, unknown>>;
  modelSources?: string[];
  /** Folders whose every script is a mixin. */
  mixinDirs?: string[];
  /** Folders from which the mixins models name are loaded (default: model-config.json's `_meta.mixins`). */
  mixinSources?: string[];
  /** How a mixin file name becomes its name: `classify` (default), `dasherize`, `none`, or a function. */
  normalization?: MixinNormalization;
  middleware?: Record<string, any>;
  components?: Record<string, any>;
  bootDirs?: string[];
  bootScripts?: string[];
  /**
   * Strict boot: every warning about the app folder (a likely typo of a known key, an ACL naming
   * no method, a data source not reachable at boot) stops boot as an error. Default: config.json's
   * `bootStrict`, else `LOOPLINE_BOOT_STRICT=1`.
   */
  strict?: boolean;
}

const DEFAULT_SOURCES = ['loopback/common/models', 'loopback/server/models', '../common/models', './models'];
const DEFAULT_MIXINS = ['loopback/common/mixins', 'loopback/server/mixins', '../common/mixins', './mixins'];

/**
 * loopback-boot for loopline: `boot(app, __dirname, cb)`. Steps in loopback-boot's order:
 * app config, data sources, mixins and models, middleware, components, boot scripts.
 */
export function boot(
  app: LooplineApp,
  options?: string | BootOptions,
  cb?: NodeCallback<void>,
): Promise<void> {
  if (typeof options === 'function') [cb, options] = [options as NodeCallback<void>, undefined];
  const opts: BootOptions = typeof options === 'string' ? { appRootDir: options } : (options ?? {});
  app.booting = true;
  let pending: Promise<void> | undefined;
  try {
    pending = run(app, opts);
  } catch (err) {
    pending = Promise.reject(err);
  }
  const done = Promise.resolve(pending).then(
    () => {
      app.booting = false;
      app.emit('booted');
    },
    (err) => {
      app.booting = false;
      throw err;
    },
  );
  // As loopback-boot, the callback runs outside any promise, so server.js's `if (err) throw err`
  // ends the process rather than leaving one that never listens. It runs on a tick of its own, not
  // inside a try/catch: what Node prints for that throw starts at the app's `throw err` line and the
  // diagnosis under it, never at a line of loopline's.
  // The promise is a plain one, as loopback-boot 3's (global.Promise).
  if (typeof cb === 'function') {
    const callback = cb;
    done.then(
      () => process.nextTick(callback, null),
      (err: Error) => process.nextTick(callback, err),
    );
  }
  return done;
}

/**
 * As loopback-boot, everything up to the first boot script or component that is asynchronous runs
 * before `boot()` returns: code after `boot(app, __dirname)` in server.js sees the models, the
 * middleware and what synchronous boot scripts did (`enableAuth`, routes, sample data started).
 */
function run(app: LooplineApp, opts: BootOptions): Promise<void> | undefined {
  const appRootDir = path.resolve(opts.appRootDir ?? process.cwd());
  // As loopback-boot: an unset or empty NODE_ENV means development.
  const env = opts.env || process.env.NODE_ENV || 'development';
  const dir = (d: string | undefined) => path.resolve(appRootDir, d ?? '.');
  const lookup = (name: string) => app.get(name) ?? process.env[name];

  // 1. app config
  const configDir = dir(opts.appConfigRootDir);
  const config = opts.config ?? loadLayered(configDir, 'config', env, mergeConfig).value ?? {};
  for (const [key, value] of Object.entries(substitute(config, (n) => process.env[n]))) app.set(key, value);
  if (process.env.PORT) app.set('port', process.env.PORT);
  if (process.env.HOST) app.set('host', process.env.HOST);
  debug('config loaded (env %s)', env);
  const diags = new BootDiagnostics(
    isStrictBoot(opts.strict, app.get('bootStrict'), process.env.LOOPLINE_BOOT_STRICT),
    () => app.logger,
  );

  // 2. data sources (an LB3 connector package named there is looked for from the app's folder first)
  addConnectorSearchRoot(appRootDir);
  const dsDir = dir(opts.dsRootDir);
  const ds = opts.dataSources
    ? { value: opts.dataSources, files: [] as string[] }
    : loadLayered(dsDir, 'datasources', env, mergeConfig);
  const pushDataSources = new Map<string, Record<string, unknown>>();
  // Stores are dialled now, in parallel with the rest of boot; the answers are read at its end.
  const probes: DataSourceProbe[] = [];
  if (ds.files[0]) validateFile('datasources', ds.value, ds.files[0]);
  for (const [name, settings] of Object.entries(
    (ds.value ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    const resolved = substitute(settings, lookup) as Record<string, unknown>;
    if (typeof resolved.file === 'string' && !path.isAbsolute(resolved.file))
      resolved.file = path.resolve(appRootDir, '..', resolved.file);
    if (isPushDataSource(resolved)) {
      // LB3's push connector: the models attached here become push models (component step below).
      pushDataSources.set(name, resolved);
      app.dataSource(name, { connector: 'transient' });
      continue;
    }
    app.dataSource(name, resolved);
    const probe = probeDataSource(name, app.dataSources[name], ds.files);
    if (probe) probes.push(probe);
  }
  const compDir = dir(opts.componentRootDir);
  const cc = opts.components
    ? { value: opts.components, files: [path.join(compDir, 'component-config.json')] }
    : loadLayered(compDir, 'component-config', env, mergeConfig);
  const components = (cc.value ?? {}) as Record<string, unknown>;
  if (
    pushDataSources.size > 0 ||
    (components['loopline/push'] !== undefined &&
      components['loopline/push'] !== null &&
      components['loopline/push'] !== false)
  ) {
    definePushBaseModels(app.registry);
  }

  // 3. mixins and models
  const modelsDir = dir(opts.modelsRootDir);
  const mc = opts.models
    ? { value: opts.models, files: [] as string[] }
    : loadLayered(modelsDir, 'model-config', env, mergeConfig);
  const modelConfig = (mc.value ?? {}) as Record<string, any>;
  const modelConfigFile = mc.files[0] ?? path.join(modelsDir, 'model-config.json');
  if (mc.files[0]) validateFile('model-config', modelConfig, mc.files[0]);
  const meta = modelConfig._meta ?? {};
  const sources = discoverModels(opts.modelSources ?? meta.sources ?? DEFAULT_SOURCES, modelsDir);
  const wanted = Object.keys(modelConfig).filter((k) => k !== '_meta');
  // An app with a registry of its own made without the built-ins (`localRegistry: true`) still
  // gets them when its config names one: LB3 defined them from the loopback sources it lists.
  if (namesBuiltinModel(wanted, sources, BUILTIN_MODEL_NAMES)) app.registry.loadBuiltinModels();
  const ordered = orderModels(wanted, sources, (n) => app.registry.hasModel(n));
  for (const src of ordered) checkModelDefinition(src.definition, src.file, diags);
  for (const name of wanted) checkModelConfigEntry(name, modelConfig[name], modelConfigFile, diags);
  const mixinFolders = {
    dirs: opts.mixinDirs ?? [],
    sources: opts.mixinSources ?? meta.mixins ?? DEFAULT_MIXINS,
    normalization: opts.normalization,
  };
  loadMixins(mixinFolders, mixinsUsedBy(ordered.map((s) => s.definition)), appRootDir, (name, fn) =>
    app.registry.modelBuilder.mixins.define(name, fn),
  );
  for (const src of ordered) {
    const Model = app.registry.createModel(src.definition);
    runModelScript(src, Model, appRootDir);
    app.registry.modelBuilder.applyDefinitionEdits(Model);
    if (debug.enabled) debug('defined model %s from %s', src.definition.name, rel(src.file));
  }
  for (const name of wanted) {
    const entry = modelConfig[name] ?? {};
    if (!app.registry.hasModel(name))
      throw new BootError(
        `${rel(modelConfigFile)}: Cannot configure unknown model ${name}`,
        'MODEL_NOT_DEFINED',
      );
    const dataSource = entry.dataSource;
    if (typeof dataSource === 'string' && !app.dataSources[dataSource]) {
      throw new BootError(
        `${rel(modelConfigFile)}: /${name}/dataSource names an unknown data source "${dataSource}"`,
        'UNKNOWN_DATASOURCE',
      );
    }
    app.model(app.registry.getModel(name), { ...entry, dataSource: dataSource ?? null });
  }

  // 4. middleware
  const mwDir = dir(opts.middlewareRootDir);
  const mw = opts.middleware
    ? { value: opts.middleware, files: [path.join(mwDir, 'middleware.json')] }
    : loadLayered(mwDir, 'middleware', env, mergeConfig);
  if (mw.value) {
    if (!opts.middleware) validateFile('middleware', mw.value, mw.files[0]);
    setupMiddleware(app, mw.value, mw.files[0], appRootDir);
  }

  // 5. components (loaded with the data sources, above)
  const steps: Step[] = [];
  for (const [name, entry] of Object.entries(modelConfig)) {
    const settings =
      name !== '_meta' && typeof entry?.dataSource === 'string'
        ? pushDataSources.get(entry.dataSource)
        : undefined;
    if (settings) steps.push(pushDataSourceComponent(name, settings).bind(null, app));
  }
  for (const [ref, settings] of Object.entries(components)) {
    if (settings === null || settings === false) continue;
    const resolvedSettings = substitute(settings, lookup);
    if (ref === 'loopback-component-explorer') {
      const { useInstalledPackage, ...explorerSettings } = (resolvedSettings ?? {}) as ExplorerSettings & {
        useInstalledPackage?: boolean;
      };
      if (useInstalledPackage !== true) {
        // loopline serves its own explorer for this key, installed or not.
        // The explorer's modules load with the app that mounts it, not with every boot.
        steps.push(() => {
          const { mountExplorer } = require('../explorer') as typeof import('../explorer');
          return mountExplorer(app, { appRootDir, ...explorerSettings });
        });
        continue;
      }
      // The LB3 package itself (Swagger UI 2 over loopback-swagger's document), as the app had it.
      const lb3Explorer = resolveReference(ref, compDir, appRootDir, app.loopback, cc.files[0]);
      steps.push(() => lb3Explorer(app, explorerSettings));
      continue;
    }
    const builtin = BUILTIN_COMPONENTS[ref];
    const component = builtin
      ? builtin()
      : resolveReference(ref, compDir, appRootDir, app.loopback, cc.files[0]);
    steps.push(() => component(app, resolvedSettings));
  }

  // 6. boot scripts, in file-name order
  const scripts =
    opts.bootScripts ?? listBootScripts((opts.bootDirs ?? ['boot']).map((d) => path.resolve(appRootDir, d)));
  for (const file of scripts) {
    const fn = loadScript(file, appRootDir) as ((...args: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') continue;
    steps.push(() => {
      if (debug.enabled) debug('running boot script %s', rel(file));
      return fn.length >= 2 ? callbackStep((cb) => fn(app, cb)) : fn(app);
    });
  }
  // Boot scripts may edit model definitions too (LB3 reads them at each construction).
  steps.push(() => {
    for (const Model of Object.values(app.registry.modelBuilder.models))
      app.registry.modelBuilder.applyDefinitionEdits(Model);
  });
  // What models, roles and methods exist is known only now, after the boot scripts.
  steps.push(() => {
    const registry = app.registry;
    const booted = {
      modelNames: () => Object.keys(registry.modelBuilder.models),
      findModel: (name: string) =>
        registry.hasModel(name) ? (registry.findModel(name) as unknown as ModelLike) : undefined,
      roleNames: () => roleResolverNames(Object.values(registry.modelBuilder.models)),
    };
    for (const src of ordered) checkModelReferences(src.definition, src.file, booted, diags);
  });
  if (probes.length) steps.push(() => reportProbes(probes, diags));
  return inSeries(steps);
}

/** The roles `Role.registerResolver` registered (on the Role model or a model extending it). */
function roleResolverNames(models: unknown[]): string[] {
  const names = new Set<string>();
  for (const M of models) {
    const resolvers = (M as { resolvers?: unknown }).resolvers;
    // for-in: inherited resolvers (a Role subclass's) count too
    if (resolvers && typeof resolvers === 'object') for (const name in resolvers) names.add(name);
  }
  return [...names];
}

function listBootScripts(dirs: string[]): string[] {
  return dirs.flatMap((d) =>
    fs.existsSync(d)
      ? fs
          .readdirSync(d)
          .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
          .sort()
          .map((f) => path.join(d, f))
      : [],
  );
}

export default boot;
module.exports = Object.assign(boot, { default: boot, boot, BootError });

import { ConfigurationError } from '../../errors';
import type { DataSource } from '../../juggler';
import { RemoteObjects } from '../../remoting/remote-objects';
import { remotingErrorResponder, type RemotingErrorHandlerOptions } from './middleware/error-handler';
import { createAuthorizer } from '../security/access';
import { guardOwnerKeys } from '../security/owner-keys';
import type { ModelAppConfig, ModelClass, Registry } from '../model-api/registry';
import { modelAliases } from './names';
import type { LooplineApp } from './types';

/**
 * The app's models and their remote API: `app.model()` attaches a model (its data source, its
 * REST methods, its aliases in `app.models`), `app.remotes()` holds the shared classes, and
 * `app.enableAuth()` puts access control in front of every remote invocation.
 */
export function installModelRegistration(
  app: LooplineApp,
  registry: Registry,
  models: LooplineApp['models'],
): void {
  let remotes: RemoteObjects | undefined;

  app.remotes = () => {
    if (!remotes) {
      remotes = new RemoteObjects(app.get('remoting') ?? {});
      if (app.isAuthEnabled) remotes.authorize = createAuthorizer(app);
      remotes.errorResponder = (err, req, res, next) => {
        const options = app.get('remoting')?.errorHandler as RemotingErrorHandlerOptions | undefined;
        if (!options || typeof options !== 'object') return next(err);
        remotingErrorResponder(options)(err as Error, req, res, next);
      };
    }
    return remotes;
  };

  app.model = (Model: ModelClass, config?: ModelAppConfig) => {
    if (typeof Model === 'string')
      throw new ConfigurationError(
        `app.model("${String(Model)}") is not supported (nor in LB3 3.x): create the model with app.registry.createModel(definition), then call app.model(ModelCtor, config)`,
        'INVALID_MODEL',
      );
    if (!Model || typeof Model !== 'function' || !Model.modelName)
      throw new ConfigurationError('app.model() expects a model class', 'INVALID_MODEL');
    // Read before model-config.json options are merged into the settings.
    const ownSharedMethods = sharedMethodSettings(Model.settings, `model ${Model.modelName}`);
    // Without a config (LB3), the model keeps its data source and is public.
    if (config !== undefined) {
      let ds = config.dataSource;
      if (typeof ds === 'string') {
        const found = app.dataSources[ds];
        if (!found)
          throw new ConfigurationError(
            `Model "${Model.modelName}" uses an unknown data source "${ds}"`,
            'UNKNOWN_DATASOURCE',
          );
        ds = found;
      }
      registry.configureModel(Model, { ...config, dataSource: ds || null });
    }
    Model.sharedClass?.setSharedMethodSettings({
      ...sharedMethodSettings({ remoting: app.get('remoting') }, 'config.json'),
      ...ownSharedMethods,
      ...sharedMethodSettings(config?.options, `model-config.json ${Model.modelName}`),
    });
    Model.app = app;
    // As LB3, a model is also listed under its classified and camelized names (`team` is also
    // `app.models.Team`); a later model whose alias collides takes the alias over, as in LB3.
    for (const alias of modelAliases(Model.modelName)) models[alias] = Model;
    Model.shared = config?.public !== false;
    if (Model.shared) guardOwnerKeys(Model);
    if (Model.shared && Model.sharedClass) {
      app.remotes().addClass(Model.sharedClass);
      app.emit('modelRemoted', Model.sharedClass);
    }
    // LB3 apps (and the explorer) learn of remote methods added or disabled after the model joined.
    Model.on('remoteMethodAdded', (sharedClass: unknown) => app.emit('remoteMethodAdded', sharedClass));
    Model.on('remoteMethodDisabled', (sharedClass: unknown, name: string) =>
      app.emit('remoteMethodDisabled', sharedClass, name),
    );
    Model.__attachedToApp?.(app);
    Model.emit('attached', app);
    return Model;
  };

  app.deleteModelByName = (modelName: string) => {
    const Model = models[modelName] as ModelClass | undefined;
    for (const alias of modelAliases(modelName)) if (models[alias] === Model) delete models[alias];
    if (Model) {
      Model.removeAllListeners();
      app.remotes().deleteClassByName(Model.modelName);
      (Model.dataSource as DataSource | undefined)?.deleteModelByName(Model.modelName);
      registry.modelBuilder.deleteModelByName(Model.modelName);
    }
    app.emit('modelDeleted', Model ?? modelName);
  };

  app.remoteObjects = () => {
    const out: Record<string, ModelClass> = {};
    for (const sharedClass of app.remotes().classes()) out[sharedClass.name] = sharedClass.ctor;
    return out;
  };

  app.handler = (type: 'rest', options?: Record<string, unknown>) => app.remotes().handler(type, options);

  /**
   * Turns access control on: every remote invocation is checked against the model's ACLs. With
   * `{dataSource}`, the built-in User, AccessToken, ACL, Role and RoleMapping not yet in the app
   * are attached to it (as LB3). Models without ACLs stay open, as in LB3.
   */
  app.enableAuth = (opts: Record<string, unknown> = {}) => {
    app.set('_enableAuth', true);
    app.set('_enableAuthOptions', opts);
    app.isAuthEnabled = true;
    const ds = opts.dataSource;
    if (ds) {
      const known = Object.values(registry.modelBuilder.models) as ModelClass[];
      const inUse = (M: ModelClass) => !!(M.dataSource || M.app);
      for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping']) {
        const Model = registry.findModel(name);
        if (!Model)
          throw new ConfigurationError(
            `Access control needs the model ${name}, which this registry does not define`,
            'MODEL_NOT_DEFINED',
          );
        // The app already has it, or a model extending it (a Customer based on User) in its place.
        if (inUse(Model) || known.some((M) => M.prototype instanceof Model && inUse(M))) continue;
        app.model(Model, { dataSource: ds as DataSource | string, public: name === 'User' });
      }
    }
    if (remotes) remotes.authorize = createAuthorizer(app);
  };
}

/**
 * `remoting.sharedMethods` of one level (config.json's `remoting`, a model's options, its
 * model-config.json `options`). LB3 read only config.json and model-config.json; loopline also
 * honours the model JSON's own options, since an app that writes `"*": false` there means it.
 */
function sharedMethodSettings(holder: unknown, where: string): Record<string, boolean> {
  const remoting =
    holder && typeof holder === 'object' ? (holder as { remoting?: unknown }).remoting : undefined;
  const settings =
    remoting && typeof remoting === 'object'
      ? (remoting as { sharedMethods?: unknown }).sharedMethods
      : undefined;
  if (settings === undefined || settings === null) return {};
  if (typeof settings !== 'object' || Array.isArray(settings))
    throw new ConfigurationError(
      `${where}: remoting.sharedMethods must be an object of method names to true/false`,
    );
  for (const [k, v] of Object.entries(settings))
    if (typeof v !== 'boolean')
      throw new ConfigurationError(
        `${where}: remoting.sharedMethods.${k} must be true or false, not ${JSON.stringify(v)}`,
      );
  return settings as Record<string, boolean>;
}

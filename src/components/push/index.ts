import { ConfigurationError } from '../../errors';
import { withCallback, type NodeCallback } from '../../util/callback';
import { INSTALLATION_DEFINITION, NOTIFICATION_DEFINITION, PUSH_DEFINITION } from './models';
import { PushManager, type DeliverySettings, type PushReport } from './push-manager';

export type { DeviceResult, PushReport } from './push-manager';
export type { PushNotification } from './notification-payload';

type AnyModel = any;

/** The app, as far as the component uses it: the public registry and model API. */
export interface PushApp {
  registry: {
    hasModel(name: string): boolean;
    getModel(name: string): AnyModel;
    createModel(definition: object): AnyModel;
  };
  models: Record<string, AnyModel>;
  dataSources: Record<string, unknown>;
  model(Model: AnyModel, config: { dataSource: string | null; public?: boolean }): AnyModel;
}

/** The component's settings (component-config.json `"loopline/push": {...}`). */
export interface PushComponentOptions extends Partial<Omit<DeliverySettings, 'apns' | 'fcm' | 'webPush'>> {
  /** The data source installations and notifications live in (default `db`). */
  dataSource?: string;
  /** Names of the models to use; an app model of that name is used as it is, otherwise one is created. */
  installation?: string;
  notification?: string;
  application?: string;
  /** The push model's name and REST plural (LB3: `Push`, `push`). */
  name?: string;
  plural?: string;
  apns?: DeliverySettings['apns'];
  fcm?: DeliverySettings['fcm'];
  webPush?: DeliverySettings['webPush'];
}

const DEFAULTS = {
  batchSize: 500,
  concurrency: 32,
  retries: 3,
  retryDelay: 500,
  maxRetryDelay: 30_000,
  requestTimeout: 10_000,
};

function positive(options: PushComponentOptions, name: keyof typeof DEFAULTS, min: number): number {
  const value = options[name] ?? DEFAULTS[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new ConfigurationError(`loopline/push: ${name} must be a number of at least ${min}`);
  return value;
}

/** The app's model of that name, or the built-in definition created under it and attached. */
function modelFor(app: PushApp, name: string, definition: object, dataSource: string | null): AnyModel {
  if (app.models[name]) return app.models[name];
  if (dataSource !== null && !app.dataSources[dataSource])
    throw new ConfigurationError(`loopline/push: no data source named "${dataSource}" for the ${name} model`);
  const Model = app.registry.hasModel(name)
    ? app.registry.getModel(name)
    : app.registry.createModel({ ...definition, name });
  app.model(Model, { dataSource, public: true });
  return Model;
}

/**
 * loopline's push component: Installation and Notification models, the push model with
 * `notifyById` / `notifyByQuery` (REST: `POST /push`), and delivery to APNs, FCM and Web Push with
 * the credentials each Application keeps in `pushSettings`. Enabled from component-config.json
 * (`"loopline/push": {}`) or by calling it with the app.
 */
export default function push(app: PushApp, options: PushComponentOptions = {}): AnyModel {
  const dataSource = options.dataSource ?? 'db';
  const settings: DeliverySettings = {
    batchSize: positive(options, 'batchSize', 1),
    concurrency: positive(options, 'concurrency', 1),
    retries: positive(options, 'retries', 0),
    retryDelay: positive(options, 'retryDelay', 0),
    maxRetryDelay: positive(options, 'maxRetryDelay', 0),
    requestTimeout: positive(options, 'requestTimeout', 1),
    apns: options.apns ?? {},
    fcm: options.fcm ?? {},
    webPush: options.webPush ?? {},
  };
  const Installation = modelFor(
    app,
    options.installation ?? 'Installation',
    INSTALLATION_DEFINITION,
    dataSource,
  );
  const Notification = modelFor(
    app,
    options.notification ?? 'Notification',
    NOTIFICATION_DEFINITION,
    dataSource,
  );
  const Application = modelFor(app, options.application ?? 'Application', {}, dataSource);
  setupInstallation(Installation);
  const Push = modelFor(
    app,
    options.name ?? 'Push',
    { ...PUSH_DEFINITION, plural: options.plural ?? PUSH_DEFINITION.plural },
    null,
  );
  // An app's own push model (LB3 apps define one, with their ACLs) gets LB3's endpoint too, and is
  // closed to everyone its ACLs do not name: sending is never anonymous by default.
  const acls: unknown[] = (Push.settings.acls ??= []);
  if (!acls.some((a) => isDenyEveryone(a))) acls.unshift(PUSH_DEFINITION.acls[0]);
  if (!Push.sharedClass?.findMethodByName?.('notifyByQuery'))
    Push.remoteMethod('notifyByQuery', PUSH_DEFINITION.methods.notifyByQuery);
  const manager = new PushManager({ Installation, Notification, Application, Push }, settings);
  Push.notifyById = (installationId: unknown, notification: unknown, cb?: NodeCallback<PushReport>) =>
    withCallback(manager.notifyById(installationId, notification), cb);
  Push.notifyByQuery = (query: unknown, notification: unknown, cb?: NodeCallback<PushReport>) =>
    withCallback(manager.notifyByQuery(query, notification), cb);
  Push.notify = (installation: unknown, notification: unknown, cb?: NodeCallback<PushReport>) =>
    withCallback(manager.notify(installation, notification), cb);
  Push.notifyMany = (
    appId: unknown,
    deviceType: unknown,
    deviceTokens: unknown,
    notification: unknown,
    cb?: NodeCallback<PushReport>,
  ) => withCallback(manager.notifyMany(appId, deviceType, deviceTokens, notification), cb);
  /** Closes the providers' connections (APNs keeps an HTTP/2 session per application). */
  Push.closeConnections = () => manager.close();
  return Push;
}

function isDenyEveryone(acl: unknown): boolean {
  const a = acl as Record<string, unknown>;
  return (
    a?.principalId === '$everyone' &&
    a.permission === 'DENY' &&
    (a.property === undefined || a.property === '*') &&
    (a.accessType === undefined || a.accessType === '*')
  );
}

/**
 * Puts Installation and Notification in the registry, unattached, so an app's models may extend
 * them (`"base": "Installation"`) before the component runs.
 */
export function defineBaseModels(registry: PushApp['registry']): void {
  if (!registry.hasModel(INSTALLATION_DEFINITION.name)) registry.createModel(INSTALLATION_DEFINITION);
  if (!registry.hasModel(NOTIFICATION_DEFINITION.name)) registry.createModel(NOTIFICATION_DEFINITION);
}

/** LB3's Installation statics and its `modified` stamp. */
function setupInstallation(Installation: AnyModel): void {
  if (Installation.findByApp) return;
  Installation.observe('before save', async (ctx: any) => {
    const target = ctx.instance ?? ctx.data;
    if (target) target.modified = new Date();
  });
  Installation.findByApp = function (
    deviceType: string,
    appId: string,
    appVersion?: string | NodeCallback<unknown>,
    cb?: NodeCallback<unknown>,
  ) {
    if (typeof appVersion === 'function') {
      cb = appVersion;
      appVersion = undefined;
    }
    const where: Record<string, unknown> = { appId, deviceType };
    if (appVersion !== undefined) where.appVersion = appVersion;
    return withCallback(this.find({ where }) as Promise<unknown>, cb);
  };
  Installation.findByUser = function (deviceType: string, userId: string, cb?: NodeCallback<unknown>) {
    return withCallback(this.find({ where: { userId, deviceType } }) as Promise<unknown>, cb);
  };
  Installation.findBySubscriptions = function (
    deviceType: string,
    subscriptions: string | string[],
    cb?: NodeCallback<unknown>,
  ) {
    const list =
      typeof subscriptions === 'string' ? subscriptions.split(/[\s,]+/).filter(Boolean) : subscriptions;
    return withCallback(
      this.find({ where: { subscriptions: { inq: list }, deviceType } }) as Promise<unknown>,
      cb,
    );
  };
}

module.exports = Object.assign(push, { default: push, push, defineBaseModels });

import { InvalidArgumentError, ModelNotFoundError } from '../../errors';
import { NodeCallback, withCallback } from '../../util/callback';
import { generateTokenId, safeEqual } from '../security/token-id';

type AnyModel = any;

/** The keys an application authenticates with, in the order LB3 reports a match. */
export const APPLICATION_KEY_NAMES = [
  'clientKey',
  'javaScriptKey',
  'restApiKey',
  'windowsKey',
  'masterKey',
] as const;

export type ApplicationKeyName = (typeof APPLICATION_KEY_NAMES)[number];

/** Fresh random keys (64 base62 characters each, from the crypto source access tokens use). */
function assignNewKeys(app: AnyModel): void {
  for (const name of APPLICATION_KEY_NAMES) app[name] = generateTokenId();
}

/**
 * LB3's Application model: client applications registered by an owner, each with five keys the
 * server generates. Keys are made when an application is created (whatever the client sent) and
 * replaced only by `resetKeys`; `authenticate` compares a presented key with all five in constant
 * time, so the answer's timing says nothing about how much of a key matched or which key it was.
 */
export function setupApplication(Application: AnyModel): void {
  Application.observe('before save', async (ctx: any) => {
    const app = ctx.instance;
    // A partial update (patch, updateAll) leaves the keys alone, as in LB3.
    if (!app) return;
    if (ctx.isNewInstance) {
      if (!app.id) app.id = generateTokenId(32);
      assignNewKeys(app);
      app.created = app.modified = new Date();
      return;
    }
    // A full save or replace of an existing application keeps its keys; one that lost them
    // (a replace without keys) gets new ones rather than being left without any.
    for (const name of APPLICATION_KEY_NAMES) if (!app[name]) app[name] = generateTokenId();
    app.modified = new Date();
  });

  const statics: Record<string, (...args: any[]) => unknown> = {
    /** `register(owner, name, [options], [cb])`: creates an application; `options` adds other properties. */
    register(
      this: AnyModel,
      owner: unknown,
      name: unknown,
      options?: Record<string, unknown> | NodeCallback<unknown>,
      cb?: NodeCallback<unknown>,
    ) {
      if (typeof options === 'function' && cb === undefined) {
        cb = options;
        options = undefined;
      }
      const run = async () => {
        if (!owner) throw new InvalidArgumentError('Application.register needs the owner (a user id)');
        if (!name) throw new InvalidArgumentError('Application.register needs the application name');
        // owner and name given as arguments win over the same keys in options.
        return this.create({ ...(options as Record<string, unknown> | undefined), owner, name });
      };
      return withCallback(run(), cb);
    },

    /** `resetKeys(appId, [cb])`: replaces the five keys of the application; answers it. */
    resetKeys(this: AnyModel, appId: unknown, cb?: NodeCallback<unknown>) {
      const run = async () => {
        const app = await this.findById(appId);
        if (!app) throw new ModelNotFoundError(this.modelName, appId);
        return app.resetKeys();
      };
      return withCallback(run(), cb);
    },

    /**
     * `authenticate(appId, key, [cb])`: `{application, keyType}` naming the key that matched, or
     * null when the application does not exist or no key matches.
     */
    authenticate(this: AnyModel, appId: unknown, key: unknown, cb?: NodeCallback<unknown>) {
      const run = async () => {
        const app = await this.findById(appId);
        if (!app) return null;
        let keyType: ApplicationKeyName | null = null;
        // Every key is compared, even after a match: no early exit to time.
        for (const name of APPLICATION_KEY_NAMES) {
          if (safeEqual(app[name], key) && keyType === null) keyType = name;
        }
        return keyType === null ? null : { application: app, keyType };
      };
      return withCallback(run(), cb);
    },
  };
  for (const [name, fn] of Object.entries(statics)) Application[name] = fn;

  /** `app.resetKeys([cb])`: new keys for this application, saved; answers the application. */
  Application.prototype.resetKeys = function resetKeys(this: AnyModel, cb?: NodeCallback<unknown>) {
    assignNewKeys(this);
    this.modified = new Date();
    return withCallback(this.save() as Promise<unknown>, cb);
  };
}

import { LooplineError, ValidationError, type ErrorCode } from '../../errors';
import { mapConcurrently, sendWithRetries, type RetryPolicy } from './delivery';
import {
  encodeForApns,
  encodeForFcm,
  encodeForWebPush,
  type EncodedPayload,
  type PushNotification,
} from './notification-payload';
import type { DeviceProblem, ProviderOptions, PushDevice, PushProvider } from './provider';
import { ApnsProvider } from './providers/apns';
import { FcmProvider } from './providers/fcm';
import { WebPushProvider } from './providers/web-push';

type AnyModel = any;

/** The component's delivery settings (component-config.json), with their defaults. */
export interface DeliverySettings extends RetryPolicy, ProviderOptions {
  /** Installations read from the store per page. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
}

/** What became of one installation. */
export interface DeviceResult {
  installationId: unknown;
  deviceType: string;
  /** For notifyMany, which has tokens rather than installations. */
  deviceToken?: string;
  status: 'sent' | 'failed' | 'gone' | 'skipped';
  attempts: number;
  code?: ErrorCode;
  message?: string;
  /** The provider's id for the message (apns-id, FCM message name, Web Push Location). */
  providerId?: string;
  /** HTTP status and the provider's own reason, when it gave one. */
  details?: { status?: number; reason?: string; retryAfter?: number };
}

/** The answer of notifyById / notifyByQuery: counts and one result per installation. */
export interface PushReport {
  total: number;
  sent: number;
  failed: number;
  gone: number;
  skipped: number;
  results: DeviceResult[];
}

interface ProviderKind {
  /** The key of `Application.pushSettings` holding its credentials. */
  settingsKey: 'apns' | 'fcm' | 'webPush';
  create(settings: any, options: ProviderOptions): PushProvider;
  encode(note: PushNotification): EncodedPayload;
}

/** Device type → provider: LB3's `ios` and `android`, and `webpush` for browsers. */
export const PROVIDER_KINDS: Readonly<Record<string, ProviderKind>> = Object.freeze({
  ios: { settingsKey: 'apns', create: (s, o) => new ApnsProvider(s, o), encode: encodeForApns },
  android: { settingsKey: 'fcm', create: (s, o) => new FcmProvider(s, o), encode: encodeForFcm },
  webpush: { settingsKey: 'webPush', create: (s, o) => new WebPushProvider(s, o), encode: encodeForWebPush },
});

const INACTIVE = 'Inactive';
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

interface CachedProvider {
  fingerprint: string;
  provider?: PushProvider;
  problem?: DeviceProblem;
}

/**
 * Sends notifications to installations: finds them page by page (active ones only), resolves the
 * provider of each application and device type, sends with bounded concurrency and retries, marks
 * installations the providers report gone `Inactive`, and emits `transmitted`, `error` and
 * `devicesGone` on the push model.
 */
export class PushManager {
  private readonly providers = new Map<string, CachedProvider>();

  constructor(
    private readonly models: {
      Installation: AnyModel;
      Notification: AnyModel;
      Application: AnyModel;
      Push: AnyModel;
    },
    private readonly settings: DeliverySettings,
  ) {}

  /** The notification as a valid Notification instance's data; 422 otherwise. */
  private async validated(notification: unknown): Promise<PushNotification> {
    if (!notification || typeof notification !== 'object' || Array.isArray(notification)) {
      throw new ValidationError(
        this.models.Notification.modelName,
        { notification: ['type'] },
        { notification: ['must be an object'] },
      );
    }
    const inst = new this.models.Notification(notification);
    if (!(await inst.isValid())) {
      const errors = inst.errors as Record<string, string[]> & { codes: Record<string, string[]> };
      const messages: Record<string, string[]> = {};
      for (const key of Object.keys(errors)) messages[key] = errors[key];
      throw new ValidationError(this.models.Notification.modelName, { ...errors.codes }, messages);
    }
    return inst.toObject(true) as PushNotification;
  }

  async notifyById(installationId: unknown, notification: unknown): Promise<PushReport> {
    const note = await this.validated(notification);
    const installation = await this.models.Installation.findById(installationId);
    if (!installation)
      throw new LooplineError(
        'PUSH_INSTALLATION_NOT_FOUND',
        `Installation ${String(installationId)} not found`,
        { installationId },
      );
    if (installation.status === INACTIVE) {
      return summarise([
        {
          installationId: installation.id,
          deviceType: installation.deviceType,
          status: 'skipped',
          attempts: 0,
          code: 'PUSH_DEVICE_INACTIVE',
          message: 'The installation is inactive',
        },
      ]);
    }
    return this.sendTo([installation], note);
  }

  /** LB3's low-level `notify(installation, notification)`: to an installation the caller holds. */
  async notify(installation: unknown, notification: unknown): Promise<PushReport> {
    const note = await this.validated(notification);
    if (!installation || typeof installation !== 'object')
      throw new LooplineError(
        'INVALID_ARGUMENT',
        'notify needs an installation (an object with appId, deviceType and deviceToken)',
        { argument: 'installation' },
      );
    return this.sendTo([installation], note);
  }

  /** LB3's `notifyMany(appId, deviceType, deviceTokens, notification)`: to tokens with no installation looked up. */
  async notifyMany(
    appId: unknown,
    deviceType: unknown,
    deviceTokens: unknown,
    notification: unknown,
  ): Promise<PushReport> {
    const note = await this.validated(notification);
    if (typeof appId !== 'string' && typeof appId !== 'number')
      throw new LooplineError('INVALID_ARGUMENT', 'notifyMany needs the application id', {
        argument: 'appId',
      });
    if (typeof deviceType !== 'string')
      throw new LooplineError('INVALID_ARGUMENT', 'notifyMany needs the device type', {
        argument: 'deviceType',
      });
    if (
      !Array.isArray(deviceTokens) ||
      deviceTokens.length === 0 ||
      !deviceTokens.every((t) => typeof t === 'string')
    ) {
      throw new LooplineError('INVALID_ARGUMENT', 'deviceTokens must be a non-empty array of strings', {
        argument: 'deviceTokens',
      });
    }
    return this.sendTo(
      deviceTokens.map((deviceToken) => ({ id: undefined, appId, deviceType, deviceToken })),
      note,
    );
  }

  /** A small audience the caller named: the payload checked first, then one page. */
  private async sendTo(installations: AnyModel[], note: PushNotification): Promise<PushReport> {
    for (const type of new Set(installations.map((i) => i.deviceType))) {
      // Over the limit: 422 before anything is sent.
      if (own(PROVIDER_KINDS, type)) PROVIDER_KINDS[type].encode(note);
    }
    return summarise(await this.deliver(installations, note, new Map()));
  }

  async notifyByQuery(query: unknown, notification: unknown): Promise<PushReport> {
    const note = await this.validated(notification);
    if (query !== undefined && query !== null && (typeof query !== 'object' || Array.isArray(query))) {
      throw new LooplineError(
        'INVALID_ARGUMENT',
        'The installation query must be an object (a where filter)',
        { argument: 'deviceQuery' },
      );
    }
    const active = { or: [{ status: null }, { status: { neq: INACTIVE } }] };
    const where = query && Object.keys(query).length > 0 ? { and: [query, active] } : active;
    // Every provider the audience uses must take the payload before anything goes out.
    for (const [deviceType, kind] of Object.entries(PROVIDER_KINDS)) {
      if ((await this.models.Installation.count({ and: [where, { deviceType }] })) > 0) kind.encode(note);
    }
    const idName: string = this.models.Installation.getIdName?.() ?? 'id';
    const results: DeviceResult[] = [];
    const applications = new Map<string, Promise<AnyModel>>();
    let after: unknown;
    for (;;) {
      const page: AnyModel[] = await this.models.Installation.find({
        where: after === undefined ? where : { and: [where, { [idName]: { gt: after } }] },
        order: `${idName} ASC`,
        limit: this.settings.batchSize,
      });
      if (page.length === 0) break;
      for (const r of await this.deliver(page, note, applications)) results.push(r);
      if (page.length < this.settings.batchSize) break;
      after = page[page.length - 1][idName];
    }
    return summarise(results);
  }

  /** Sends to one page of installations; marks the gone ones inactive. */
  private async deliver(
    installations: AnyModel[],
    note: PushNotification,
    applications: Map<string, Promise<AnyModel>>,
  ): Promise<DeviceResult[]> {
    const payloads = new Map<string, EncodedPayload>();
    const results = await mapConcurrently(
      installations,
      this.settings.concurrency,
      async (inst): Promise<DeviceResult> => {
        // notifyMany's devices have no installation: their token names them.
        const base = {
          installationId: inst.id,
          deviceType: inst.deviceType as string,
          ...(inst.id === undefined ? { deviceToken: inst.deviceToken as string } : {}),
        };
        const resolved = await this.providerFor(inst, applications);
        if ('code' in resolved) return this.failed(base, resolved, inst);
        const provider = resolved;
        const problem = provider.checkDevice(inst as PushDevice);
        if (problem) return this.failed(base, problem, inst);
        let payload = payloads.get(provider.name);
        if (!payload) payloads.set(provider.name, (payload = provider.encode(note)));
        const { outcome, attempts } = await sendWithRetries(
          provider,
          inst as PushDevice,
          payload,
          this.settings,
        );
        if (outcome.ok) {
          this.emit('transmitted', note, inst.deviceToken, inst);
          return {
            ...base,
            status: 'sent',
            attempts,
            ...(outcome.providerId ? { providerId: outcome.providerId } : {}),
          };
        }
        const details = {
          status: outcome.status,
          reason: outcome.reason,
          retryAfter: outcome.retryAfterMs === undefined ? undefined : Math.ceil(outcome.retryAfterMs / 1000),
        };
        const result: DeviceResult = {
          ...base,
          status: outcome.code === 'PUSH_DEVICE_GONE' ? 'gone' : 'failed',
          attempts,
          code: outcome.code,
          message: outcome.message,
          details,
        };
        if (result.status === 'failed') this.emitError(result, inst);
        return result;
      },
    );
    const gone = installations.filter((_inst, i) => results[i].status === 'gone');
    // A dead token is dead for every installation holding it (an app reinstalled, a second app id).
    for (const [deviceType, tokens] of groupTokens(gone)) {
      await this.models.Installation.updateAll(
        { and: [{ deviceType }, { deviceToken: { inq: tokens } }] },
        { status: INACTIVE, modified: new Date() },
      );
      this.emit('devicesGone', tokens, deviceType);
    }
    return results;
  }

  private failed(
    base: { installationId: unknown; deviceType: string; deviceToken?: string },
    problem: DeviceProblem,
    inst: AnyModel,
  ): DeviceResult {
    const result: DeviceResult = {
      ...base,
      status: 'failed',
      attempts: 0,
      code: problem.code,
      message: problem.message,
    };
    this.emitError(result, inst);
    return result;
  }

  /** The provider for an installation's application and device type, or why there is none. */
  private async providerFor(
    inst: AnyModel,
    applications: Map<string, Promise<AnyModel>>,
  ): Promise<PushProvider | DeviceProblem> {
    const kind = own(PROVIDER_KINDS, inst.deviceType) ? PROVIDER_KINDS[inst.deviceType] : undefined;
    if (!kind)
      return {
        code: 'PUSH_UNSUPPORTED_DEVICE_TYPE',
        message: `No provider sends to device type ${JSON.stringify(inst.deviceType)}`,
      };
    const appId = String(inst.appId);
    let pending = applications.get(appId);
    if (!pending) applications.set(appId, (pending = this.models.Application.findById(appId)));
    const application = await pending;
    if (!application)
      return {
        code: 'PUSH_APPLICATION_NOT_FOUND',
        message: `No application has id ${JSON.stringify(appId)}`,
      };
    const pushSettings = application.pushSettings
      ? (application.pushSettings.toObject?.() ?? application.pushSettings)
      : undefined;
    const settings = pushSettings?.[kind.settingsKey];
    // Rebuilt when the application's settings change; kept (with its connection) while they do not.
    const key = `${appId}\u0000${inst.deviceType}`;
    const fingerprint = JSON.stringify(settings ?? null);
    const cached = this.providers.get(key);
    if (cached && cached.fingerprint === fingerprint) return cached.provider ?? cached.problem!;
    if (cached?.provider) void cached.provider.close();
    let entry: CachedProvider;
    try {
      entry = { fingerprint, provider: kind.create(settings, this.settings) };
    } catch (err) {
      if (!(err instanceof LooplineError)) throw err;
      entry = { fingerprint, problem: { code: err.code, message: err.message } };
    }
    this.providers.set(key, entry);
    return entry.provider ?? entry.problem!;
  }

  private emit(event: string, ...args: unknown[]): void {
    this.models.Push.emit(event, ...args);
  }

  /** `error` only reaches listeners: with none, a failed device is in the report, not a crash. */
  private emitError(result: DeviceResult, inst: AnyModel): void {
    if (this.models.Push.listenerCount('error') === 0) return;
    const code = result.code ?? 'PUSH_PROVIDER_REJECTED';
    const err = new LooplineError(code, result.message ?? 'push failed', {
      installationId: result.installationId,
      deviceType: result.deviceType,
      deviceToken: inst.deviceToken,
    });
    this.emit('error', err);
  }

  /** Closes the providers' connections. */
  async close(): Promise<void> {
    const open = [...this.providers.values()].flatMap((c) => (c.provider ? [c.provider.close()] : []));
    this.providers.clear();
    await Promise.all(open);
  }
}

function groupTokens(installations: AnyModel[]): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const inst of installations) {
    const list = byType.get(inst.deviceType) ?? [];
    list.push(inst.deviceToken);
    byType.set(inst.deviceType, list);
  }
  return byType;
}

function summarise(results: DeviceResult[]): PushReport {
  const count = (status: DeviceResult['status']) => results.filter((r) => r.status === status).length;
  return {
    total: results.length,
    sent: count('sent'),
    failed: count('failed'),
    gone: count('gone'),
    skipped: count('skipped'),
    results,
  };
}

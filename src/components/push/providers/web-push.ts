import webpush from 'web-push';
import { LooplineError } from '../../../errors';
import { encodeForWebPush, type EncodedPayload, type PushNotification } from '../notification-payload';
import {
  outcomeOfNetworkError,
  outcomeOfStatus,
  retryAfterMs,
  type DeviceProblem,
  type ProviderOptions,
  type PushDevice,
  type PushProvider,
  type SendOutcome,
} from '../provider';

/** `pushSettings.webPush`: the application's VAPID key pair (base64url, as web-push generates) and contact. */
export interface WebPushSettings {
  vapid?: { subject?: string; publicKey?: string; privateKey?: string };
}

/**
 * The push services browsers subscribe with (host suffixes). A subscription names its endpoint
 * itself, so without this list a client could make the server POST to any address it likes.
 */
export const KNOWN_PUSH_SERVICES = [
  'fcm.googleapis.com',
  'push.services.mozilla.com',
  'push.apple.com',
  'notify.windows.com',
];

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function credentialsError(message: string): LooplineError {
  return new LooplineError('PUSH_CREDENTIALS_MISSING', message, { provider: 'webpush' });
}

function decodedLength(value: unknown): number {
  return typeof value === 'string' && BASE64URL.test(value) ? Buffer.from(value, 'base64url').length : -1;
}

/** Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291), by `web-push`. */
export class WebPushProvider implements PushProvider {
  readonly name = 'webpush';
  private readonly vapid: { subject: string; publicKey: string; privateKey: string };

  constructor(
    settings: WebPushSettings | undefined,
    private readonly options: ProviderOptions,
  ) {
    const vapid = settings?.vapid;
    if (!vapid?.subject || !vapid.publicKey || !vapid.privateKey)
      throw credentialsError(
        'pushSettings.webPush.vapid needs subject (mailto: or https: URL), publicKey and privateKey',
      );
    try {
      // web-push checks the subject's form and the keys' lengths.
      webpush.getVapidHeaders(
        'https://push.example',
        vapid.subject,
        vapid.publicKey,
        vapid.privateKey,
        'aes128gcm',
      );
    } catch (err) {
      throw credentialsError(`pushSettings.webPush.vapid is not usable: ${(err as Error).message}`);
    }
    this.vapid = { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey };
  }

  encode(note: PushNotification): EncodedPayload {
    return encodeForWebPush(note);
  }

  private subscriptionOf(device: PushDevice): { endpoint: string; keys: { p256dh: string; auth: string } } {
    const sub = device.pushSubscription ?? {};
    return {
      endpoint: sub.endpoint ?? device.deviceToken,
      keys: { p256dh: sub.keys?.p256dh ?? '', auth: sub.keys?.auth ?? '' },
    };
  }

  checkDevice(device: PushDevice): DeviceProblem | undefined {
    const { endpoint, keys } = this.subscriptionOf(device);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return { code: 'PUSH_INVALID_DEVICE_TOKEN', message: 'A Web Push subscription endpoint must be a URL' };
    }
    const allowed = this.options.webPush.allowedHosts ?? KNOWN_PUSH_SERVICES;
    const hostAllowed =
      allowed.includes('*') || allowed.some((h) => url.hostname === h || url.hostname.endsWith(`.${h}`));
    const schemeAllowed =
      url.protocol === 'https:' || (url.protocol === 'http:' && this.options.webPush.allowHttp === true);
    if (!hostAllowed || !schemeAllowed)
      return {
        code: 'PUSH_ENDPOINT_NOT_ALLOWED',
        message: `The server does not send to ${url.protocol}//${url.host}`,
      };
    // p256dh is an uncompressed P-256 point (65 bytes), auth a 16-byte secret.
    if (decodedLength(keys.p256dh) !== 65 || decodedLength(keys.auth) !== 16) {
      return {
        code: 'PUSH_INVALID_DEVICE_TOKEN',
        message: 'A Web Push subscription needs keys.p256dh (65 bytes) and keys.auth (16 bytes), base64url',
      };
    }
    return undefined;
  }

  async send(device: PushDevice, payload: EncodedPayload): Promise<SendOutcome> {
    let details: ReturnType<typeof webpush.generateRequestDetails>;
    try {
      details = webpush.generateRequestDetails(this.subscriptionOf(device), payload.body, {
        vapidDetails: this.vapid,
        TTL: payload.ttlSeconds,
        urgency: payload.highPriority ? 'high' : 'normal',
        // A topic is at most 32 base64url characters; other collapse keys are not sent.
        ...(payload.collapseKey && /^[A-Za-z0-9_-]{1,32}$/.test(payload.collapseKey)
          ? { topic: payload.collapseKey }
          : {}),
        contentEncoding: 'aes128gcm',
      });
    } catch (err) {
      // The key is not a point on the curve, for one.
      return {
        ok: false,
        code: 'PUSH_INVALID_DEVICE_TOKEN',
        message: `The subscription cannot be encrypted to: ${(err as Error).message}`,
        retryable: false,
      };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
    let res: Response;
    try {
      res = await fetch(details.endpoint, {
        method: 'POST',
        headers,
        body: details.body ?? undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.requestTimeout),
      });
      await res.arrayBuffer();
    } catch (err) {
      return outcomeOfNetworkError(err);
    }
    if (res.status >= 200 && res.status < 300)
      return { ok: true, providerId: res.headers.get('location') ?? undefined };
    if (res.status === 404 || res.status === 410)
      return {
        ok: false,
        code: 'PUSH_DEVICE_GONE',
        message: `The push service says the subscription has expired (${res.status})`,
        retryable: false,
        status: res.status,
      };
    if (res.status === 413)
      return {
        ok: false,
        code: 'PUSH_PAYLOAD_TOO_LARGE',
        message: 'The push service refused the payload as too large',
        retryable: false,
        status: res.status,
      };
    return outcomeOfStatus(res.status, undefined, retryAfterMs(res.headers.get('retry-after')));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

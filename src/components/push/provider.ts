import type { ErrorCode } from '../../errors';
import type { EncodedPayload, PushNotification } from './notification-payload';

/** The installation fields a provider reads. */
export interface PushDevice {
  readonly id: unknown;
  readonly deviceToken: string;
  readonly pushSubscription?: { endpoint?: string; keys?: { p256dh?: string; auth?: string } } | null;
}

/**
 * What one attempt at one device came to. A failure says whether trying again may help (429,
 * 5xx, network) and how long the provider asked to wait, whether the device is gone for good, and
 * the stable code the per-device result carries.
 */
export type SendOutcome =
  | { readonly ok: true; readonly providerId?: string }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
      readonly retryable: boolean;
      /** The provider's Retry-After, in ms. */
      readonly retryAfterMs?: number;
      /** HTTP status and the provider's own reason, for the result's details. */
      readonly status?: number;
      readonly reason?: string;
    };

/** A problem found before sending, with its stable code. */
export interface DeviceProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * One delivery protocol, configured for one application: APNs, FCM or Web Push. `encode` runs
 * once per notification, `checkDevice` and `send` once per device (send once per attempt).
 */
export interface PushProvider {
  readonly name: string;
  encode(note: PushNotification): EncodedPayload;
  checkDevice(device: PushDevice): DeviceProblem | undefined;
  send(device: PushDevice, payload: EncodedPayload): Promise<SendOutcome>;
  /** Ends open connections (APNs keeps one HTTP/2 session). */
  close(): Promise<void>;
}

/** Endpoints and transport options from the component's settings (tests point them at 127.0.0.1). */
export interface ProviderOptions {
  /** Per-request timeout in ms. */
  requestTimeout: number;
  apns: { endpoint?: string; ca?: string | Buffer };
  fcm: { endpoint?: string };
  webPush: { allowHttp?: boolean; allowedHosts?: string[] };
}

/** `Retry-After` as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(
  value: string | string[] | null | undefined,
  now = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The outcome of an HTTP status no provider-specific rule covered. */
export function outcomeOfStatus(
  status: number,
  reason: string | undefined,
  retryAfter: number | undefined,
): SendOutcome {
  if (status === 429 || status >= 500) {
    return {
      ok: false,
      code: 'PUSH_PROVIDER_UNAVAILABLE',
      message: `The provider answered ${status}${reason ? ` (${reason})` : ''}`,
      retryable: true,
      retryAfterMs: retryAfter,
      status,
      reason,
    };
  }
  if (status === 401 || status === 403) {
    return {
      ok: false,
      code: 'PUSH_PROVIDER_AUTH_FAILED',
      message: `The provider refused the credentials (${status}${reason ? `, ${reason}` : ''})`,
      retryable: false,
      status,
      reason,
    };
  }
  return {
    ok: false,
    code: 'PUSH_PROVIDER_REJECTED',
    message: `The provider refused the message (${status}${reason ? `, ${reason}` : ''})`,
    retryable: false,
    status,
    reason,
  };
}

/** A network failure (refused, reset, timed out): worth another try. */
export function outcomeOfNetworkError(err: unknown): SendOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    code: 'PUSH_PROVIDER_UNAVAILABLE',
    message: `The provider could not be reached: ${message}`,
    retryable: true,
  };
}

import { LooplineError } from '../../errors';

/**
 * A notification as the providers read it: LB3's Notification fields. `alert` is a string or an
 * object with `title`/`body` (as APNs takes it); `data` is the app's own key-value payload.
 */
export interface PushNotification {
  alert?: string | { title?: string; body?: string; [key: string]: unknown };
  title?: string;
  messageFrom?: string;
  badge?: number;
  sound?: string;
  category?: string;
  contentAvailable?: boolean;
  collapseKey?: string;
  data?: Record<string, unknown>;
  urlArgs?: string[];
  /** `high` (the default for alerts) or `normal`. */
  priority?: string;
  expirationInterval?: number;
  expirationTime?: Date | string;
}

/** A notification encoded for one provider, once per send: the bytes go out unchanged to every device. */
export interface EncodedPayload {
  readonly provider: string;
  readonly body: string;
  readonly bytes: number;
  /** Seconds the provider may keep trying to deliver; undefined for its default. */
  readonly ttlSeconds: number | undefined;
  readonly highPriority: boolean;
  readonly background: boolean;
  /** Messages with the same key replace each other on the device (APNs collapse id, FCM collapse key, Web Push topic). */
  readonly collapseKey: string | undefined;
}

/** The payload limits the providers enforce (bytes of the encoded message, before encryption for Web Push). */
export const PAYLOAD_LIMITS = Object.freeze({ apns: 4096, fcm: 4096, webpush: 3993 });

/** LB3's `getTimeToLiveInSecondsFromNow`: the interval when given, else the time left until `expirationTime`. */
export function ttlSecondsOf(note: PushNotification, now = Date.now()): number | undefined {
  if (typeof note.expirationInterval === 'number' && note.expirationInterval > 0)
    return Math.floor(note.expirationInterval);
  if (note.expirationTime !== undefined && note.expirationTime !== null) {
    const at = new Date(note.expirationTime).getTime();
    if (Number.isFinite(at)) return Math.max(0, Math.floor((at - now) / 1000));
  }
  return undefined;
}

function titleOf(note: PushNotification): string | undefined {
  if (note.alert && typeof note.alert === 'object' && typeof note.alert.title === 'string')
    return note.alert.title;
  return note.title ?? note.messageFrom;
}

function bodyOf(note: PushNotification): string | undefined {
  if (typeof note.alert === 'string') return note.alert;
  if (note.alert && typeof note.alert === 'object' && typeof note.alert.body === 'string')
    return note.alert.body;
  return undefined;
}

/** A data-only (silent) notification: content-available without anything to show. */
function isBackground(note: PushNotification): boolean {
  return (
    note.contentAvailable === true &&
    note.alert === undefined &&
    note.badge === undefined &&
    note.sound === undefined &&
    titleOf(note) === undefined
  );
}

function encoded(
  provider: keyof typeof PAYLOAD_LIMITS,
  value: unknown,
  note: PushNotification,
): EncodedPayload {
  const body = JSON.stringify(value);
  const bytes = Buffer.byteLength(body);
  const limit = PAYLOAD_LIMITS[provider];
  if (bytes > limit) {
    throw new LooplineError(
      'PUSH_PAYLOAD_TOO_LARGE',
      `The notification is ${bytes} bytes for ${provider}, over its limit of ${limit} bytes; nothing was sent`,
      { provider, bytes, limit },
    );
  }
  const background = isBackground(note);
  return {
    provider,
    body,
    bytes,
    ttlSeconds: ttlSecondsOf(note),
    highPriority: !background && note.priority !== 'normal',
    background,
    collapseKey: note.collapseKey,
  };
}

/** The APNs JSON payload: `aps` with what the device shows, the app's data beside it. */
export function encodeForApns(note: PushNotification): EncodedPayload {
  const aps: Record<string, unknown> = {};
  const title = titleOf(note);
  const body = bodyOf(note);
  if (note.alert && typeof note.alert === 'object')
    aps.alert = { ...note.alert, ...(title === undefined ? {} : { title }) };
  else if (title !== undefined) aps.alert = { title, ...(body === undefined ? {} : { body }) };
  else if (body !== undefined) aps.alert = body;
  if (note.badge !== undefined) aps.badge = note.badge;
  if (note.sound !== undefined) aps.sound = note.sound;
  if (note.category !== undefined) aps.category = note.category;
  if (note.contentAvailable) aps['content-available'] = 1;
  if (note.urlArgs !== undefined) aps['url-args'] = note.urlArgs;
  const { aps: _ignored, ...data } = note.data ?? {};
  return encoded('apns', { ...data, aps }, note);
}

/** FCM HTTP v1's `message` without its `token`: the token is added per device. */
export function encodeForFcm(note: PushNotification): EncodedPayload {
  const ttl = ttlSecondsOf(note);
  const background = isBackground(note);
  // FCM data values must be strings.
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(note.data ?? {}))
    data[key] = typeof value === 'string' ? value : JSON.stringify(value);
  if (note.badge !== undefined) data.badge = String(note.badge);
  const message: Record<string, unknown> = {};
  const title = titleOf(note);
  const body = bodyOf(note);
  if (!background && (title !== undefined || body !== undefined))
    message.notification = {
      ...(title === undefined ? {} : { title }),
      ...(body === undefined ? {} : { body }),
    };
  if (Object.keys(data).length > 0) message.data = data;
  const android: Record<string, unknown> = {
    priority: !background && note.priority !== 'normal' ? 'HIGH' : 'NORMAL',
  };
  if (ttl !== undefined) android.ttl = `${ttl}s`;
  if (note.collapseKey !== undefined) android.collapse_key = note.collapseKey;
  if (note.sound !== undefined && message.notification) android.notification = { sound: note.sound };
  message.android = android;
  return encoded('fcm', message, note);
}

/** The Web Push message: JSON the service worker reads (`event.data.json()`), encrypted per subscription. */
export function encodeForWebPush(note: PushNotification): EncodedPayload {
  const message: Record<string, unknown> = {};
  const title = titleOf(note);
  const body = bodyOf(note);
  if (title !== undefined) message.title = title;
  if (body !== undefined) message.body = body;
  if (note.badge !== undefined) message.badge = note.badge;
  if (note.sound !== undefined) message.sound = note.sound;
  if (note.category !== undefined) message.category = note.category;
  if (note.data !== undefined) message.data = note.data;
  return encoded('webpush', message, note);
}

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http2 from 'http2';
import jws from 'jws';
import { LooplineError } from '../../../errors';
import { encodeForApns, type EncodedPayload, type PushNotification } from '../notification-payload';
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

/** `pushSettings.apns` as LB3 apps hold it (token-based authentication). */
export interface ApnsSettings {
  token?: { keyId?: string; key?: string; teamId?: string };
  bundle?: string;
  production?: boolean;
  pushOptions?: { gateway?: string; port?: number };
}

const PRODUCTION = 'https://api.push.apple.com';
const SANDBOX = 'https://api.sandbox.push.apple.com';
/** Apple refuses provider tokens older than an hour and throttles ones renewed within 20 minutes. */
const TOKEN_LIFETIME_MS = 50 * 60 * 1000;
const DEVICE_TOKEN = /^[0-9a-fA-F]{64,200}$/;

function credentialsError(message: string): LooplineError {
  return new LooplineError('PUSH_CREDENTIALS_MISSING', message, { provider: 'apns' });
}

/** The .p8 key: PEM text, or the path of a file holding it (as LB3's `token.key` allowed). */
function readKey(key: string): crypto.KeyObject {
  const pem = key.includes('-----BEGIN') ? key : readKeyFile(key);
  let object: crypto.KeyObject;
  try {
    object = crypto.createPrivateKey(pem);
  } catch {
    throw credentialsError('pushSettings.apns.token.key is not a readable PKCS#8 private key');
  }
  if (object.asymmetricKeyType !== 'ec')
    throw credentialsError('pushSettings.apns.token.key must be an EC (P-256) key, as Apple issues');
  return object;
}

function readKeyFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw credentialsError(`pushSettings.apns.token.key names a file that cannot be read: ${file}`);
  }
}

/**
 * APNs over HTTP/2 with token-based authentication: one session per application, a provider
 * token (ES256 JWT: kid = key id, iss = team id) reused for 50 minutes, one stream per device.
 */
export class ApnsProvider implements PushProvider {
  readonly name = 'apns';
  private readonly key: crypto.KeyObject;
  private readonly keyId: string;
  private readonly teamId: string;
  private readonly bundle: string;
  private readonly endpoint: string;
  private session: http2.ClientHttp2Session | undefined;
  private token: { value: string; madeAt: number } | undefined;
  /** Streams open per session: a session keeps the process alive only while it has some. */
  private readonly openStreams = new WeakMap<http2.ClientHttp2Session, number>();

  constructor(
    settings: ApnsSettings | undefined,
    private readonly options: ProviderOptions,
  ) {
    const token = settings?.token;
    if (!token?.keyId || !token.key || !token.teamId)
      throw credentialsError('pushSettings.apns.token needs keyId, key and teamId');
    if (!settings?.bundle)
      throw credentialsError('pushSettings.apns.bundle must name the app bundle id (the APNs topic)');
    this.key = readKey(token.key);
    this.keyId = token.keyId;
    this.teamId = token.teamId;
    this.bundle = settings.bundle;
    const gateway = settings.pushOptions?.gateway;
    this.endpoint =
      options.apns.endpoint ??
      (gateway
        ? `https://${gateway}:${settings.pushOptions?.port ?? 443}`
        : settings.production
          ? PRODUCTION
          : SANDBOX);
  }

  encode(note: PushNotification): EncodedPayload {
    return encodeForApns(note);
  }

  checkDevice(device: PushDevice): DeviceProblem | undefined {
    if (typeof device.deviceToken !== 'string' || !DEVICE_TOKEN.test(device.deviceToken)) {
      return {
        code: 'PUSH_INVALID_DEVICE_TOKEN',
        message: 'An APNs device token is 64 or more hexadecimal digits',
      };
    }
    return undefined;
  }

  private providerToken(renew = false): string {
    const now = Date.now();
    if (!renew && this.token && now - this.token.madeAt < TOKEN_LIFETIME_MS) return this.token.value;
    const value = jws.sign({
      header: { alg: 'ES256', kid: this.keyId },
      payload: { iss: this.teamId, iat: Math.floor(now / 1000) },
      privateKey: this.key,
    });
    this.token = { value, madeAt: now };
    return value;
  }

  private connection(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(this.endpoint, this.options.apns.ca ? { ca: this.options.apns.ca } : {});
    // A broken session is dropped; the next send opens another.
    session.on('error', () => session.destroy());
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    // An idle session does not keep the process alive; one with streams open does (see request).
    session.unref();
    this.session = session;
    return session;
  }

  send(device: PushDevice, payload: EncodedPayload): Promise<SendOutcome> {
    return this.attempt(device, payload, false);
  }

  private async attempt(
    device: PushDevice,
    payload: EncodedPayload,
    renewedToken: boolean,
  ): Promise<SendOutcome> {
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': `/3/device/${device.deviceToken}`,
      authorization: `bearer ${this.providerToken(renewedToken)}`,
      'apns-topic': this.bundle,
      'apns-push-type': payload.background ? 'background' : 'alert',
      'apns-priority': payload.highPriority ? '10' : '5',
      'content-type': 'application/json',
    };
    if (payload.ttlSeconds !== undefined)
      headers['apns-expiration'] = String(Math.floor(Date.now() / 1000) + payload.ttlSeconds);
    if (payload.collapseKey !== undefined) headers['apns-collapse-id'] = payload.collapseKey;
    let answer: { status: number; headers: http2.IncomingHttpHeaders; body: string };
    try {
      answer = await this.request(headers, payload.body);
    } catch (err) {
      return outcomeOfNetworkError(err);
    }
    const { status } = answer;
    if (status === 200) return { ok: true, providerId: String(answer.headers['apns-id'] ?? '') || undefined };
    let reason: string | undefined;
    try {
      reason = (JSON.parse(answer.body) as { reason?: string }).reason;
    } catch {
      reason = undefined;
    }
    if (status === 410 || reason === 'Unregistered') {
      return {
        ok: false,
        code: 'PUSH_DEVICE_GONE',
        message: 'APNs says the device token is no longer active',
        retryable: false,
        status,
        reason,
      };
    }
    if (status === 400 && (reason === 'BadDeviceToken' || reason === 'DeviceTokenNotForTopic')) {
      return {
        ok: false,
        code: 'PUSH_INVALID_DEVICE_TOKEN',
        message: `APNs refused the device token (${reason})`,
        retryable: false,
        status,
        reason,
      };
    }
    // An expired provider token is renewed once, at once.
    if (status === 403 && reason === 'ExpiredProviderToken' && !renewedToken)
      return this.attempt(device, payload, true);
    return outcomeOfStatus(status, reason, retryAfterMs(answer.headers['retry-after'] as string | undefined));
  }

  private request(
    headers: http2.OutgoingHttpHeaders,
    body: string,
  ): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
    const session = this.connection();
    const open = this.openStreams.get(session) ?? 0;
    this.openStreams.set(session, open + 1);
    if (open === 0) session.ref();
    const done = () => {
      const left = (this.openStreams.get(session) ?? 1) - 1;
      this.openStreams.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    };
    return new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }>(
      (resolve, reject) => {
        const stream = session.request(headers);
        stream.setTimeout(this.options.requestTimeout, () => stream.close(http2.constants.NGHTTP2_CANCEL));
        let responseHeaders: http2.IncomingHttpHeaders = {};
        const chunks: Buffer[] = [];
        stream.on('response', (h) => (responseHeaders = h));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const status = Number(responseHeaders[':status']);
          if (!status) reject(new Error('the stream ended without a response'));
          else resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') });
        });
        stream.on('error', reject);
        stream.on('close', () => {
          if (stream.rstCode && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR)
            reject(new Error(`the stream was reset (code ${stream.rstCode})`));
        });
        stream.end(body);
      },
    ).finally(done);
  }

  close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || session.closed) return Promise.resolve();
    return new Promise((resolve) => session.close(() => resolve()));
  }
}

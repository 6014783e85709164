import * as crypto from 'crypto';
import jws from 'jws';
import { LooplineError } from '../../../errors';
import { encodeForFcm, type EncodedPayload, type PushNotification } from '../notification-payload';
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

/** A Google service-account key file's fields (the JSON the Firebase console hands out). */
export interface ServiceAccount {
  project_id?: string;
  client_email?: string;
  private_key?: string;
  token_uri?: string;
}

/** `pushSettings.fcm`: the service account (object or its JSON text) and, optionally, another project id. */
export interface FcmSettings {
  serviceAccount?: ServiceAccount | string;
  projectId?: string;
}

const FCM_ENDPOINT = 'https://fcm.googleapis.com';
const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** FCM registration tokens: URL-safe characters and colons, well under this length. */
const REGISTRATION_TOKEN = /^[A-Za-z0-9_:\-.]{1,4096}$/;

function credentialsError(message: string): LooplineError {
  return new LooplineError('PUSH_CREDENTIALS_MISSING', message, { provider: 'fcm' });
}

function readServiceAccount(value: FcmSettings['serviceAccount']): ServiceAccount {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as ServiceAccount;
    } catch {
      throw credentialsError(
        'pushSettings.fcm.serviceAccount is text that is not the JSON of a service-account key',
      );
    }
  }
  if (!value || typeof value !== 'object')
    throw credentialsError(
      'pushSettings.fcm.serviceAccount must hold the service-account key (client_email, private_key, project_id)',
    );
  return value;
}

interface FcmErrorBody {
  error?: {
    code?: number;
    status?: string;
    message?: string;
    details?: Array<{ '@type'?: string; errorCode?: string }>;
  };
}

/**
 * FCM HTTP v1: an OAuth access token got with the service account's signed assertion (RFC 7523
 * JWT-bearer grant, RS256) and kept until shortly before it expires; one `messages:send` per device.
 */
export class FcmProvider implements PushProvider {
  readonly name = 'fcm';
  private readonly account: Required<Pick<ServiceAccount, 'client_email' | 'token_uri'>> & {
    key: crypto.KeyObject;
  };
  private readonly sendUrl: string;
  private accessToken: { value: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(
    settings: FcmSettings | undefined,
    private readonly options: ProviderOptions,
  ) {
    const account = readServiceAccount(settings?.serviceAccount);
    const projectId = settings?.projectId ?? account.project_id;
    if (!account.client_email || !account.private_key || !projectId)
      throw credentialsError(
        'pushSettings.fcm.serviceAccount needs client_email, private_key and project_id',
      );
    let key: crypto.KeyObject;
    try {
      key = crypto.createPrivateKey(account.private_key);
    } catch {
      throw credentialsError('pushSettings.fcm.serviceAccount.private_key is not a readable private key');
    }
    this.account = {
      client_email: account.client_email,
      token_uri: account.token_uri ?? GOOGLE_TOKEN_URI,
      key,
    };
    this.sendUrl = `${options.fcm.endpoint ?? FCM_ENDPOINT}/v1/projects/${encodeURIComponent(projectId)}/messages:send`;
  }

  encode(note: PushNotification): EncodedPayload {
    return encodeForFcm(note);
  }

  checkDevice(device: PushDevice): DeviceProblem | undefined {
    if (typeof device.deviceToken !== 'string' || !REGISTRATION_TOKEN.test(device.deviceToken)) {
      return {
        code: 'PUSH_INVALID_DEVICE_TOKEN',
        message: 'An FCM registration token is a string of letters, digits, "-", "_", ":" and "."',
      };
    }
    return undefined;
  }

  /** The access token; concurrent sends share one request for a new one. */
  private token(renew: boolean): Promise<string> {
    if (!renew && this.accessToken && Date.now() < this.accessToken.expiresAt)
      return Promise.resolve(this.accessToken.value);
    if (!this.pendingToken) {
      this.pendingToken = this.fetchToken().finally(() => (this.pendingToken = undefined));
    }
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = jws.sign({
      header: { alg: 'RS256', typ: 'JWT' },
      payload: {
        iss: this.account.client_email,
        scope: SCOPE,
        aud: this.account.token_uri,
        iat: now,
        exp: now + 3600,
      },
      privateKey: this.account.key,
    });
    const res = await fetch(this.account.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
      signal: AbortSignal.timeout(this.options.requestTimeout),
    });
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
    };
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new TokenRefused(res.status, body.error, retryAfterMs(res.headers.get('retry-after')));
    }
    // Renewed a minute early, so a token never expires in flight.
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.accessToken = {
      value: body.access_token,
      expiresAt: Date.now() + Math.max(0, lifetime - 60) * 1000,
    };
    return body.access_token;
  }

  async send(device: PushDevice, payload: EncodedPayload): Promise<SendOutcome> {
    return this.attempt(device, payload, false);
  }

  private async attempt(
    device: PushDevice,
    payload: EncodedPayload,
    renewedToken: boolean,
  ): Promise<SendOutcome> {
    let token: string;
    try {
      token = await this.token(renewedToken);
    } catch (err) {
      if (err instanceof TokenRefused) {
        if (err.status === 429 || err.status >= 500)
          return outcomeOfStatus(err.status, err.reason, err.retryAfter);
        return {
          ok: false,
          code: 'PUSH_PROVIDER_AUTH_FAILED',
          message: `The OAuth token endpoint refused the service account (${err.status}${err.reason ? `, ${err.reason}` : ''})`,
          retryable: false,
          status: err.status,
          reason: err.reason,
        };
      }
      return outcomeOfNetworkError(err);
    }
    // The encoded message is spliced, not re-serialised: its bytes were measured once.
    const body = `{"message":${payload.body.slice(0, -1)}${payload.body.length > 2 ? ',' : ''}"token":${JSON.stringify(device.deviceToken)}}}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.sendUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.requestTimeout),
      });
      text = await res.text();
    } catch (err) {
      return outcomeOfNetworkError(err);
    }
    if (res.ok) {
      const name = (JSON.parse(text) as { name?: string }).name;
      return { ok: true, providerId: name };
    }
    let error: FcmErrorBody['error'];
    try {
      error = (JSON.parse(text) as FcmErrorBody).error;
    } catch {
      error = undefined;
    }
    const reason = error?.details?.find((d) => typeof d.errorCode === 'string')?.errorCode ?? error?.status;
    if (reason === 'UNREGISTERED')
      return {
        ok: false,
        code: 'PUSH_DEVICE_GONE',
        message: 'FCM says the registration token is no longer valid',
        retryable: false,
        status: res.status,
        reason,
      };
    if (res.status === 400 && reason === 'INVALID_ARGUMENT' && /token/i.test(error?.message ?? '')) {
      return {
        ok: false,
        code: 'PUSH_INVALID_DEVICE_TOKEN',
        message: 'FCM refused the registration token',
        retryable: false,
        status: res.status,
        reason,
      };
    }
    // A token revoked before its time is renewed once.
    if (res.status === 401 && !renewedToken) return this.attempt(device, payload, true);
    return outcomeOfStatus(res.status, reason, retryAfterMs(res.headers.get('retry-after')));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class TokenRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string | undefined,
    readonly retryAfter: number | undefined,
  ) {
    super(`token endpoint answered ${status}`);
  }
}

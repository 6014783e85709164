import { StoreUnavailableError } from '../../../errors';
import { debugFor } from '../../../util/debug';
import { redactUrl } from '../../../util/redact-url';
import type { RemoteModelConnector } from '../store-kinds';
import { bindRemoteModel, type HttpAnswer, type HttpCall } from './remote-model';

const debug = debugFor('connector:remote');

/**
 * How the connector authenticates to the server, LB3's `connector.remotes.auth`: a bearer token
 * (sent as `Authorization: Bearer <bearer>`; LB3 clients send the access token's id base64-encoded
 * there, which loopline's and LB3's token middleware both decode), or a user name and password
 * (HTTP Basic).
 */
export interface RemoteAuth {
  bearer?: string;
  username?: string;
  password?: string;
  /** LB3's option for its HTTP client; credentials are always sent with the request here. */
  sendImmediately?: boolean;
}

export interface RemoteSettings {
  /** The server's REST root, e.g. `http://api.example.com/api`. */
  url?: string;
  /** Used when `url` is absent: `protocol://host:port/root` (LB3's defaults: http, localhost, 3000). */
  protocol?: string;
  host?: string;
  port?: number | string;
  root?: string;
  /** An access token id sent with every call (a call's `options.accessToken` wins over it). */
  accessToken?: string;
  /** Extra headers sent with every call. */
  headers?: Record<string, string>;
  /** Milliseconds before a call is abandoned with 503 STORE_UNAVAILABLE (default 60000). */
  timeout?: number;
}

/** The id of an access token given as `options.accessToken` (a token instance or its id). */
function tokenIdOf(token: unknown): string | undefined {
  if (typeof token === 'string' && token) return token;
  if (token && typeof token === 'object') {
    const id = (token as { id?: unknown }).id;
    if (typeof id === 'string' && id) return id;
  }
  return undefined;
}

/** A failed call's error as the server described it: message, statusCode, code, name, details, … */
function remoteError(status: number, body: unknown, statusText: string): Error {
  const described = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  const data = described && typeof described === 'object' ? (described as Record<string, unknown>) : {};
  const message = typeof data.message === 'string' ? data.message : `${status} ${statusText}`.trim();
  const err = new Error(message) as Error & Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    // The server's stack (shown by a debug error handler) is kept apart from the local one.
    if (key === 'stack') err.remoteStack = value;
    else if (key !== 'message') err[key] = value;
  }
  if (typeof err.statusCode !== 'number') err.statusCode = status;
  if (typeof err.status !== 'number') err.status = err.statusCode;
  if (typeof data.name === 'string') err.name = data.name;
  return err;
}

/** The answer's JSON (its text when it is not JSON; undefined when empty). */
async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The remote connector (LB3's `loopback-connector-remote`): a data source whose models are another
 * loopline or LB3 server's REST API. Attaching a model makes its methods — the data access
 * methods, the relation methods, custom remote methods and the replication API — call the same
 * route on that server (see remote-model.ts), with the server's errors passed through.
 */
export class RemoteConnector implements RemoteModelConnector {
  readonly kind = 'remote' as const;
  readonly name = 'remote';
  /** The server's REST root, without a trailing slash. */
  readonly url: string;
  /**
   * LB3's `connector.remotes`: code sets `remotes.auth` to authenticate every call from then on
   * (`{bearer: base64(tokenId)}` or `{username, password}`).
   */
  readonly remotes: { url: string; auth?: RemoteAuth };
  private readonly settings: RemoteSettings;

  constructor(settings: Record<string, unknown>) {
    this.settings = settings as RemoteSettings;
    const s = this.settings;
    const url =
      typeof s.url === 'string' && s.url
        ? s.url
        : `${s.protocol ?? 'http'}://${s.host ?? 'localhost'}:${s.port ?? 3000}${s.root ?? ''}`;
    // Credentials in the URL (`http://user:pass@host/api`) become Basic auth: fetch refuses them in a URL.
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    let auth: RemoteAuth | undefined;
    if (parsed && (parsed.username || parsed.password)) {
      auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
      parsed.username = '';
      parsed.password = '';
    }
    this.url = (parsed && auth ? parsed.toString() : url).replace(/\/+$/, '');
    this.remotes = { url: this.url, auth };
  }

  /** Nothing to open: each call is its own request (Node's fetch keeps connections alive). */
  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  define(): void {}

  bindModel(Model: object): void {
    bindRemoteModel(this, Model);
  }

  /** Sends one call to the server; resolves to its answer, rejects with the server's error. */
  async send(call: HttpCall, options: unknown): Promise<HttpAnswer> {
    const res = await this.fetch(call, options, AbortSignal.timeout(this.settings.timeout ?? 60000));
    const body = await bodyOf(res);
    if (res.status >= 400) throw remoteError(res.status, body, res.statusText);
    return { status: res.status, headers: res.headers, body };
  }

  /** Opens a long-lived call (a change stream): its body once the headers arrived; no timeout but the caller's abort. */
  async openStream(
    call: HttpCall,
    options: unknown,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const res = await this.fetch(
      { ...call, headers: { ...call.headers, Accept: 'text/event-stream' } },
      options,
      signal,
    );
    if (res.status >= 400 || !res.body) throw remoteError(res.status, await bodyOf(res), res.statusText);
    return res.body;
  }

  private async fetch(call: HttpCall, options: unknown, signal: AbortSignal): Promise<Response> {
    const query = new URLSearchParams(call.query).toString();
    const target = `${this.url}${call.path}${query ? `?${query}` : ''}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(this.settings.headers ?? {}),
      ...call.headers,
    };
    const auth = this.authorization(options);
    if (auth) headers.Authorization = auth;
    let payload: string | undefined;
    if (call.body !== undefined) {
      payload = JSON.stringify(call.body);
      headers['Content-Type'] = 'application/json';
    }
    debug('%s %s', call.verb, redactUrl(target));
    try {
      return await fetch(target, { method: call.verb, headers, body: payload, signal });
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new StoreUnavailableError(
        `The remote server ${redactUrl(this.url)} cannot be reached (${String(why)})`,
      );
    }
  }

  /** The call's own access token first (`options.accessToken`), then `remotes.auth`, then the `accessToken` setting. */
  private authorization(options: unknown): string | undefined {
    const own =
      options && typeof options === 'object'
        ? tokenIdOf((options as { accessToken?: unknown }).accessToken)
        : undefined;
    if (own) return own;
    const auth = this.remotes.auth;
    if (auth?.bearer) return `Bearer ${auth.bearer}`;
    if (auth?.username !== undefined)
      return `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
    return tokenIdOf(this.settings.accessToken);
  }
}

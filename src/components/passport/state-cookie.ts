import * as crypto from 'crypto';

/** The parts of Express's request and response the state cookie uses. */
export interface CookieRequest {
  headers: { cookie?: string };
  secure?: boolean;
  /** cookie-parser's secret, when the app has one. */
  secret?: string;
  res?: CookieResponse;
}
export interface CookieResponse {
  cookie(name: string, value: string, options: Record<string, unknown>): unknown;
  clearCookie(name: string, options: Record<string, unknown>): unknown;
}

export interface StateCookieOptions {
  /** The cookie's name; one per provider. */
  name: string;
  /** The path the provider's callback comes back to: the browser sends the cookie there only. */
  path: string;
  /**
   * Keys the cookie is sealed with; without one, the app's cookie-parser secret, else a key made
   * for this process (enough for a single process only).
   */
  secret?: string;
  /** How long a login may take at the provider, in seconds (default 600). */
  maxAge?: number;
  /** The callback is a cross-site POST (response_mode=form_post): SameSite=None; Secure. */
  crossSitePost?: boolean;
}

const PROCESS_KEY = crypto.randomBytes(32);

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A login's pending state (the `state` value, the PKCE verifier, an OpenID nonce) kept in the
 * browser, sealed with AES-256-GCM: no server session is needed, the browser cannot read or alter
 * it, and another browser cannot use it. HttpOnly, SameSite=Lax (the provider's redirect back is a
 * top-level GET), Secure on https, scoped to the callback path, and cleared when read, so a
 * callback URL replayed later finds no state.
 */
export class StateCookie {
  private readonly keys = new Map<string, Buffer>();
  private readonly maxAge: number;

  constructor(private readonly options: StateCookieOptions) {
    this.maxAge = options.maxAge ?? 600;
  }

  private keyFor(req: CookieRequest): Buffer {
    const secret = this.options.secret ?? (typeof req.secret === 'string' ? req.secret : undefined);
    if (!secret) return PROCESS_KEY;
    let key = this.keys.get(secret);
    if (!key)
      this.keys.set(
        secret,
        (key = crypto.createHash('sha256').update(`loopline-passport-state:${secret}`).digest()),
      );
    return key;
  }

  private cookieOptions(req: CookieRequest): Record<string, unknown> {
    const crossSite = this.options.crossSitePost === true;
    return {
      httpOnly: true,
      sameSite: crossSite ? 'none' : 'lax',
      secure: crossSite || req.secure === true,
      path: this.options.path,
    };
  }

  write(req: CookieRequest, data: Record<string, unknown>): void {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.keyFor(req), iv);
    cipher.setAAD(Buffer.from(this.options.name));
    const plain = JSON.stringify({ ...data, exp: Date.now() + this.maxAge * 1000 });
    const sealed = Buffer.concat([
      iv,
      cipher.update(plain, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]).toString('base64url');
    req.res?.cookie(this.options.name, sealed, { ...this.cookieOptions(req), maxAge: this.maxAge * 1000 });
  }

  /** The state this browser stored, once: the cookie is cleared. Undefined when absent, altered or expired. */
  take(req: CookieRequest): Record<string, unknown> | undefined {
    const sealed = readCookie(req.headers.cookie, this.options.name);
    if (sealed === undefined) return undefined;
    req.res?.clearCookie(this.options.name, this.cookieOptions(req));
    try {
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length < 12 + 16 + 2) return undefined;
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.keyFor(req), bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(this.options.name));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(12, bytes.length - 16)),
        decipher.final(),
      ]).toString('utf8');
      const data = JSON.parse(plain) as Record<string, unknown>;
      return typeof data.exp === 'number' && data.exp > Date.now() ? data : undefined;
    } catch {
      return undefined;
    }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * passport-oauth2's state store interface (`store` / `verify`), on the state cookie: a random
 * `state` for every authorization request, and the PKCE verifier with it when the strategy has
 * `pkce: true`. The callback must bring back the state this browser was given.
 */
export class CookieStateStore {
  constructor(private readonly cookie: StateCookie) {}

  // Five parameters: passport-oauth2 hands the PKCE verifier to a store of this arity.
  store(
    req: CookieRequest,
    verifier: string | undefined,
    _state: unknown,
    _meta: unknown,
    callback: (err: Error | null, state?: string) => void,
  ): void {
    const state = crypto.randomBytes(24).toString('base64url');
    this.cookie.write(req, verifier === undefined ? { state } : { state, verifier });
    callback(null, state);
  }

  verify(
    req: CookieRequest,
    providedState: unknown,
    callback: (err: Error | null, ok: string | boolean, info?: { message: string }) => void,
  ): void {
    const stored = this.cookie.take(req);
    if (
      !stored ||
      typeof stored.state !== 'string' ||
      typeof providedState !== 'string' ||
      !sameText(stored.state, providedState)
    ) {
      return callback(null, false, { message: 'Unable to verify authorization request state.' });
    }
    callback(null, typeof stored.verifier === 'string' ? stored.verifier : true);
  }
}

/**
 * A stand-in for `req.session` where the app has no session middleware, for strategies that keep
 * their pending state in the session (openid-client's): the one key they use lives in the state
 * cookie instead.
 */
export function cookieBackedSession(
  req: CookieRequest,
  cookie: StateCookie,
  sessionKey: string,
): Record<string, unknown> {
  let taken: Record<string, unknown> | undefined;
  let read = false;
  return new Proxy<Record<string, unknown>>(
    {},
    {
      get(target, key) {
        if (key !== sessionKey) return Reflect.get(target, key);
        if (!read) {
          read = true;
          taken = cookie.take(req);
        }
        return taken?.value;
      },
      set(target, key, value) {
        if (key !== sessionKey) return Reflect.set(target, key, value);
        cookie.write(req, { value });
        return true;
      },
      deleteProperty(target, key) {
        if (key !== sessionKey) return Reflect.deleteProperty(target, key);
        return true;
      },
    },
  );
}

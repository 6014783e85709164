import * as crypto from 'crypto';
import * as fs from 'fs';
import type * as Jose from 'jose';
import { LooplineError } from '../../errors';

/** jose loads with the first JWT signed, checked or published (tens of ms cold), not by `require('loopline')`. */
let joseModule: typeof Jose | undefined;
const jose = (): typeof Jose => (joseModule ??= require('jose') as typeof Jose);

/**
 * JWT access tokens (`accessTokenFormat: "jwt"`): a login answers a token whose `id` is a JWS
 * signed with the app's key, verified on each request by its signature and claims alone, with no
 * store lookup. Keys come from the app setting `jwt` (config.json):
 *
 * - `keys`: private JWKs (with `kid`); the first one holding a private part signs, every key
 *   verifies and is published at `GET /.well-known/jwks.json`. Rotation: put the new key first
 *   and keep the old one (its public part is enough) until the tokens it signed have expired.
 * - else `keyFile`: a JSON file `{keys: [...]}`, created with a new key (mode 0600) when missing.
 * - else a key generated in memory at first use: tokens end with the process.
 *
 * `algorithm` is `ES256` (default) or `RS256`; `issuer` and `audience` default to `loopline` and
 * are checked on every token. Revocation is process-local and costs one map read per request:
 * logout revokes the token's `jti` until it expires; a user's deletion or email/password change
 * revokes every token of that user issued before it (the token making the change excepted).
 */
export interface JwtSettings {
  algorithm?: 'ES256' | 'RS256';
  keys?: Jose.JWK[];
  keyFile?: string;
  issuer?: string;
  audience?: string;
}

/** What a verified token says, in the AccessToken's own terms. */
export interface JwtTokenData {
  id: string;
  userId: unknown;
  principalType?: string;
  scopes?: string[];
  ttl: number;
  created: Date;
  jti: string;
}

const ALGORITHMS = ['ES256', 'RS256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** Three base64url segments (an empty third one is `alg: none`): the form of a compact JWS. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(id: unknown): id is string {
  return typeof id === 'string' && id.length <= 8192 && COMPACT_JWS.test(id);
}

interface KeyEntry {
  kid: string;
  alg: Algorithm;
  publicKey: Jose.KeyLike | Uint8Array;
  privateKey?: Jose.KeyLike | Uint8Array;
  publicJwk: Jose.JWK;
}

function invalidToken(message = 'Invalid access token'): LooplineError {
  return new LooplineError('INVALID_ACCESS_TOKEN', message);
}

function algorithmOf(value: unknown): Algorithm {
  if (value === undefined) return 'ES256';
  if (typeof value === 'string' && (ALGORITHMS as readonly string[]).includes(value))
    return value as Algorithm;
  throw new LooplineError('INVALID_JWT_SETTINGS', `jwt.algorithm must be one of ${ALGORITHMS.join(', ')}`);
}

async function generateKey(alg: Algorithm): Promise<Jose.JWK> {
  const { privateKey } = await jose().generateKeyPair(alg, { extractable: true });
  const jwk = await jose().exportJWK(privateKey);
  return { ...jwk, alg, kid: crypto.randomUUID(), use: 'sig' };
}

/** The private part of a JWK: what the published copy must never hold. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function importKey(jwk: Jose.JWK, fallbackAlg: Algorithm): Promise<KeyEntry> {
  const alg = algorithmOf(jwk.alg ?? fallbackAlg);
  const publicJwk = Object.fromEntries(
    Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.includes(k)),
  ) as Jose.JWK;
  const kid = jwk.kid ?? (await jose().calculateJwkThumbprint(publicJwk));
  publicJwk.kid = kid;
  publicJwk.alg = alg;
  publicJwk.use = 'sig';
  const publicKey = await jose().importJWK(publicJwk, alg);
  const privateKey = jwk.d ? await jose().importJWK(jwk, alg) : undefined;
  return { kid, alg, publicKey, privateKey, publicJwk };
}

async function configuredJwks(settings: JwtSettings, alg: Algorithm): Promise<Jose.JWK[]> {
  if (Array.isArray(settings.keys) && settings.keys.length) return settings.keys;
  if (typeof settings.keyFile === 'string' && settings.keyFile) {
    if (fs.existsSync(settings.keyFile)) {
      const read = JSON.parse(fs.readFileSync(settings.keyFile, 'utf8')) as { keys?: Jose.JWK[] };
      if (Array.isArray(read.keys) && read.keys.length) return read.keys;
    }
    const keys = [await generateKey(alg)];
    // `wx`: two processes starting together do not overwrite each other's key.
    try {
      fs.writeFileSync(settings.keyFile, JSON.stringify({ keys }, null, 2), { mode: 0o600, flag: 'wx' });
    } catch {
      return configuredJwks(settings, alg);
    }
    return keys;
  }
  return [await generateKey(alg)];
}

/** The app's signer, verifier and revocation list. */
export class JwtAccessTokens {
  readonly issuer: string;
  readonly audience: string;
  private readonly keys: Promise<KeyEntry[]>;
  /** jti → when the token expires (ms): logged-out tokens, kept until they would expire anyway. */
  private readonly revokedIds = new Map<string, number>();
  /** `principalType\0userId` → tokens created before `before` are revoked, except `keep`. */
  private readonly userStamps = new Map<string, { before: number; keep: Set<string> }>();

  constructor(settings: JwtSettings = {}) {
    const alg = algorithmOf(settings.algorithm);
    this.issuer = settings.issuer ?? 'loopline';
    this.audience = settings.audience ?? 'loopline';
    this.keys = configuredJwks(settings, alg).then((jwks) => Promise.all(jwks.map((k) => importKey(k, alg))));
    this.keys.catch(() => undefined);
  }

  async sign(data: {
    userId: unknown;
    principalType?: string;
    scopes?: string[];
    ttl: number;
  }): Promise<JwtTokenData> {
    const signer = (await this.keys).find((k) => k.privateKey);
    if (!signer?.privateKey)
      throw new LooplineError('INVALID_JWT_SETTINGS', 'jwt.keys holds no private key to sign with');
    const created = new Date();
    const jti = crypto.randomUUID();
    const claims: Jose.JWTPayload = {
      uid: data.userId as Jose.JWTPayload[string],
      created: created.getTime(),
      ttl: data.ttl,
    };
    if (data.principalType) claims.principalType = data.principalType;
    if (data.scopes) claims.scopes = data.scopes;
    const { SignJWT } = jose();
    const id = await new SignJWT(claims)
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
      .setSubject(String(data.userId))
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setJti(jti)
      .setIssuedAt(Math.floor(created.getTime() / 1000))
      .setExpirationTime(Math.floor((created.getTime() + data.ttl * 1000) / 1000))
      .sign(signer.privateKey);
    return {
      id,
      userId: data.userId,
      principalType: data.principalType,
      scopes: data.scopes,
      ttl: data.ttl,
      created,
      jti,
    };
  }

  /**
   * The token's data, or a 401: `ACCESS_TOKEN_EXPIRED`, `ACCESS_TOKEN_REVOKED`, else
   * `INVALID_ACCESS_TOKEN` (unknown `kid`, an algorithm other than the key's, `alg: none`, a bad
   * signature or payload, another issuer or audience). jose checks the signature.
   */
  async verify(token: string): Promise<JwtTokenData> {
    const keys = await this.keys;
    let payload: Jose.JWTPayload;
    try {
      ({ payload } = await jose().jwtVerify(
        token,
        (header) => {
          const key = keys.find((k) => k.kid === header.kid);
          if (!key || key.alg !== header.alg) throw invalidToken();
          return key.publicKey;
        },
        {
          algorithms: [...ALGORITHMS],
          issuer: this.issuer,
          audience: this.audience,
          typ: 'at+jwt',
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        },
      ));
    } catch (err) {
      if (err instanceof jose().errors.JWTExpired)
        throw new LooplineError('ACCESS_TOKEN_EXPIRED', 'Access token expired');
      throw invalidToken();
    }
    const { uid, created, ttl, principalType, scopes, jti } = payload;
    if (
      typeof jti !== 'string' ||
      (typeof uid !== 'string' && typeof uid !== 'number') ||
      typeof created !== 'number' ||
      typeof ttl !== 'number' ||
      (principalType !== undefined && typeof principalType !== 'string') ||
      (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')))
    )
      throw invalidToken();
    if (this.isRevoked(jti, principalType, uid, created))
      throw new LooplineError('ACCESS_TOKEN_REVOKED', 'Access token revoked');
    return {
      id: token,
      userId: uid,
      principalType,
      scopes: scopes as string[] | undefined,
      ttl,
      created: new Date(created),
      jti,
    };
  }

  /** The public keys, as `GET /.well-known/jwks.json` answers them. */
  async jwks(): Promise<{ keys: Jose.JWK[] }> {
    return { keys: (await this.keys).map((k) => k.publicJwk) };
  }

  revoke(token: JwtTokenData): void {
    const now = Date.now();
    for (const [jti, expires] of this.revokedIds) if (expires <= now) this.revokedIds.delete(jti);
    this.revokedIds.set(token.jti, token.created.getTime() + token.ttl * 1000);
  }

  /** Revokes every token of these users made until now, except the token `keep` (its jti). */
  revokeUsers(principalType: string | undefined, userIds: unknown[], keep?: string): void {
    const before = Date.now() + 1;
    for (const id of userIds)
      this.userStamps.set(stampKey(principalType, id), { before, keep: new Set(keep ? [keep] : []) });
  }

  private isRevoked(
    jti: string,
    principalType: string | undefined,
    userId: unknown,
    created: number,
  ): boolean {
    if (this.revokedIds.has(jti)) return true;
    const stamp = this.userStamps.get(stampKey(principalType, userId));
    return !!stamp && created < stamp.before && !stamp.keep.has(jti);
  }
}

function stampKey(principalType: string | undefined, userId: unknown): string {
  return `${principalType ?? ''}\0${String(userId)}`;
}

/** The codes of a refused JWT. */
const REFUSAL_CODES = new Set(['INVALID_ACCESS_TOKEN', 'ACCESS_TOKEN_EXPIRED', 'ACCESS_TOKEN_REVOKED']);

export function isTokenRefusal(err: unknown): err is LooplineError {
  return err instanceof LooplineError && REFUSAL_CODES.has(err.code);
}

/**
 * Why the request's JWT was refused. The request then goes on without a token, as LB3 treats an
 * unknown token (a login or a public method still answers); where it is refused for want of a
 * token, the 401 carries this error's code rather than AUTHORIZATION_REQUIRED.
 */
const refusals = new WeakMap<object, LooplineError>();

export function recordTokenRefusal(req: object, err: LooplineError): void {
  refusals.set(req, err);
}

export function tokenRefusalOf(req: unknown): LooplineError | undefined {
  return req && typeof req === 'object' ? refusals.get(req) : undefined;
}

const services = new WeakMap<object, JwtAccessTokens>();

type AnyApp =
  | {
      get?: (key: string) => unknown;
      models?: (() => Array<{ settings?: Record<string, unknown> }>) | undefined;
    }
  | undefined
  | null;

/** Whether the app issues JWTs: the app setting, or a user model's own `accessTokenFormat`. */
export function issuesJwt(app: AnyApp, UserModel?: { settings?: Record<string, unknown> }): boolean {
  const own = UserModel?.settings?.accessTokenFormat;
  if (own !== undefined) return own === 'jwt';
  return app?.get?.('accessTokenFormat') === 'jwt';
}

/** The app's JWT service: made on first use when the app or one of its models issues JWTs, or has `jwt` settings. */
export function jwtServiceOf(app: AnyApp): JwtAccessTokens | undefined {
  if (!app || (typeof app !== 'object' && typeof app !== 'function')) return undefined;
  const existing = services.get(app);
  if (existing) return existing;
  const settings = app.get?.('jwt') as JwtSettings | undefined;
  const used =
    settings !== undefined ||
    app.get?.('accessTokenFormat') === 'jwt' ||
    (typeof app.models === 'function' && app.models().some((m) => m?.settings?.accessTokenFormat === 'jwt'));
  if (!used) return undefined;
  const service = new JwtAccessTokens(settings ?? {});
  services.set(app, service);
  return service;
}

/** `GET /.well-known/jwks.json`: the app's public keys, or on to the next handler when it has none. */
export function jwksRoute(app: AnyApp) {
  return (
    _req: unknown,
    res: { set: (k: string, v: string) => void; json: (body: unknown) => void },
    next: (err?: unknown) => void,
  ) => {
    const service = jwtServiceOf(app);
    if (!service) return next();
    service.jwks().then((body) => {
      res.set('Cache-Control', 'public, max-age=300');
      res.json(body);
    }, next);
  };
}

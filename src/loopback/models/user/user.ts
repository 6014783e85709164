import { LooplineError } from '../../../errors';
import { signupsInFlight, trackSignups } from '../pending-signups';
import { callbackOrPromise, withCallback } from '../../../util/callback';
import {
  attemptModelFor,
  clientAddressOf,
  loginThrottleOf,
  setRetryAfter,
  throttleSettings,
  tooManyAttempts,
} from '../../security/login-throttle';
import { verifyPassword } from '../../security/password';
import { safeEqual } from '../../security/token-id';
import { generateVerificationToken, getVerifyOptions, verifyUser } from './verify';
import { adjustCompiledUser, hashPasswordSync, validatePassword } from './password-hashing';
import { endSession, installDeleteHook, tokenModelOf } from './sessions';
import { issuesJwt, jwtServiceOf } from '../../security/jwt-tokens';
import { jwtAccessToken } from '../access-token';
import { OVER_REST } from './remote-methods';
import {
  hashRounds,
  installWriteHooks,
  normalizeEmail,
  SERVER_MANAGED_WRITE,
  settingsOf,
  usesRealms,
  validatePlainPassword,
} from './writes';

/**
 * The built-in User: login/logout, email verification, password reset and change, and its remote
 * methods (declared in remote-methods.ts). What a write on a user does is in writes.ts;
 * the sessions it ends in sessions.ts.
 */

type AnyModel = any;

/** An address as LB3 accepted it: something@domain, a bare top-level domain included (`local@com`). */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/;

function validEmail(this: any, err: (kind?: string) => void): void {
  const value = this.email;
  if (value === null || value === undefined || value === '') return;
  if (typeof value !== 'string') return err('string');
  if (value.length > 254 || !EMAIL.test(value)) err('email');
}

/** The `createAccessToken` loopline installs; a login calls an app's replacement LB3's way. */
const builtinCreateAccessTokens = new WeakSet<object>();

function includesUser(include: unknown): boolean {
  const list = Array.isArray(include) ? include : typeof include === 'string' ? include.split(',') : [];
  return list.some((i) => typeof i === 'string' && i.trim().toLowerCase() === 'user');
}

function loginFailed(): LooplineError {
  return new LooplineError('LOGIN_FAILED', 'login failed');
}

function userNotFound(userId: unknown): LooplineError {
  // LB3 answers 401 here (confirm's unknown user is 404): the caller is not that user.
  return new LooplineError('USER_NOT_FOUND', `User ${String(userId)} not found`).withStatus(401);
}

/** LB3's split of `realm<delimiter>name` at the first delimiter; a name without one has no realm. */
function splitPrincipal(name: unknown, delimiter: unknown): [unknown, unknown] {
  if (typeof name !== 'string' || typeof delimiter !== 'string' || !delimiter) return [undefined, name];
  const at = name.indexOf(delimiter);
  return at === -1 ? [undefined, name] : [name.slice(0, at), name.slice(at + delimiter.length)];
}

/**
 * The token a login issues: through the model's `createAccessToken`, which an app may replace
 * with one taking `(ttl, cb)` or `(ttl, credentials, cb)` (LB3 passes the credentials to the
 * three-parameter form) and answering through the callback or a promise.
 */
function issueLoginToken(user: AnyModel, credentials: any): Promise<any> {
  const create = user.createAccessToken;
  if (builtinCreateAccessTokens.has(create)) return create.call(user, credentials.ttl);
  return callbackOrPromise((cb) =>
    create.length === 2
      ? create.call(user, credentials.ttl, cb)
      : create.call(user, credentials.ttl, credentials, cb),
  );
}

/**
 * The short-lived token of a password reset, made by the model's `createAccessToken`. By default
 * it is scoped to `reset-password` (it can set the password and nothing else); with
 * `restrictResetPasswordTokenScope: false` it is a full token, as LB3 made it by default. An
 * app's `createAccessToken(ttl, cb)` cannot take scopes and is called LB3's way, `(ttl, cb)`.
 */
function issueResetToken(user: AnyModel, ttl: number, restricted: boolean): Promise<any> {
  const create = user.createAccessToken;
  if (builtinCreateAccessTokens.has(create))
    return restricted ? create.call(user, { ttl, scopes: ['reset-password'] }, {}) : create.call(user, ttl);
  return callbackOrPromise((cb) =>
    restricted && create.length !== 2
      ? create.call(user, { ttl, scopes: ['reset-password'] }, {}, cb)
      : create.call(user, ttl, cb),
  );
}

const statics = {
  async login(this: AnyModel, credentials: any, include?: unknown): Promise<any> {
    if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials)) {
      throw new LooplineError('USERNAME_EMAIL_REQUIRED', 'username or email is required');
    }
    const settings = settingsOf(this);
    const realms = usesRealms(this);
    const query = this.normalizeCredentials(
      { email: credentials.email, username: credentials.username, realm: credentials.realm },
      realms,
      realms ? settings.realmDelimiter : undefined,
    );
    if (realms) {
      if (!query.realm) throw new LooplineError('REALM_REQUIRED', 'realm is required');
      if (typeof query.realm !== 'string') throw new LooplineError('INVALID_REALM', 'Invalid realm');
    }
    if (!query.email && !query.username)
      throw new LooplineError('USERNAME_EMAIL_REQUIRED', 'username or email is required');
    // Only strings reach the query: an operator object ({"neq": null}) must not match a user.
    if (query.username && typeof query.username !== 'string')
      throw new LooplineError('INVALID_USERNAME', 'Invalid username');
    if (query.email && typeof query.email !== 'string')
      throw new LooplineError('INVALID_EMAIL', 'Invalid email');
    if (query.email !== undefined) query.email = normalizeEmail(this, query.email);
    // The throttle records this attempt while the user is looked up and the password compared.
    const throttle = loginThrottleOf(this);
    const gate = throttle?.enter(throttle.keys(query, clientAddressOf(credentials)));
    gate?.catch(() => undefined);
    const signup = signupsInFlight(this, query);
    if (signup) await signup;
    const user = await this.findOne({ where: query });
    // Unknown user and wrong password take the same path: one bcrypt comparison, then 401.
    const ok = await verifyPassword(credentials.password, user?.password, hashRounds(this));
    const passed = await gate;
    // Clearing the account's failures runs beside the token's creation, off the critical path.
    let cleared: Promise<void> | undefined;
    if (throttle && passed) {
      // Locked: the same answer whatever the password and whether the account exists.
      if (passed.retryAfter > 0) {
        await throttle.refused(passed);
        setRetryAfter(credentials, passed.retryAfter);
        throw tooManyAttempts(passed.retryAfter);
      }
      if (user && ok) {
        cleared = throttle.succeeded(passed);
        cleared.catch(() => undefined);
      }
    }
    if (!user || !ok) throw loginFailed();
    if (settings.emailVerificationRequired && !user.emailVerified) {
      await cleared;
      throw new LooplineError(
        'LOGIN_FAILED_EMAIL_NOT_VERIFIED',
        'login failed as the email has not been verified',
        { userId: user.getId() },
      );
    }
    const token = await issueLoginToken(user, credentials);
    await cleared;
    // LB3 resolves the AccessToken instance (server code calls token.destroy()); with
    // include=user the user rides along as the token's cached `user` relation, as an include would.
    if (token && includesUser(include)) token.__cachedRelations.user = user;
    return token;
  },

  async logout(this: AnyModel, tokenId: unknown): Promise<void> {
    if (typeof tokenId !== 'string' || !tokenId)
      throw new LooplineError('ACCESS_TOKEN_REQUIRED', 'accessToken is required to logout');
    if (!(await endSession(this, tokenId)))
      throw new LooplineError('ACCESS_TOKEN_REQUIRED', 'could not find accessToken');
  },

  async confirm(this: AnyModel, uid: unknown, token: unknown, _redirect?: unknown): Promise<void> {
    const user = await this.findById(uid);
    if (!user) throw new LooplineError('USER_NOT_FOUND', `User not found: ${String(uid)}`);
    if (!user.verificationToken || !safeEqual(token, user.verificationToken)) {
      throw new LooplineError('INVALID_TOKEN', 'Invalid token');
    }
    await user.updateAttributes(
      { emailVerified: true, verificationToken: null },
      { [SERVER_MANAGED_WRITE]: true },
    );
  },

  async resetPassword(this: AnyModel, options: any): Promise<void> {
    const settings = settingsOf(this);
    const email = options && typeof options === 'object' ? options.email : undefined;
    if (typeof email !== 'string' || !email) throw new LooplineError('EMAIL_REQUIRED', 'Email is required');
    if (options.password) this.validatePassword(options.password);
    const where: Record<string, unknown> = { email: normalizeEmail(this, email) };
    if (options.realm) where.realm = options.realm;
    const user = await this.findOne({ where });
    if (!user) {
      // Safe default over REST: the answer does not tell a client whether an address is
      // registered. Server code gets LB3's error.
      if (options[OVER_REST] && !settings.resetPasswordRevealsUnknownEmail) return;
      throw new LooplineError('EMAIL_NOT_FOUND', 'Email not found');
    }
    if (settings.emailVerificationRequired && !user.emailVerified) {
      throw new LooplineError(
        'RESET_FAILED_EMAIL_NOT_VERIFIED',
        'Password reset failed as the email has not been verified',
      );
    }
    const ttl = Number(settings.resetPasswordTokenTTL ?? 900);
    const accessToken = await issueResetToken(user, ttl, settings.restrictResetPasswordTokenScope !== false);
    // LB3 answers the caller first, then announces the request (the app mails the token).
    setImmediate(() => this.emit('resetPasswordRequest', { email, accessToken, user, options }));
  },

  async setPassword(this: AnyModel, userId: unknown, newPassword: unknown, options?: any): Promise<void> {
    validatePlainPassword(newPassword);
    const user = await this.findById(userId, undefined, options);
    if (!user) throw userNotFound(userId);
    await user.setPassword(newPassword, options);
  },

  async changePassword(
    this: AnyModel,
    userId: unknown,
    oldPassword: unknown,
    newPassword: unknown,
    options?: any,
  ): Promise<void> {
    const user = await this.findById(userId, undefined, options);
    if (!user) throw userNotFound(userId);
    await user.changePassword(oldPassword, newPassword, options);
  },

  /** LB3's query for a login: email (else username), and with realms the realm, also from `realm:name`. */
  normalizeCredentials(credentials: any, realmRequired: boolean, realmDelimiter?: string): any {
    const query: Record<string, unknown> = {};
    credentials = credentials || {};
    if (!realmRequired) {
      if (credentials.email) query.email = credentials.email;
      else if (credentials.username) query.username = credentials.username;
      return query;
    }
    if (credentials.realm) query.realm = credentials.realm;
    const key = credentials.email ? 'email' : credentials.username ? 'username' : undefined;
    if (key) {
      const [realm, name] = splitPrincipal(credentials[key], realmDelimiter);
      query[key] = name;
      if (realm) query.realm = realm;
    }
    return query;
  },
};

/** LB3's `createAccessToken` forms: `(ttl)`, `(ttl, options)`, `({ttl, scopes…}, options)`, `(options)`. */
async function createAccessToken(this: any, ttlOrData?: unknown, options?: unknown): Promise<any> {
  const User = this.constructor;
  const settings = settingsOf(User);
  let data: Record<string, unknown>;
  if (ttlOrData === null || typeof ttlOrData !== 'object') data = { ttl: ttlOrData };
  else if (options !== undefined) data = { ...(ttlOrData as Record<string, unknown>) };
  else {
    data = {};
    options = ttlOrData;
  }
  const defaultTtl = Number(settings.ttl ?? 1209600);
  const maxTTL = Number(settings.maxTTL ?? 31556926);
  const ttl = data.ttl;
  let value = typeof ttl === 'number' || (typeof ttl === 'string' && ttl !== '') ? Number(ttl) : defaultTtl;
  if (!Number.isFinite(value) || value === 0) value = defaultTtl;
  if (value === -1 && !settings.allowEternalTokens) value = maxTTL;
  else if (value < 0 && value !== -1) value = defaultTtl;
  else if (value > maxTTL) value = maxTTL;
  const Token = tokenModelOf(User);
  const tokenData: Record<string, unknown> = {
    ...(Array.isArray(data.scopes) ? { scopes: data.scopes } : {}),
    userId: this.getId(),
    ttl: Math.floor(value),
    principalType: User.modelName,
  };
  const jwt = issuesJwt(User.app, User) ? jwtServiceOf(User.app) : undefined;
  if (jwt) {
    // A JWT cannot be eternal: it always carries an expiry (at most maxTTL).
    const signed = await jwt.sign({
      ...tokenData,
      ttl: value === -1 ? Math.floor(maxTTL) : Math.floor(value),
    } as Parameters<typeof jwt.sign>[0]);
    return jwtAccessToken(Token, signed, jwt);
  }
  return Token.create(tokenData, options && typeof options === 'object' ? options : undefined);
}

const prototype = {
  hasPassword(this: any, plain: unknown): Promise<boolean> {
    return verifyPassword(plain, this.password, hashRounds(this.constructor));
  },

  createAccessToken,

  verify: verifyUser,

  async setPassword(this: any, newPassword: unknown, options?: any): Promise<void> {
    this.constructor.validatePassword(newPassword);
    await this.patchAttributes({ password: newPassword }, { ...options, setPassword: true });
    const current = options?.accessToken;
    if (current?.id && Array.isArray(current.scopes) && current.scopes.includes('reset-password')) {
      await endSession(this.constructor, current.id);
    }
  },

  async changePassword(this: any, oldPassword: unknown, newPassword: unknown, options?: any): Promise<void> {
    if (!(await this.hasPassword(oldPassword)))
      throw new LooplineError('INVALID_PASSWORD', 'Invalid current password');
    await this.setPassword(newPassword, options);
  },
};

function bridge(fn: (...args: any[]) => Promise<unknown>) {
  return function (this: unknown, ...args: any[]) {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    return withCallback(fn.apply(this, args), cb);
  };
}

/**
 * `create` on a user model: the identities being signed up are known to `login` from this call on
 * (pending-signups.ts), so a login sent right after an unawaited create finds the user, as on LB3.
 */
function trackingCreate(User: AnyModel) {
  const baseCreate = Object.getPrototypeOf(User).create as (...args: unknown[]) => Promise<unknown>;
  return function create(this: AnyModel, data: unknown, ...rest: unknown[]) {
    const written = trackSignups(this, data, (id) => ({ ...id, email: normalizeEmail(this, id.email) }));
    const result = baseCreate.call(this, data, ...rest);
    result.then(written, written);
    return result;
  };
}

export function setupUser(User: AnyModel): void {
  Object.defineProperty(User, 'create', { value: trackingCreate(User), writable: true, configurable: true });
  for (const [name, fn] of Object.entries(statics)) {
    Object.defineProperty(User, name, {
      value: name === 'normalizeCredentials' ? fn : bridge(fn as any),
      writable: true,
      configurable: true,
    });
  }
  for (const [name, fn] of Object.entries(prototype)) {
    const bridged = bridge(fn as any);
    if (name === 'createAccessToken') builtinCreateAccessTokens.add(bridged);
    Object.defineProperty(User.prototype, name, { value: bridged, writable: true, configurable: true });
  }
  for (const [name, value] of Object.entries({
    getVerifyOptions,
    generateVerificationToken,
    hashPassword: hashPasswordSync,
    validatePassword,
    __adjustCompiled: adjustCompiledUser,
  })) {
    Object.defineProperty(User, name, { value, writable: true, configurable: true });
  }
  // The built-in User itself was compiled before it had the hook its subclasses inherit.
  adjustCompiledUser(User.__compiled);
  // LB3's defaults for the mailer of `verify` and the token model (an app may set others).
  User.email = User.modelBuilder?.getModel('Email');
  User.accessToken = User.modelBuilder?.getModel('AccessToken');
  User.validate('email', validEmail, { message: 'Must provide a valid email' });
  // Per realm where the model partitions users by realm and delimiter (as LB3 scopes them).
  const scopedTo = (Model: AnyModel) =>
    settingsOf(Model).realmRequired && settingsOf(Model).realmDelimiter ? ['realm'] : [];
  User.validatesUniquenessOf('email', { message: 'Email already exists', scopedTo });
  User.validatesUniquenessOf('username', { message: 'User already exists', scopedTo });
  installWriteHooks(User);
  installDeleteHook(User);
  // The throttle's model joins the user model's data source at boot, so migrations include it.
  Object.defineProperty(User, '__attachedToApp', {
    value(this: AnyModel, app: any) {
      Object.getPrototypeOf(User).__attachedToApp?.call(this, app);
      if (this.dataSource && throttleSettings(app)) attemptModelFor(this.dataSource);
      // LB3 declares setPassword for reset tokens only when they are scoped; with full reset
      // tokens (`restrictResetPasswordTokenScope: false`) any session of the user may call it.
      const setPassword = this.sharedClass?.findMethodByName('setPassword');
      if (settingsOf(this).restrictResetPasswordTokenScope === false && setPassword?.options.accessScopes)
        this.sharedClass.defineMethod('setPassword', { ...setPassword.options, accessScopes: undefined });
    },
    writable: true,
    configurable: true,
  });
}

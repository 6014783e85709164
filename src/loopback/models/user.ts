import { LooplineError } from '../../errors';
import { signupsInFlight, trackSignups } from './pending-signups';
import { withCallback } from '../../util/callback';
import type { RemotingContext } from '../../remoting/context';
import {
  attemptModelFor,
  clientAddressOf,
  loginThrottleOf,
  rememberLoginRequest,
  setRetryAfter,
  throttleSettings,
  tooManyAttempts,
} from '../security/login-throttle';
import { verifyPassword } from '../security/password';
import { tokenPrincipal } from '../security/principal';
import { generateTokenId, safeEqual } from '../security/token-id';
import { installDeleteHook, tokenModelOf } from './user-sessions';
import {
  hashRounds,
  installWriteHooks,
  normalizeEmail,
  SERVER_MANAGED_WRITE,
  settingsOf,
  usesRealms,
  validatePlainPassword,
} from './user-writes';

/**
 * The built-in User: login/logout, email verification, password reset and change, and its remote
 * methods. What a write on a user does is in user-writes.ts; the sessions it ends in user-sessions.ts.
 */

type AnyModel = any;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function includesUser(include: unknown): boolean {
  const list = Array.isArray(include) ? include : typeof include === 'string' ? include.split(',') : [];
  return list.some((i) => typeof i === 'string' && i.trim().toLowerCase() === 'user');
}

function loginFailed(): LooplineError {
  return new LooplineError('LOGIN_FAILED', 401, 'login failed');
}

const statics = {
  async login(this: AnyModel, credentials: any, include?: unknown): Promise<any> {
    if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials)) {
      throw new LooplineError('USERNAME_EMAIL_REQUIRED', 400, 'username or email is required');
    }
    const settings = settingsOf(this);
    const realms = usesRealms(this);
    // Only strings reach the query: an operator object ({"neq": null}) must not match a user.
    const plain = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const query = this.normalizeCredentials(
      { email: plain(credentials.email), username: plain(credentials.username), realm: credentials.realm },
      realms,
      settings.realmDelimiter,
    );
    if (realms) {
      if (!query.realm) throw new LooplineError('REALM_REQUIRED', 400, 'realm is required');
      if (typeof query.realm !== 'string') throw new LooplineError('INVALID_REALM', 400, 'Invalid realm');
    }
    if (query.email !== undefined) query.email = normalizeEmail(this, query.email);
    else if (query.username === undefined)
      throw new LooplineError('USERNAME_EMAIL_REQUIRED', 400, 'username or email is required');
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
        401,
        'login failed as the email has not been verified',
        { userId: user.id },
      );
    }
    const token = await user.createAccessToken(credentials.ttl);
    await cleared;
    // LB3 resolves the AccessToken instance (server code calls token.destroy()); with
    // include=user the user rides along as the token's cached `user` relation, as an include would.
    if (includesUser(include)) token.__cachedRelations.user = user;
    return token;
  },

  async logout(this: AnyModel, tokenId: unknown): Promise<void> {
    if (typeof tokenId !== 'string' || !tokenId)
      throw new LooplineError('ACCESS_TOKEN_REQUIRED', 401, 'accessToken is required to logout');
    const Token = tokenModelOf(this);
    const info = await Token.destroyById(tokenId);
    if (!info || info.count === 0)
      throw new LooplineError('ACCESS_TOKEN_REQUIRED', 401, 'could not find accessToken');
  },

  async confirm(this: AnyModel, uid: unknown, token: unknown, _redirect?: unknown): Promise<void> {
    const user = await this.findById(uid);
    if (!user) throw new LooplineError('USER_NOT_FOUND', 404, `User not found: ${String(uid)}`);
    if (!user.verificationToken || !safeEqual(token, user.verificationToken)) {
      throw new LooplineError('INVALID_TOKEN', 400, 'Invalid token');
    }
    await user.updateAttributes({ emailVerified: true, verificationToken: null });
  },

  async resetPassword(this: AnyModel, options: any): Promise<void> {
    const settings = settingsOf(this);
    const email = options && typeof options === 'object' ? options.email : undefined;
    if (typeof email !== 'string' || !email)
      throw new LooplineError('EMAIL_REQUIRED', 400, 'Email is required');
    const where: Record<string, unknown> = { email: normalizeEmail(this, email) };
    if (options.realm) where.realm = options.realm;
    const user = await this.findOne({ where });
    if (!user) {
      // Safe default: the answer does not tell whether an address is registered.
      if (settings.resetPasswordRevealsUnknownEmail)
        throw new LooplineError('EMAIL_NOT_FOUND', 404, 'Email not found');
      return;
    }
    if (settings.emailVerificationRequired && !user.emailVerified) {
      throw new LooplineError(
        'RESET_FAILED_EMAIL_NOT_VERIFIED',
        401,
        'Password reset failed as the email has not been verified',
      );
    }
    const ttl = Number(settings.resetPasswordTokenTTL ?? 900);
    const accessToken = await user.createAccessToken(ttl, { scopes: ['reset-password'] });
    this.emit('resetPasswordRequest', { email: user.email, accessToken, user, options });
  },

  async setPassword(this: AnyModel, userId: unknown, newPassword: unknown, options?: any): Promise<void> {
    validatePlainPassword(newPassword);
    const user = await this.findById(userId, undefined, options);
    if (!user) throw new LooplineError('USER_NOT_FOUND', 404, `User not found: ${String(userId)}`);
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
    if (!user) throw new LooplineError('USER_NOT_FOUND', 404, `User not found: ${String(userId)}`);
    await user.changePassword(oldPassword, newPassword, options);
  },

  /** Password check used by login; exposed as LB3's `user.hasPassword`. */
  normalizeCredentials(credentials: any, realmRequired: boolean, realmDelimiter?: string): any {
    const query: Record<string, unknown> = {};
    credentials = credentials || {};
    if (!realmRequired) {
      if (credentials.email) query.email = credentials.email;
      else if (credentials.username) query.username = credentials.username;
      return query;
    }
    if (credentials.realm) query.realm = credentials.realm;
    let parts: string[];
    if (credentials.email) {
      parts = realmDelimiter ? String(credentials.email).split(realmDelimiter) : [];
      if (parts.length === 2) [query.realm, query.email] = parts;
      else query.email = credentials.email;
    } else if (credentials.username) {
      parts = realmDelimiter ? String(credentials.username).split(realmDelimiter) : [];
      if (parts.length === 2) [query.realm, query.username] = parts;
      else query.username = credentials.username;
    }
    return query;
  },
};

const prototype = {
  hasPassword(this: any, plain: unknown): Promise<boolean> {
    return verifyPassword(plain, this.password, hashRounds(this.constructor));
  },

  async createAccessToken(this: any, ttl?: unknown, options: { scopes?: string[] } = {}): Promise<any> {
    const User = this.constructor;
    const settings = settingsOf(User);
    const maxTTL = Number(settings.maxTTL ?? 31556926);
    let value =
      typeof ttl === 'number' || (typeof ttl === 'string' && ttl !== '')
        ? Number(ttl)
        : Number(settings.ttl ?? 1209600);
    if (!Number.isFinite(value) || value === 0) value = Number(settings.ttl ?? 1209600);
    if (value === -1 && !settings.allowEternalTokens) value = maxTTL;
    else if (value < 0 && value !== -1) value = Number(settings.ttl ?? 1209600);
    else if (value > maxTTL) value = maxTTL;
    const Token = tokenModelOf(User);
    const data: Record<string, unknown> = {
      userId: this.id,
      ttl: Math.floor(value),
      principalType: User.modelName,
    };
    if (options && Array.isArray(options.scopes)) data.scopes = options.scopes;
    return Token.create(data);
  },

  async verify(
    this: any,
    verifyOptions: any = {},
    options?: any,
  ): Promise<{ email: unknown; token: string; uid: unknown }> {
    const User = this.constructor;
    const app = User.app;
    const opts = verifyOptions && typeof verifyOptions === 'object' ? { ...verifyOptions } : {};
    const token = generateTokenId(64);
    await this.updateAttributes({ verificationToken: token }, { ...options, [SERVER_MANAGED_WRITE]: true });
    const restApiRoot = app?.get?.('restApiRoot') ?? '/api';
    const host = opts.host ?? app?.get?.('host') ?? 'localhost';
    const port = opts.port ?? app?.get?.('port') ?? 3000;
    const protocol = opts.protocol ?? 'http';
    const path = User.sharedClass?.http?.path ?? `/${User.definition.pluralName}`;
    const redirect = typeof opts.redirect === 'string' ? opts.redirect : '/';
    const href = `${protocol}://${host}${port === 80 || port === 443 ? '' : ':' + String(port)}${restApiRoot}${path}/confirm?uid=${encodeURIComponent(String(this.id))}&redirect=${encodeURIComponent(redirect)}&token=${token}`;
    const Email = opts.mailer ?? User.email ?? app?.models?.Email ?? User.modelBuilder?.getModel('Email');
    const message = {
      to: opts.to ?? this.email,
      from: opts.from ?? settingsOf(User).emailFrom ?? 'noreply@localhost',
      subject: opts.subject ?? 'Thanks for Registering',
      text: opts.text ?? `Please verify your email by opening this link in a web browser:\n\t${href}`,
      html: opts.html,
    };
    if (Email && typeof Email.send === 'function') await Email.send(message);
    return { email: message.to, token, uid: this.id };
  },

  async setPassword(this: any, newPassword: unknown, options?: any): Promise<void> {
    validatePlainPassword(newPassword);
    await this.updateAttributes({ password: newPassword }, { ...options, setPassword: true });
    const current = options?.accessToken;
    if (current?.id && Array.isArray(current.scopes) && current.scopes.includes('reset-password')) {
      await tokenModelOf(this.constructor).destroyById(current.id);
    }
  },

  async changePassword(this: any, oldPassword: unknown, newPassword: unknown, options?: any): Promise<void> {
    if (!(await this.hasPassword(oldPassword)))
      throw new LooplineError('INVALID_PASSWORD', 400, 'Invalid current password');
    validatePlainPassword(newPassword);
    await this.updateAttributes({ password: newPassword }, { ...options, setPassword: true });
  },
};

/** Only same-site redirects after confirm: a full URL elsewhere would make an open redirect. */
function confirmRedirect(ctx: RemotingContext, next: (err?: unknown) => void): void {
  const redirect = ctx.args.redirect;
  if (
    typeof redirect === 'string' &&
    redirect.startsWith('/') &&
    !redirect.startsWith('//') &&
    !redirect.startsWith('/\\')
  ) {
    ctx.res.redirect(redirect);
  }
  next();
}

/**
 * The current user's id for the methods acting on "my" account, from a token of this very user
 * model: a Staff token on `/Members/change-password` is 403, as in LB3 (Staff 1 is not Member 1).
 */
const tokenUserId = (ctx: RemotingContext) => {
  const token = (ctx.req as any)?.accessToken;
  if (!token || token.userId === undefined || token.userId === null) return undefined;
  const Model = ctx.method.sharedClass.ctor as AnyModel;
  const principal = tokenPrincipal(Model?.app, token);
  if (!principal || principal.model !== Model) throw new LooplineError('ACCESS_DENIED', 403, 'Access Denied');
  return token.userId;
};
const tokenId = (ctx: RemotingContext) => (ctx.req as any)?.accessToken?.id;
const OPTIONS_ARG = { arg: 'options', type: 'object', http: 'optionsFromRequest' };

/** The remote methods, as `methods` settings so models extending User inherit them. */
export const USER_METHODS: Record<string, unknown> = {
  login: {
    description: 'Login a user with username/email and password.',
    accepts: [
      { arg: 'credentials', type: 'object', required: true, http: { source: 'body' } },
      {
        arg: 'include',
        type: ['string'],
        http: { source: 'query' },
        description:
          'Related objects to include in the response. See the description of return value for more details.',
      },
    ],
    returns: {
      arg: 'accessToken',
      type: 'object',
      root: true,
      description: 'The response body contains properties of the AccessToken created on login.',
    },
    http: { verb: 'post' },
    rest: { before: rememberLoginRequest },
  },
  logout: {
    description: 'Logout a user with access token.',
    accepts: [
      {
        arg: 'access_token',
        type: 'string',
        http: tokenId,
        description: 'Do not supply this argument, it is automatically extracted from request headers.',
      },
    ],
    http: { verb: 'all' },
  },
  'prototype.verify': {
    description: "Trigger user's identity verification with configured verifyOptions",
    accepts: [{ arg: 'verifyOptions', type: 'object', http: () => undefined }, OPTIONS_ARG],
    http: { verb: 'post' },
  },
  confirm: {
    description: 'Confirm a user registration with identity verification token.',
    accepts: [
      { arg: 'uid', type: 'string', required: true },
      { arg: 'token', type: 'string', required: true },
      { arg: 'redirect', type: 'string' },
    ],
    http: { verb: 'get', path: '/confirm' },
    rest: { after: confirmRedirect },
  },
  resetPassword: {
    description: 'Reset password for a user with email.',
    accepts: [{ arg: 'options', type: 'object', required: true, http: { source: 'body' } }],
    http: { verb: 'post', path: '/reset' },
  },
  changePassword: {
    description: "Change a user's password.",
    accepts: [
      { arg: 'id', type: 'any', http: tokenUserId },
      { arg: 'oldPassword', type: 'string', required: true, http: { source: 'form' } },
      { arg: 'newPassword', type: 'string', required: true, http: { source: 'form' } },
      OPTIONS_ARG,
    ],
    http: { verb: 'POST', path: '/change-password' },
  },
  setPassword: {
    description: "Reset user's password via a password-reset token.",
    accepts: [
      { arg: 'id', type: 'any', http: tokenUserId },
      { arg: 'newPassword', type: 'string', required: true, http: { source: 'form' } },
      OPTIONS_ARG,
    ],
    accessScopes: ['reset-password'],
    http: { verb: 'POST', path: '/reset-password' },
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
    Object.defineProperty(User.prototype, name, {
      value: bridge(fn as any),
      writable: true,
      configurable: true,
    });
  }
  User.validatesFormatOf('email', {
    with: EMAIL,
    message: 'Must provide a valid email',
    allowNull: true,
    allowBlank: true,
  });
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
    },
    writable: true,
    configurable: true,
  });
}

import { LooplineError } from '../../../errors';
import { callbackOrPromise } from '../../../util/callback';
import {
  clientAddressOf,
  loginThrottleOf,
  setRetryAfter,
  tooManyAttempts,
} from '../../security/login-throttle';
import { verifyPassword } from '../../security/password';
import { signupsInFlight, trackSignups } from '../pending-signups';
import { builtinCreateAccessTokens, endSession } from './sessions';
import { hashRounds, normalizeEmail, settingsOf, usesRealms } from './settings';

/**
 * Logging a user in and out: `User.login(credentials)` finds the user (by email or username, in
 * its realm), compares the password under the login throttle and issues a token;
 * `User.logout(tokenId)` ends that session.
 */

type AnyModel = any;

function includesUser(include: unknown): boolean {
  const list = Array.isArray(include) ? include : typeof include === 'string' ? include.split(',') : [];
  return list.some((i) => typeof i === 'string' && i.trim().toLowerCase() === 'user');
}

function loginFailed(): LooplineError {
  return new LooplineError('LOGIN_FAILED', 'login failed');
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

/** `User.login(credentials, [include])`: the new AccessToken (with `include=user`, the user on it). */
export async function login(this: AnyModel, credentials: any, include?: unknown): Promise<any> {
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
}

/** `User.logout(tokenId)`. */
export async function logout(this: AnyModel, tokenId: unknown): Promise<void> {
  if (typeof tokenId !== 'string' || !tokenId)
    throw new LooplineError('ACCESS_TOKEN_REQUIRED', 'accessToken is required to logout');
  if (!(await endSession(this, tokenId)))
    throw new LooplineError('ACCESS_TOKEN_REQUIRED', 'could not find accessToken');
}

/** LB3's query for a login: email (else username), and with realms the realm, also from `realm:name`. */
export function normalizeCredentials(credentials: any, realmRequired: boolean, realmDelimiter?: string): any {
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
}

/**
 * `create` on a user model: the identities being signed up are known to `login` from this call on
 * (pending-signups.ts), so a login sent right after an unawaited create finds the user, as on LB3.
 */
export function trackingCreate(User: AnyModel) {
  const baseCreate = Object.getPrototypeOf(User).create as (...args: unknown[]) => Promise<unknown>;
  return function create(this: AnyModel, data: unknown, ...rest: unknown[]) {
    const written = trackSignups(this, data, (id) => ({ ...id, email: normalizeEmail(this, id.email) }));
    const result = baseCreate.call(this, data, ...rest);
    result.then(written, written);
    return result;
  };
}

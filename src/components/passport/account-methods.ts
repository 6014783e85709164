import * as crypto from 'crypto';
import { ThirdPartyLoginError } from '../../errors';

type AnyModel = any;
type AnyInstance = any;

/** A Passport profile (passportjs.org/reference/normalized-profile), as strategies hand it over. */
export interface PassportProfile {
  id?: string | number;
  provider?: string;
  username?: string;
  displayName?: string;
  emails?: Array<{ value: string; type?: string }>;
  [key: string]: unknown;
}

/** LB3's `profileMapping` entry: copy `profile[providerField]` (a dotted path) to `user[userField]`. */
export interface ProfileMappingEntry {
  userField: string;
  providerField: string;
}

export interface LoginOptions {
  /** false: find or create the user and identity but make no AccessToken (LB3: autoLogin). */
  autoLogin?: boolean;
  /** A user may be created without an email (LB3: emailOptional). */
  emailOptional?: boolean;
  /** The AccessToken's ttl in seconds (the user model's default and maxTTL apply). */
  ttl?: number;
  profileMapping?: ProfileMappingEntry[];
  /** Builds the new user's data from the profile, instead of LB3's default. */
  profileToUser?: (
    provider: string,
    profile: PassportProfile,
    options: LoginOptions,
  ) => Record<string, unknown>;
  /** Makes the token instead of `user.createAccessToken(ttl)` (LB3's hook, node-style). */
  createAccessToken?: (user: AnyInstance, cb: (err: unknown, token?: AnyInstance) => void) => void;
  [key: string]: unknown;
}

export interface LoginResult {
  user: AnyInstance;
  identity: AnyInstance;
  accessToken?: AnyInstance;
}

/** A random password for a user made from a profile: it can never be typed, only reset. */
function unguessablePassword(): string {
  return crypto.randomBytes(32).toString('hex');
}

function valueAtPath(object: unknown, reference: string): unknown {
  let value: unknown = object;
  for (const part of reference.split(/\.|\[|\]/).filter(Boolean)) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part))
      return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * LB3's user for a profile: username `<provider>.<username or id>` and a generated email
 * `<username or id>@loopback.<provider>.com` (LDAP: the directory's email), never the provider's
 * email, so a provider that does not verify emails cannot take over a local account. With
 * `profileMapping`, the mapped fields instead.
 */
export function defaultProfileToUser(
  provider: string,
  profile: PassportProfile,
  options: LoginOptions,
): Record<string, unknown> {
  const user: Record<string, unknown> = { password: unguessablePassword() };
  if (options.profileMapping) {
    for (const { userField, providerField } of options.profileMapping)
      user[userField] = valueAtPath(profile, providerField);
    return user;
  }
  const handle = String(profile.username ?? profile.id);
  user.username = `${provider}.${handle}`;
  const email =
    provider === 'ldap'
      ? profile.emails?.[0]?.value
      : `${handle}@loopback.${profile.provider ?? provider}.com`;
  if (email) user.email = email;
  return user;
}

async function makeToken(user: AnyInstance, options: LoginOptions): Promise<AnyInstance> {
  if (typeof options.createAccessToken === 'function') {
    const custom = options.createAccessToken;
    return new Promise((resolve, reject) =>
      custom(user, (err, token) => (err ? reject(err) : resolve(token))),
    );
  }
  return user.createAccessToken(options.ttl);
}

function externalIdOf(profile: PassportProfile): string {
  const id = profile.id ?? (profile.openid as string | undefined) ?? (profile.sub as string | undefined);
  if (id === undefined || id === null || id === '')
    throw new ThirdPartyLoginError("The provider's profile has no id.", 'profile without id');
  profile.id = id;
  return String(id);
}

/**
 * UserIdentity.login: the user a provider account logs in as. A known identity is refreshed
 * (profile, credentials, modified) and its user returned; otherwise the user is found by the
 * username or email the profile maps to, or created, and the identity created for it. With
 * autoLogin (the default) an AccessToken is made.
 */
export async function loginWithProfile(
  IdentityModel: AnyModel,
  UserModel: AnyModel,
  provider: string,
  authScheme: string,
  profile: PassportProfile,
  credentials: unknown,
  options: LoginOptions,
): Promise<LoginResult> {
  const externalId = externalIdOf(profile);
  const autoLogin = options.autoLogin !== false;
  const now = new Date();
  let identity = await IdentityModel.findOne({ where: { provider, externalId } });
  let user: AnyInstance;
  if (identity) {
    user = await UserModel.findById(identity.userId);
    if (user) {
      await identity.updateAttributes({ profile, credentials, modified: now });
      return { user, identity, accessToken: autoLogin ? await makeToken(user, options) : undefined };
    }
  }
  const data = (options.profileToUser ?? defaultProfileToUser)(provider, profile, options);
  if (!data.email && !options.emailOptional)
    throw new ThirdPartyLoginError(
      "The provider's profile has no email (set emailOptional to log in without one).",
      'email missing',
    );
  const match: Array<Record<string, unknown>> = [];
  if (data.username) match.push({ username: data.username });
  if (data.email) match.push({ email: data.email });
  if (match.length === 0)
    throw new ThirdPartyLoginError(
      "The provider's profile maps to no username or email.",
      'no username or email',
    );
  [user] = await UserModel.findOrCreate({ where: match.length === 1 ? match[0] : { or: match } }, data);
  if (identity) {
    await identity.updateAttributes({ userId: user.getId(), profile, credentials, modified: now });
  } else {
    [identity] = await IdentityModel.findOrCreate(
      { where: { provider, externalId } },
      {
        provider,
        externalId,
        authScheme,
        profile,
        credentials,
        userId: user.getId(),
        created: now,
        modified: now,
      },
    );
  }
  return { user, identity, accessToken: autoLogin ? await makeToken(user, options) : undefined };
}

/** UserCredential.link: the provider account, linked to the user (refreshed when already linked). */
export async function linkAccount(
  CredentialModel: AnyModel,
  userId: unknown,
  provider: string,
  authScheme: string,
  profile: PassportProfile,
  credentials: unknown,
): Promise<AnyInstance> {
  const externalId = externalIdOf(profile);
  const now = new Date();
  const existing = await CredentialModel.findOne({ where: { userId, provider, externalId } });
  if (existing) return existing.updateAttributes({ profile, credentials, modified: now });
  return CredentialModel.create({
    provider,
    externalId,
    authScheme,
    profile,
    credentials,
    userId,
    created: now,
    modified: now,
  });
}

/** ApplicationCredential.link: the application's credentials at a provider, one per provider. */
export async function linkApplicationCredential(
  Model: AnyModel,
  appId: unknown,
  provider: string,
  authScheme: string,
  credentials: unknown,
): Promise<AnyInstance> {
  const now = new Date();
  const existing = await Model.findOne({ where: { appId, provider } });
  if (existing) return existing.updateAttributes({ credentials, modified: now });
  return Model.create({ provider, authScheme, credentials, appId, created: now, modified: now });
}

type Callback = (err: unknown, ...results: unknown[]) => void;

function settle<T>(
  promise: Promise<T>,
  cb: Callback | undefined,
  spread: (value: T) => unknown[],
): Promise<T> | undefined {
  if (typeof cb !== 'function') return promise;
  promise.then(
    (value) => process.nextTick(() => cb(null, ...spread(value))),
    (err) => process.nextTick(() => cb(err)),
  );
  return undefined;
}

/**
 * Installs LB3's statics on the models: `UserIdentity.login(provider, authScheme, profile,
 * credentials[, options], cb)` calling back `(err, user, identity, token)` (without a callback, a
 * promise of `{user, identity, accessToken}`), `UserCredential.link(userId, provider, authScheme,
 * profile, credentials[, options], cb)` and `ApplicationCredential.link(appId, provider,
 * authScheme, credentials, cb)`. An app's own definition of the method is kept.
 */
export function installAccountMethods(
  models: { userIdentity?: AnyModel; userCredential?: AnyModel; applicationCredential?: AnyModel },
  userModelFor: (IdentityModel: AnyModel) => AnyModel,
): void {
  const { userIdentity, userCredential, applicationCredential } = models;
  if (userIdentity && !Object.prototype.hasOwnProperty.call(userIdentity, 'login')) {
    userIdentity.login = function (
      this: AnyModel,
      provider: string,
      authScheme: string,
      profile: PassportProfile,
      credentials: unknown,
      options?: LoginOptions | Callback,
      cb?: Callback,
    ) {
      if (typeof options === 'function') [cb, options] = [options, undefined];
      const promise = loginWithProfile(
        this,
        userModelFor(this),
        provider,
        authScheme,
        profile,
        credentials,
        (options as LoginOptions | undefined) ?? {},
      );
      return settle(promise, cb, (r) => [r.user, r.identity, r.accessToken]);
    };
  }
  if (userCredential && !Object.prototype.hasOwnProperty.call(userCredential, 'link')) {
    userCredential.link = function (
      this: AnyModel,
      userId: unknown,
      provider: string,
      authScheme: string,
      profile: PassportProfile,
      credentials: unknown,
      options?: unknown,
      cb?: Callback,
    ) {
      if (typeof options === 'function') cb = options as Callback;
      return settle(linkAccount(this, userId, provider, authScheme, profile, credentials), cb, (c) => [c]);
    };
  }
  if (applicationCredential && !Object.prototype.hasOwnProperty.call(applicationCredential, 'link')) {
    applicationCredential.link = function (
      this: AnyModel,
      appId: unknown,
      provider: string,
      authScheme: string,
      credentials: unknown,
      cb?: Callback,
    ) {
      return settle(linkApplicationCredential(this, appId, provider, authScheme, credentials), cb, (c) => [
        c,
      ]);
    };
  }
}

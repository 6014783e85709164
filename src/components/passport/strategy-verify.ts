import { ThirdPartyLoginError } from '../../errors';
import type { LoginOptions, LoginResult, PassportProfile } from './account-methods';
import type { Scheme } from './provider-options';

type Req = any;
type Done = (err: unknown, user?: unknown, info?: unknown) => void;

/** What the verify callbacks need from the configurator. */
export interface AccountBackend {
  login(
    provider: string,
    authScheme: string,
    profile: PassportProfile,
    credentials: unknown,
    options: LoginOptions,
  ): Promise<LoginResult>;
  link(
    userId: unknown,
    provider: string,
    authScheme: string,
    profile: PassportProfile,
    credentials: unknown,
  ): Promise<unknown>;
  /** Errors of the store (not of the login) are marked, so the callback answers them as 5xx. */
  markStoreError(err: unknown): void;
}

export interface VerifyContext {
  provider: string;
  authScheme: string;
  link: boolean;
  options: LoginOptions;
  backend: AccountBackend;
}

/** The user to link an account to: passport's session user, else the request's loopline AccessToken. */
export function loggedInUserId(req: Req): unknown {
  return req.user?.id ?? req.accessToken?.userId;
}

/** Logs in (or links) with a profile and credentials, calling passport's `done` as LB3 did. */
export function completeWithProfile(
  ctx: VerifyContext,
  req: Req,
  profile: PassportProfile,
  credentials: unknown,
  done: Done,
): void {
  const { backend, provider, authScheme } = ctx;
  const fail = (err: unknown) => {
    if (!(err instanceof ThirdPartyLoginError)) backend.markStoreError(err);
    done(err);
  };
  if (ctx.link) {
    const userId = loggedInUserId(req);
    if (userId === undefined || userId === null)
      return done(
        new ThirdPartyLoginError(
          'Log in before linking an account.',
          'no user is logged in',
          'THIRD_PARTY_LINK_NO_USER',
        ),
      );
    backend
      .link(userId, provider, authScheme, profile, credentials)
      .then((credential) => done(null, req.user ?? { id: userId }, { credential }), fail);
    return;
  }
  backend
    .login(provider, authScheme, profile, credentials, ctx.options)
    .then(({ user, identity, accessToken }) => {
      const info: Record<string, unknown> = { identity };
      if (accessToken) info.accessToken = accessToken;
      done(null, user, info);
    }, fail);
}

/**
 * The verify callback each scheme's strategies call (all with passReqToCallback, as LB3 set it):
 * OAuth 2.0 `(req, accessToken, refreshToken, profile, done)`, OAuth 1.0 `(req, token,
 * tokenSecret, profile, done)`, OpenID 2.0 `(req, identifier, profile, done)`, and
 * passport-openidconnect's `(req, iss, sub, profile, jwtClaims, accessToken, refreshToken, params, done)`.
 */
export function verifyFor(
  scheme: Exclude<Scheme, 'local' | 'ldap' | 'saml'>,
  ctx: VerifyContext,
): (...args: any[]) => void {
  switch (scheme) {
    case 'oauth1':
      return (req: Req, token: string, tokenSecret: string, profile: PassportProfile, done: Done) =>
        completeWithProfile(ctx, req, profile, { token, tokenSecret }, done);
    case 'openid':
      return (req: Req, identifier: string, profile: PassportProfile, done: Done) =>
        completeWithProfile(ctx, req, profile, { identifier }, done);
    case 'oidc':
      return (
        req: Req,
        _iss: string,
        _sub: string,
        profile: PassportProfile,
        _claims: unknown,
        accessToken: string,
        refreshToken: string,
        _params: unknown,
        done: Done,
      ) => {
        profile.id = profile.id ?? (profile.oid as string | undefined);
        completeWithProfile(ctx, req, profile, { accessToken, refreshToken }, done);
      };
    default:
      return (req: Req, accessToken: string, refreshToken: string, profile: PassportProfile, done: Done) =>
        completeWithProfile(ctx, req, profile, { accessToken, refreshToken }, done);
  }
}

/**
 * The local strategy's verify: the user with that username or email, its password, and (as LB3
 * required) a verified email. With setAccessToken the user model makes an AccessToken, handed on
 * as `req.authInfo.accessToken`. The same message for every refusal, so it tells nothing of which
 * part was wrong.
 */
export function localVerify(
  UserModel: any,
  options: { setAccessToken?: boolean; ttl?: number },
  markStoreError: (err: unknown) => void,
) {
  const refusal = { message: 'Invalid username/password or email has not been verified' };
  return (username: string, password: string, done: Done) => {
    (async () => {
      if (typeof username !== 'string' || typeof password !== 'string') return done(null, false, refusal);
      const user = await UserModel.findOne({ where: { or: [{ username }, { email: username }] } });
      if (!user || !(await user.hasPassword(password)) || !user.emailVerified)
        return done(null, false, refusal);
      const profile: Record<string, unknown> = {
        provider: 'local',
        id: user.getId(),
        username: user.username,
        emails: [{ value: user.email }],
        status: user.status,
        accessToken: null,
      };
      if (!options.setAccessToken) return done(null, profile);
      const accessToken = await user.createAccessToken(options.ttl);
      profile.accessToken = accessToken;
      done(null, profile, { accessToken });
    })().catch((err) => {
      markStoreError(err);
      done(err);
    });
  };
}

import { LoginProviderUnavailableError } from '../../errors';
import type { PassportProfile } from './account-methods';
import type { ProviderOptions } from './provider-options';
import { completeWithProfile, type VerifyContext } from './strategy-verify';

/** The parts of openid-client (v6) used: discovery, userinfo, and the Configuration it makes. */
interface OpenIdClient {
  discovery(
    server: URL,
    clientId: string,
    metadata?: string | Record<string, unknown>,
    auth?: unknown,
    options?: { execute?: unknown[] },
  ): Promise<OidcConfiguration>;
  fetchUserInfo(
    config: OidcConfiguration,
    accessToken: string,
    expectedSubject: string,
  ): Promise<Record<string, unknown>>;
  allowInsecureRequests: unknown;
}
interface OidcConfiguration {
  serverMetadata(): { issuer: string; userinfo_endpoint?: string };
}
interface OidcTokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  claims(): Record<string, unknown> | undefined;
}
type StrategyClass = new (
  options: Record<string, unknown>,
  verify: (
    req: unknown,
    tokens: OidcTokens,
    verified: (err: unknown, user?: unknown, info?: unknown) => void,
  ) => void,
) => unknown;

/** Standard claims as a Passport profile. */
export function profileFromClaims(provider: string, claims: Record<string, unknown>): PassportProfile {
  const profile: PassportProfile = { provider, id: claims.sub as string, _json: claims };
  if (typeof claims.preferred_username === 'string') profile.username = claims.preferred_username;
  if (typeof claims.name === 'string') profile.displayName = claims.name;
  if (typeof claims.given_name === 'string' || typeof claims.family_name === 'string')
    profile.name = { givenName: claims.given_name, familyName: claims.family_name };
  if (typeof claims.email === 'string')
    profile.emails = [
      { value: claims.email, ...(claims.email_verified === true ? { verified: true } : {}) } as {
        value: string;
      },
    ];
  if (typeof claims.picture === 'string') profile.photos = [{ value: claims.picture }];
  return profile;
}

/**
 * OpenID Connect through openid-client's Passport strategy: the issuer's configuration is read by
 * discovery (`<issuer>/.well-known/openid-configuration`), the login uses the authorization code
 * flow with PKCE (and nonce and state as the issuer needs), the ID token is validated by
 * openid-client, and the profile is the ID token's claims with the userinfo endpoint's.
 */
export async function openIdConnectStrategy(
  load: (name: string) => unknown,
  name: string,
  options: ProviderOptions,
  ctx: VerifyContext,
): Promise<unknown> {
  const client = load('openid-client') as OpenIdClient;
  const mod =
    typeof options.module === 'string'
      ? load(options.module)
      : (options.module ?? load('openid-client/passport'));
  const Strategy = (
    typeof mod === 'function' ? mod : (mod as Record<string, unknown>)[options.strategy ?? 'Strategy']
  ) as StrategyClass;
  if (!options.issuer || !options.clientID)
    throw new LoginProviderUnavailableError(`Provider "${name}": OpenID Connect needs issuer and clientID.`);
  let config: OidcConfiguration;
  try {
    config = await client.discovery(
      new URL(options.issuer),
      options.clientID,
      options.clientSecret,
      undefined,
      {
        execute: options.allowInsecureRequests ? [client.allowInsecureRequests] : [],
      },
    );
  } catch (err) {
    throw new LoginProviderUnavailableError(
      `Provider "${name}": the OpenID Connect discovery of ${options.issuer} failed: ${(err as Error).message}`,
    );
  }
  const scope = Array.isArray(options.scope)
    ? options.scope.join(' ')
    : (options.scope ?? 'openid profile email');
  const absoluteCallback =
    options.callbackURL && /^https?:\/\//.test(options.callbackURL) ? options.callbackURL : undefined;
  return new Strategy(
    {
      config,
      name,
      scope,
      callbackURL: absoluteCallback,
      passReqToCallback: true,
      sessionKey: `loopline:oidc:${name}`,
    },
    (req, tokens, verified) => {
      (async () => {
        let claims = tokens.claims() ?? {};
        if (
          options.userInfo !== false &&
          config.serverMetadata().userinfo_endpoint &&
          typeof claims.sub === 'string'
        ) {
          claims = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
        }
        const profile = profileFromClaims(ctx.provider, claims);
        completeWithProfile(
          ctx,
          req,
          profile,
          { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token },
          verified,
        );
      })().catch((err) => verified(err));
    },
  );
}

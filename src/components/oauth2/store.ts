import type OAuth2Server from '@node-oauth/oauth2-server';
import type { ResolvedOptions } from './options';
import {
  ACCESS_TOKEN_PREFIX,
  hashSecret,
  randomSecret,
  REFRESH_TOKEN_PREFIX,
  secretMatches,
} from './secrets';

type AnyModel = any;

/** The provider's models, as the app attached them. */
export interface OAuthModels {
  Client: AnyModel;
  Code: AnyModel;
  Token: AnyModel;
}

/** The library's `client`: a registered OAuthClient, as the grants need it. */
export interface OAuthClientInfo extends OAuth2Server.Client {
  id: string;
  name: string;
  grants: string[];
  redirectUris: string[];
  scopes: string[];
  trusted: boolean;
  confidential: boolean;
}

/**
 * The library's `user`: who a grant is for — a user of the app (`userId` and its user model's name),
 * or nobody for client credentials (the client is the principal). `family` names the grant an
 * issued token descends from, so a refresh or a code carries it to the tokens made from it.
 */
export interface GrantSubject {
  userId?: string;
  principalType?: string;
  family?: string;
}

export function clientInfo(row: AnyModel): OAuthClientInfo {
  return {
    id: String(row.id),
    name: String(row.name ?? row.id),
    grants: Array.isArray(row.grants) ? row.grants.map(String) : [],
    redirectUris: Array.isArray(row.redirectUris) ? row.redirectUris.map(String) : [],
    scopes: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
    trusted: row.trusted === true,
    confidential: typeof row.secretHash === 'string' && row.secretHash.length > 0,
  };
}

/** A client by its id, or null (an id that is not a short printable string names none). */
export async function findClient(models: OAuthModels, clientId: unknown): Promise<AnyModel | null> {
  if (typeof clientId !== 'string' || !clientId || clientId.length > 200) return null;
  return (await models.Client.findById(clientId)) ?? null;
}

/**
 * The client a token request authenticates as: a confidential client with its secret; a public
 * one with no secret (the grant then needs PKCE, which the library checks). Anything else is none.
 */
export async function authenticateClient(
  models: OAuthModels,
  clientId: unknown,
  secret: unknown,
): Promise<OAuthClientInfo | null> {
  const row = await findClient(models, clientId);
  if (!row) return null;
  const info = clientInfo(row);
  if (
    info.confidential
      ? !secretMatches(secret, row.secretHash)
      : secret !== undefined && secret !== null && secret !== ''
  )
    return null;
  return info;
}

/** Revokes every token descending from one grant (a replayed code, a reused refresh token). */
export async function revokeFamily(models: OAuthModels, family: string): Promise<void> {
  await models.Token.updateAll({ family, revoked: false }, { revoked: true });
}

function subjectOf(row: AnyModel, family: string): GrantSubject {
  return {
    ...(row.userId ? { userId: String(row.userId), principalType: row.principalType ?? undefined } : {}),
    family,
  };
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/**
 * The model the library drives (its "model specification"), over loopline models. `authenticated`
 * decides what `getClient` checks: the secret at the token endpoint, only the id at authorize.
 */
export function libraryModel(models: OAuthModels, options: ResolvedOptions, authenticated: boolean) {
  return {
    async getClient(clientId: string, clientSecret: string | null | undefined) {
      if (!authenticated) {
        const row = await findClient(models, clientId);
        return row ? clientInfo(row) : null;
      }
      return authenticateClient(models, clientId, clientSecret);
    },

    async generateAccessToken() {
      return randomSecret(ACCESS_TOKEN_PREFIX);
    },
    async generateRefreshToken() {
      return randomSecret(REFRESH_TOKEN_PREFIX);
    },
    async generateAuthorizationCode() {
      return randomSecret();
    },

    /** Only the scopes the app defines and the client is registered for; none asked: all of the client's. */
    async validateScope(_user: GrantSubject, client: OAuthClientInfo, scope?: string[]) {
      const allowed = client.scopes.filter((s) => options.scopes.has(s));
      if (!scope || scope.length === 0) return allowed.length ? allowed : false;
      return scope.every((s) => allowed.includes(s)) ? [...new Set(scope)] : false;
    },

    async getUserFromClient(): Promise<GrantSubject> {
      return {};
    },

    async saveAuthorizationCode(
      code: Omit<OAuth2Server.AuthorizationCode, 'client' | 'user'>,
      client: OAuthClientInfo,
      user: GrantSubject,
    ) {
      await models.Code.create({
        id: hashSecret(code.authorizationCode),
        clientId: client.id,
        userId: user.userId,
        principalType: user.principalType,
        redirectUri: code.redirectUri,
        scopes: code.scope ?? [],
        codeChallenge: code.codeChallenge,
        codeChallengeMethod: code.codeChallengeMethod,
        expiresAt: code.expiresAt,
      });
      return { ...code, client, user };
    },

    /** A code never exchanged; one exchanged before is a replay: the tokens made from it are revoked. */
    async getAuthorizationCode(authorizationCode: string) {
      const row = await models.Code.findById(hashSecret(authorizationCode));
      if (!row) return null;
      if (row.usedAt) {
        await revokeFamily(models, String(row.id));
        return null;
      }
      return {
        authorizationCode,
        expiresAt: date(row.expiresAt),
        redirectUri: row.redirectUri ?? undefined,
        scope: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
        codeChallenge: row.codeChallenge ?? undefined,
        codeChallengeMethod: row.codeChallengeMethod ?? undefined,
        client: { id: String(row.clientId), grants: [] },
        user: subjectOf(row, String(row.id)),
      };
    },

    /** Marks the code used, once: of two concurrent exchanges only one gets a count of 1. */
    async revokeAuthorizationCode(code: OAuth2Server.AuthorizationCode) {
      const { count } = await models.Code.updateAll(
        { id: hashSecret(code.authorizationCode), usedAt: null },
        { usedAt: new Date() },
      );
      return count === 1;
    },

    async saveToken(token: OAuth2Server.Token, client: OAuthClientInfo, user: GrantSubject) {
      const id = hashSecret(token.accessToken);
      const family = user.family ?? (token.authorizationCode ? hashSecret(token.authorizationCode) : id);
      await models.Token.create({
        id,
        refreshTokenHash: token.refreshToken ? hashSecret(token.refreshToken) : undefined,
        clientId: client.id,
        userId: user.userId,
        principalType: user.principalType,
        scopes: token.scope ?? [],
        accessTokenExpiresAt: token.accessTokenExpiresAt,
        refreshTokenExpiresAt: token.refreshToken ? token.refreshTokenExpiresAt : undefined,
        family,
      });
      return { ...token, client, user };
    },

    async getAccessToken(accessToken: string) {
      const row = await models.Token.findById(hashSecret(accessToken));
      if (!row || row.revoked) return null;
      return {
        accessToken,
        accessTokenExpiresAt: date(row.accessTokenExpiresAt),
        scope: row.scopes ?? [],
        client: { id: String(row.clientId), grants: [] },
        user: subjectOf(row, String(row.family)),
      };
    },

    /** A live refresh token; a rotated one presented again is a theft signal: its family is revoked. */
    async getRefreshToken(refreshToken: string) {
      const row = await models.Token.findOne({ where: { refreshTokenHash: hashSecret(refreshToken) } });
      if (!row) return null;
      if (row.rotated) await revokeFamily(models, String(row.family));
      if (row.rotated || row.revoked) return null;
      return {
        refreshToken,
        refreshTokenExpiresAt: row.refreshTokenExpiresAt ? date(row.refreshTokenExpiresAt) : undefined,
        scope: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
        client: { id: String(row.clientId), grants: [] },
        user: subjectOf(row, String(row.family)),
      };
    },

    /** Rotation: the refresh token is spent, once (a concurrent second use gets invalid_grant). */
    async revokeToken(token: OAuth2Server.RefreshToken) {
      const { count } = await models.Token.updateAll(
        { refreshTokenHash: hashSecret(token.refreshToken), rotated: false, revoked: false },
        { rotated: true },
      );
      return count === 1;
    },
  };
}

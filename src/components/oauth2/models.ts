/**
 * The provider's models, in the JSON form of `common/models/*.json`. LB3's
 * loopback-component-oauth2 had OAuthClientApplication, OAuthAuthorizationCode, OAuthAccessToken
 * and OAuthRefreshToken; here a client, its authorization codes, and one row per issued access
 * token that also carries the refresh token issued with it.
 *
 * No secret is stored as issued: a client secret, a code, an access token and a refresh token are
 * kept as their SHA-256 (they are 256 random bits, so a fast hash is enough: there is nothing to
 * guess), and the rows' ids are those hashes. Every model denies everyone over REST.
 */

const DENY_EVERYONE = { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' };

export const CLIENT_DEFINITION = {
  name: 'OAuthClient',
  base: 'PersistedModel',
  idInjection: false,
  strict: true,
  properties: {
    /** The `client_id`, chosen by the server on register. */
    id: { type: 'string', id: true, generated: false },
    name: { type: 'string', required: true },
    /** SHA-256 of the secret; absent for a public client (which must use PKCE). */
    secretHash: { type: 'string' },
    /** Exact redirect URIs; a request's `redirect_uri` must equal one of them. */
    redirectUris: { type: ['string'] },
    /** `authorization_code`, `refresh_token`, `client_credentials`. */
    grants: { type: ['string'] },
    /** The scopes this client may be granted (names from the component's `scopes`). */
    scopes: { type: ['string'] },
    /** A first-party client: the user is not asked to consent. */
    trusted: { type: 'boolean', default: false },
    created: { type: 'date', defaultFn: 'now' },
  },
  hidden: ['secretHash'],
  acls: [DENY_EVERYONE],
};

export const AUTHORIZATION_CODE_DEFINITION = {
  name: 'OAuthAuthorizationCode',
  base: 'PersistedModel',
  idInjection: false,
  strict: true,
  properties: {
    /** SHA-256 of the code. */
    id: { type: 'string', id: true, generated: false },
    clientId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    /** The user model the user belongs to (an app may have several). */
    principalType: { type: 'string' },
    redirectUri: { type: 'string' },
    scopes: { type: ['string'] },
    codeChallenge: { type: 'string' },
    codeChallengeMethod: { type: 'string' },
    expiresAt: { type: 'date', required: true },
    /** Set when the code is exchanged: a code is good once (RFC 6749 §4.1.2). */
    usedAt: { type: 'date' },
  },
  acls: [DENY_EVERYONE],
};

export const TOKEN_DEFINITION = {
  name: 'OAuthToken',
  base: 'PersistedModel',
  idInjection: false,
  strict: true,
  properties: {
    /** SHA-256 of the access token. */
    id: { type: 'string', id: true, generated: false },
    /** SHA-256 of the refresh token issued with it, if any. */
    refreshTokenHash: { type: 'string', index: true },
    clientId: { type: 'string', required: true },
    /** Absent for a client-credentials token: its principal is the client (LB3's APP). */
    userId: { type: 'string' },
    principalType: { type: 'string' },
    scopes: { type: ['string'] },
    accessTokenExpiresAt: { type: 'date', required: true },
    refreshTokenExpiresAt: { type: 'date' },
    /**
     * The grant every token descends from: the authorization code's hash (or the first token's, for
     * client credentials). Reusing a rotated refresh token, or replaying the code, revokes the family.
     */
    family: { type: 'string', index: true },
    /** The refresh token was used and replaced by a new one. */
    rotated: { type: 'boolean', default: false },
    revoked: { type: 'boolean', default: false },
    created: { type: 'date', defaultFn: 'now' },
  },
  acls: [DENY_EVERYONE],
};

export const MODEL_DEFINITIONS = [CLIENT_DEFINITION, AUTHORIZATION_CODE_DEFINITION, TOKEN_DEFINITION];

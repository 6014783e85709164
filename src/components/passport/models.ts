/**
 * The component's three models, with the names, properties and relations LB3's
 * loopback-component-passport gave them, so an app's `common/models` may extend them
 * (`"base": "UserIdentity"`). LB3 declared owner-only ACLs in its JSON but never applied them;
 * here they apply: a third party's tokens are no one else's to read.
 */
const OWNER_ONLY = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
  { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW' },
];

const ACCOUNT_PROPERTIES = {
  provider: { type: 'String' },
  authScheme: { type: 'String' },
  externalId: { type: 'String' },
  profile: { type: 'Object' },
  credentials: { type: 'Object' },
  created: { type: 'Date' },
  modified: { type: 'Date' },
};

/** A third-party login of a user: one per provider account that logs in (UserIdentity.login). */
export const USER_IDENTITY_DEFINITION = {
  name: 'UserIdentity',
  plural: 'UserIdentities',
  base: 'PersistedModel',
  properties: ACCOUNT_PROPERTIES,
  acls: OWNER_ONLY,
  relations: { user: { type: 'belongsTo', model: 'User', foreignKey: 'userId' } },
};

/** A provider account linked to a user who is already logged in (UserCredential.link). */
export const USER_CREDENTIAL_DEFINITION = {
  name: 'UserCredential',
  base: 'PersistedModel',
  properties: ACCOUNT_PROPERTIES,
  acls: OWNER_ONLY,
  relations: { user: { type: 'belongsTo', model: 'User', foreignKey: 'userId' } },
};

/** The credentials an Application holds at a provider (ApplicationCredential.link). */
export const APPLICATION_CREDENTIAL_DEFINITION = {
  name: 'ApplicationCredential',
  base: 'PersistedModel',
  properties: {
    provider: { type: 'String', required: true },
    authScheme: { type: 'String' },
    credentials: { type: 'Object' },
    created: { type: 'Date' },
    modified: { type: 'Date' },
  },
  acls: [{ principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' }],
  relations: { application: { type: 'belongsTo', model: 'Application', foreignKey: 'appId' } },
};

export const MODEL_DEFINITIONS = [
  USER_IDENTITY_DEFINITION,
  USER_CREDENTIAL_DEFINITION,
  APPLICATION_CREDENTIAL_DEFINITION,
];

/**
 * The built-in models' definitions, in the JSON form of `common/models/*.json`: LB3's property
 * names, relations, hidden lists and default ACLs. Behaviour lives beside them (user/, ...).
 *
 * Deviations from LB3, for safety: ACL, Role, RoleMapping, Scope and Application deny everyone over REST
 * by default (LB3 left them open, relying on apps not to expose them), and a user's `verify` is
 * for the user itself.
 */

const DENY_EVERYONE = { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' };

export const USER_DEFINITION = {
  name: 'User',
  base: 'PersistedModel',
  properties: {
    realm: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string', required: true },
    email: { type: 'string', required: true },
    emailVerified: 'boolean',
    verificationToken: 'string',
  },
  caseSensitiveEmail: true,
  hidden: ['password', 'verificationToken'],
  ttl: 1209600,
  maxTTL: 31556926,
  resetPasswordTokenTTL: 900,
  /** loopline: one REST create makes at most this many users (each costs a bcrypt hash). */
  maxArrayCreate: 10,
  relations: {
    accessTokens: {
      type: 'hasMany',
      model: 'AccessToken',
      foreignKey: 'userId',
      options: { disableInclude: true },
    },
  },
  acls: [
    DENY_EVERYONE,
    { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'create' },
    { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', property: 'deleteById' },
    { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'login' },
    { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'logout' },
    { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', property: 'findById' },
    { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', property: 'patchAttributes' },
    { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', property: 'replaceById' },
    // LB3 lets $everyone call verify, so anyone could mail a user and replace its pending
    // verification token; the user alone may ask again (an app's ACL can reopen it).
    {
      principalType: 'ROLE',
      principalId: '$owner',
      permission: 'ALLOW',
      property: 'verify',
      accessType: 'EXECUTE',
    },
    { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'confirm' },
    {
      principalType: 'ROLE',
      principalId: '$everyone',
      permission: 'ALLOW',
      property: 'resetPassword',
      accessType: 'EXECUTE',
    },
    {
      principalType: 'ROLE',
      principalId: '$authenticated',
      permission: 'ALLOW',
      property: 'changePassword',
      accessType: 'EXECUTE',
    },
    {
      principalType: 'ROLE',
      principalId: '$authenticated',
      permission: 'ALLOW',
      property: 'setPassword',
      accessType: 'EXECUTE',
    },
  ],
};

export const ACCESS_TOKEN_DEFINITION = {
  name: 'AccessToken',
  base: 'PersistedModel',
  properties: {
    id: { type: 'string', id: true, generated: false },
    ttl: {
      type: 'number',
      ttl: true,
      default: 1209600,
      description: 'time to live in seconds (2 weeks by default)',
    },
    scopes: { type: ['string'], description: 'Array of scopes granted to this access token.' },
    created: { type: 'date', defaultFn: 'now' },
    /** loopline: the name of the user model the token belongs to (an app may have several). */
    principalType: { type: 'string' },
  },
  hidden: ['principalType'],
  relations: {
    user: { type: 'belongsTo', model: 'User', foreignKey: 'userId' },
  },
  acls: [DENY_EVERYONE],
};

export const ACL_DEFINITION = {
  name: 'ACL',
  base: 'PersistedModel',
  properties: {
    model: { type: 'string', description: 'The name of the model' },
    property: { type: 'string', description: 'The name of the property, method, scope, or relation' },
    accessType: 'string',
    permission: 'string',
    principalType: 'string',
    principalId: 'string',
  },
  acls: [DENY_EVERYONE],
};

export const ROLE_DEFINITION = {
  name: 'Role',
  base: 'PersistedModel',
  properties: {
    name: { type: 'string', required: true },
    description: 'string',
    created: { type: 'date', defaultFn: 'now' },
    modified: { type: 'date', defaultFn: 'now' },
  },
  relations: {
    principals: { type: 'hasMany', model: 'RoleMapping', foreignKey: 'roleId' },
  },
  acls: [DENY_EVERYONE],
};

export const ROLE_MAPPING_DEFINITION = {
  name: 'RoleMapping',
  base: 'PersistedModel',
  properties: {
    principalType: {
      type: 'string',
      description:
        'The principal type, such as USER, APPLICATION, ROLE, or user model name in case of multiple user models',
    },
    principalId: { type: 'string', index: true },
  },
  relations: {
    role: { type: 'belongsTo', model: 'Role', foreignKey: 'roleId' },
  },
  acls: [DENY_EVERYONE],
};

/** A permission a resource owner grants client applications; ACL rules name it as a SCOPE principal. */
export const SCOPE_DEFINITION = {
  name: 'Scope',
  base: 'PersistedModel',
  properties: {
    name: { type: 'string', required: true },
    description: 'string',
  },
  acls: [DENY_EVERYONE],
};

export const APPLICATION_DEFINITION = {
  name: 'Application',
  base: 'PersistedModel',
  properties: {
    id: { type: 'string', id: true, generated: false },
    realm: 'string',
    name: { type: 'string', required: true },
    description: 'string',
    icon: 'string',
    owner: 'string',
    collaborators: ['string'],
    email: 'string',
    emailVerified: 'boolean',
    url: 'string',
    callbackUrls: ['string'],
    permissions: ['string'],
    clientKey: 'string',
    javaScriptKey: 'string',
    restApiKey: 'string',
    windowsKey: 'string',
    masterKey: 'string',
    // Settings of the push component (APNs, GCM), kept with the application they belong to.
    pushSettings: {
      apns: {
        production: { type: 'boolean' },
        certData: { type: 'string' },
        keyData: { type: 'string' },
        pushOptions: { type: { gateway: 'string', port: 'number' } },
        feedbackOptions: {
          type: { gateway: 'string', port: 'number', batchFeedback: 'boolean', interval: 'number' },
        },
      },
      gcm: { serverApiKey: 'string' },
    },
    authenticationEnabled: { type: 'boolean', default: true },
    anonymousAllowed: { type: 'boolean', default: true },
    authenticationSchemes: [{ scheme: { type: 'string' }, credential: { type: 'object' } }],
    /** production, sandbox or disabled. */
    status: { type: 'string', default: 'sandbox' },
    created: { type: 'date', defaultFn: 'now' },
    modified: { type: 'date', defaultFn: 'now' },
  },
  hidden: ['clientSecret', 'masterKey'],
  acls: [DENY_EVERYONE],
};

export const EMAIL_DEFINITION = {
  name: 'Email',
  base: 'Model',
  properties: {
    to: { type: 'string', required: true },
    from: { type: 'string', required: true },
    subject: { type: 'string', required: true },
    text: 'string',
    html: 'string',
  },
};

export const KEY_VALUE_MODEL_DEFINITION = {
  name: 'KeyValueModel',
  base: 'Model',
};

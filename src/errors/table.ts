/**
 * Every error loopline raises on purpose has a row here, once: its stable code, its HTTP status and
 * what it means. Errors are built from a code and take their status from its row; the README's
 * error table is this table, row for row (a test keeps the two in step). Users and tests match on
 * the code, never on the message text.
 *
 * This module is a leaf: it imports nothing of ours.
 */

export interface ErrorTableEntry {
  status: number;
  meaning: string;
}

/** The table of codes, kept in step with the README's error table by a test. */
export const ERROR_CODES = Object.freeze({
  INVALID_FILTER: {
    status: 400,
    meaning:
      'The filter (where, fields, order, limit, skip, include) is malformed, or names a hidden or unknown property.',
  },
  INVALID_REDIRECT_URI: {
    status: 400,
    meaning:
      'An OAuth client registration named a redirect URI that is not absolute, has a fragment, or is plain http off localhost.',
  },
  INVALID_CLIENT_REGISTRATION: {
    status: 400,
    meaning:
      'An OAuth client registration has no name, or names an unknown grant or scope, or a public client asks for client_credentials.',
  },
  INVALID_ARGUMENT: {
    status: 400,
    meaning:
      'A remote method argument is missing or cannot be read as its type; `details.argument` names it.',
  },
  INVALID_DATA: { status: 400, meaning: 'The data of a write is not an object.' },
  INVALID_OPTIONS: { status: 400, meaning: 'The options argument of a data-access call is not an object.' },
  MISSING_ID: { status: 400, meaning: 'A method that needs an id was called without one.' },
  ID_CHANGE_FORBIDDEN: { status: 400, meaning: 'A write tried to change the id of an existing instance.' },
  MULTIPLE_INSTANCES_FOUND: { status: 400, meaning: 'upsertWithWhere matched more than one instance.' },
  OPERATION_UNSUPPORTED: {
    status: 400,
    meaning:
      "The model's LB3 connector does not implement the method this call needs (a REST backend without `count`, a store without `execute`).",
  },
  TRANSACTIONS_UNSUPPORTED: {
    status: 400,
    meaning: 'beginTransaction was called on a store without transactions (the memory store).',
  },
  TRANSACTION_FINISHED: {
    status: 400,
    meaning: 'A data-access call used a transaction that was already committed or rolled back.',
  },
  UNSUPPORTED_CHARACTER: {
    status: 400,
    meaning:
      'A value holds a character the store cannot keep in text (PostgreSQL: the NUL character, \\u0000; any SQL store: half of a UTF-16 surrogate pair); nothing was written.',
  },
  DISCOVERY_UNSUPPORTED: {
    status: 400,
    meaning: 'Schema discovery was asked of a store that has no catalog to read (the memory store).',
  },
  INVALID_KEY: {
    status: 400,
    meaning: 'A key-value model was given a key that is not a non-empty string of at most 1024 characters.',
  },
  INVALID_TTL: {
    status: 400,
    meaning: 'A key-value TTL is not a positive number of milliseconds (at most 100 years).',
  },
  INVALID_STORAGE_NAME: {
    status: 400,
    meaning:
      'A storage container or file name is empty, longer than 255 bytes, starts with a dot, or holds `/`, `\\`, `..` or a control character (NUL included); nothing was read or written.',
  },
  NO_FILE_UPLOADED: {
    status: 400,
    meaning: 'An upload is not a `multipart/form-data` body, or holds no file part.',
  },
  MALFORMED_UPLOAD: {
    status: 400,
    meaning:
      'A multipart upload cannot be read (a broken part, a body that ends early); no file of the request was kept.',
  },
  CONTAINER_NOT_FOUND: { status: 404, meaning: 'The storage container does not exist.' },
  FILE_NOT_FOUND: { status: 404, meaning: 'The file does not exist in its storage container.' },
  CONTAINER_EXISTS: { status: 409, meaning: 'A storage container of that name exists already.' },
  FILE_TOO_LARGE: {
    status: 413,
    meaning:
      'An uploaded file is larger than the storage `maxFileSize` (10 MB by default); no file of the request was kept.',
  },
  UPLOAD_LIMIT_EXCEEDED: {
    status: 413,
    meaning:
      'An upload has too many parts, files or fields, or a field value longer than `maxFieldsSize`; no file of the request was kept.',
  },
  CONTENT_TYPE_NOT_ALLOWED: {
    status: 415,
    meaning:
      "An uploaded file's content type is not in the storage `allowedContentTypes`; no file of the request was kept.",
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    meaning: "A download's `Range` header starts past the end of the file.",
  },
  MALFORMED_JSON: { status: 400, meaning: 'The request body is not valid JSON.' },
  MALFORMED_BODY: {
    status: 400,
    meaning:
      'The request body cannot be read: it claims gzip or deflate and does not inflate, or it ends early; a form with more fields than the parser reads (1000) answers 413 with this code, as body-parser did in LB3.',
  },
  NESTED_TOO_DEEPLY: {
    status: 400,
    meaning: 'A body or filter argument nests objects deeper than `remoting.rest.maxDepth` (32 by default).',
  },
  FORBIDDEN_KEY: {
    status: 400,
    meaning: 'A body, filter, form or query string uses `__proto__`, `constructor` or `prototype` as a key.',
  },
  INVALID_VALUE: {
    status: 400,
    meaning:
      'The store refused a value of the request as not fitting its column (text that is no number for an integer column, a number out of range).',
  },
  PROPERTY_NOT_WRITABLE: {
    status: 400,
    meaning:
      'A REST client tried to write a property only the server manages (`emailVerified`, `verificationToken`, `realm` of a user), or to point an owner key at another user.',
  },
  USERNAME_EMAIL_REQUIRED: { status: 400, meaning: 'Login was called without an email or username.' },
  INVALID_PRINCIPAL_TYPE: {
    status: 400,
    meaning:
      "`ACL.resolvePrincipal` / `isMappedToRole` was given a principal type that is none of USER, APP, ROLE or a user model's name.",
  },
  REALM_REQUIRED: {
    status: 400,
    meaning: 'Login on a user model with `realmRequired` (or a `realmDelimiter`) was called without a realm.',
  },
  INVALID_REALM: { status: 400, meaning: 'The realm given at login is not a string.' },
  INVALID_EMAIL: {
    status: 400,
    meaning: 'The email given at login is not a string (an operator object is no email).',
  },
  INVALID_USERNAME: { status: 400, meaning: 'The username given at login is not a string.' },
  SET_PASSWORD_MISUSE: {
    status: 400,
    meaning: 'Server code wrote a user with `options.setPassword` and changed more than the password.',
  },
  EMAIL_REQUIRED: { status: 400, meaning: 'A password reset was requested without an email.' },
  INVALID_TOKEN: { status: 400, meaning: 'An email-verification token does not match the user.' },
  INVALID_PASSWORD: {
    status: 400,
    meaning:
      'changePassword: the current password is wrong; a new password that is empty or not a string answers 422 with this code, as LB3.',
  },
  AUTHORIZATION_REQUIRED: {
    status: 401,
    meaning:
      'The ACLs deny the request to an anonymous caller (or to any caller, unless `aclErrorStatus` is 403).',
  },
  LOGIN_FAILED: { status: 401, meaning: 'Unknown user or wrong password (the two are not told apart).' },
  LOGIN_FAILED_EMAIL_NOT_VERIFIED: {
    status: 401,
    meaning: 'The password is right but the user model requires a verified email and it is not verified.',
  },
  PASSWORD_CHANGE_NOT_ALLOWED: {
    status: 401,
    meaning:
      'A REST patch or replace of a user carried a password; use changePassword or setPassword (`rejectPasswordChangesViaPatchOrReplace: false` allows it).',
  },
  ACCESS_TOKEN_REQUIRED: { status: 401, meaning: 'Logout was called without a valid access token.' },
  INVALID_ACCESS_TOKEN: {
    status: 401,
    meaning:
      "A JWT access token failed verification: unknown `kid`, an algorithm other than its key's (`alg: none`, HS256), a bad signature or payload, another issuer or audience; or an OAuth access token (`oat_…`) this server never issued; nothing was granted.",
  },
  ACCESS_TOKEN_EXPIRED: {
    status: 401,
    meaning:
      'A JWT access token is past its expiry (`exp`, from its ttl), or an OAuth access token past its lifetime.',
  },
  ACCESS_TOKEN_REVOKED: {
    status: 401,
    meaning:
      'A JWT access token was revoked: logged out, or its user was deleted or changed email or password after it was issued; or an OAuth access token revoked (RFC 7009, a replayed code, a reused refresh token).',
  },
  RESET_FAILED_EMAIL_NOT_VERIFIED: {
    status: 401,
    meaning: 'A password reset was requested for an unverified email while verification is required.',
  },
  ACCESS_DENIED: {
    status: 403,
    meaning:
      'The ACLs deny the request to a signed-in user and `aclErrorStatus` is 403 (another 4xx or 5xx there answers with that status and this code, as LB3).',
  },
  INSUFFICIENT_SCOPE: {
    status: 403,
    meaning:
      'An OAuth access token was not granted a scope that covers the method (RFC 6750 `insufficient_scope`; `WWW-Authenticate` and `details.scopes` name the scopes that would).',
  },
  CORS_ORIGIN_DENIED: {
    status: 403,
    meaning: 'A CORS preflight came from an origin the `cors` settings in middleware.json do not allow.',
  },
  URL_NOT_FOUND: { status: 404, meaning: 'No route or remote method handles this verb and path.' },
  MODEL_NOT_FOUND: { status: 404, meaning: 'No instance has the given id.' },
  KEY_NOT_FOUND: {
    status: 404,
    meaning: 'A key-value model has no value (or no live key) under the given key.',
  },
  USER_NOT_FOUND: {
    status: 404,
    meaning:
      'The user named by a confirm call does not exist; for setPassword and changePassword the answer is 401, as LB3.',
  },
  EMAIL_NOT_FOUND: {
    status: 404,
    meaning:
      'A password reset named an unknown email (only with `resetPasswordRevealsUnknownEmail: true`; by default the answer is 204).',
  },
  TABLE_NOT_FOUND: {
    status: 404,
    meaning: 'discoverSchema named a table (or view) the store does not have.',
  },
  NOT_ACCEPTABLE: {
    status: 406,
    meaning: 'The Accept header names no type the endpoint can answer with (application/json).',
  },
  DUPLICATE_ID: { status: 409, meaning: 'A create named an id that is already taken.' },
  FOREIGN_KEY_VIOLATION: {
    status: 409,
    meaning:
      "A write a store's foreign-key constraint refused: it names a parent row that does not exist, or other rows still refer to the row it deletes or re-keys (`details.reason`: `missing` or `referenced`). Nothing is written.",
  },
  DUPLICATE_RELATED: {
    status: 409,
    meaning: 'A hasOne relation already has its related instance; update it instead.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    meaning: 'The request body is over the configured limit (100 kB by default).',
  },
  BATCH_TOO_LARGE: {
    status: 413,
    meaning: 'A create sent more items than the model takes in one request (`maxArrayCreate`; 10 for users).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning:
      'The request body has a content type the REST API does not read; send application/json or a form.',
  },
  UNSUPPORTED_ENCODING: {
    status: 415,
    meaning: 'The request body uses a charset or encoding the server does not read.',
  },
  VALIDATION_FAILED: { status: 422, meaning: 'The instance is not valid; `details` lists each property.' },
  PASSWORD_TOO_LONG: { status: 422, meaning: 'A password is over 72 bytes, the most bcrypt reads.' },
  TOO_MANY_LOGIN_ATTEMPTS: {
    status: 429,
    meaning:
      'Too many failed logins for this account or from this address; retry after `Retry-After` seconds.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    meaning:
      "The request line and headers are over the server's limit (`maxHeaderSize`, 16 kB by default); the connection closes after the answer.",
  },
  INVALID_VERIFY_OPTIONS: {
    status: 500,
    meaning:
      '`user.verify()` was given options it cannot work with (no `type: "email"`, no `from`, a mailer without `send`, no way to build the link).',
  },
  CONFIGURATION_ERROR: {
    status: 500,
    meaning: 'The app is misconfigured (e.g. a model without a data source).',
  },
  INVALID_MODEL: {
    status: 500,
    meaning:
      '`app.model()` was given something that is not a model class (a model name is refused, as in LB3 3.x).',
  },
  UNKNOWN_MODEL: { status: 500, meaning: 'A data source was asked to migrate a model it does not hold.' },
  INVALID_MODEL_DEFINITION: {
    status: 500,
    meaning: 'A model definition has no name, a forbidden name, or extends an unknown model.',
  },
  MODEL_NOT_DEFINED: { status: 500, meaning: 'A model was looked up by a name nobody defined.' },
  UNKNOWN_DATASOURCE: {
    status: 500,
    meaning: 'A model was configured with a data source the app does not have.',
  },
  INVALID_JWT_SETTINGS: {
    status: 500,
    meaning:
      "The app's `jwt` settings name an algorithm other than ES256/RS256, or hold no private key to sign with.",
  },
  UNKNOWN_MIXIN: { status: 500, meaning: 'A model definition names a mixin that is not registered.' },
  UNKNOWN_RELATION: {
    status: 500,
    meaning: '`nestRemoting` was asked for a relation the model does not have.',
  },
  INVALID_REMOTE_METHOD: {
    status: 500,
    meaning:
      'A remote method declaration is malformed (its metadata is not an object, or a `prototype.` method says `isStatic: true`), or `nestRemoting` found no accessor method for a relation it was asked to nest.',
  },
  UNKNOWN_PHASE: {
    status: 500,
    meaning: 'Middleware or a remoting phase handler was registered for a phase that does not exist.',
  },
  DUPLICATE_PHASE: {
    status: 500,
    meaning: 'A remoting phase was added under a name the phase list already holds.',
  },
  PHASE_ORDER_CONFLICT: {
    status: 500,
    meaning: '`defineMiddlewarePhases([...])` lists two known phases in the opposite order.',
  },
  INVALID_MIDDLEWARE: { status: 500, meaning: 'A middleware entry is not a function or has no phase.' },
  MODEL_NOT_ATTACHED: {
    status: 500,
    meaning: 'A data-access method was called on a model attached to no data source.',
  },
  REMOTE_METHOD_UNAVAILABLE: {
    status: 500,
    meaning:
      "A model attached to the remote connector was asked for a method the server's REST API does not serve (`destroyAll` unless shared there, a relation method it does not expose).",
  },
  WRONG_STORE_KIND: {
    status: 500,
    meaning:
      'A model is attached to a data source of another kind: a PersistedModel on a key-value or mail store, a KeyValueModel on a data store.',
  },
  CONNECTOR_NOT_INSTALLED: {
    status: 500,
    meaning:
      "A data source names a connector that is neither one of loopline's own nor an installed package (`loopback-connector-<name>` or `<name>`), or a SQLite data source runs where the optional `better-sqlite3` is not installed; the message names the `npm install` to run.",
  },
  NOT_A_CONNECTOR: {
    status: 500,
    meaning:
      "A data source's connector (a package or an object) is not a connector: it has neither loopline's Connector methods nor LB3's `initialize(dataSource, callback)`, or its initialize installed no `dataSource.connector`; the message says which.",
  },
  CONNECTOR_INIT_FAILED: {
    status: 500,
    meaning: "An LB3 connector's `initialize(dataSource, callback)` threw; the message carries its error.",
  },
  MAIL_TRANSPORT_UNSUPPORTED: {
    status: 500,
    meaning:
      'A mail data source names a transport type other than smtp, direct or stub, or a transport that is not an object.',
  },
  STORAGE_PROVIDER_UNSUPPORTED: {
    status: 500,
    meaning:
      'A storage data source names a `provider` other than filesystem or s3 (amazon), or its settings cannot build one (a `root` that is a file).',
  },
  MODEL_WITHOUT_ID: {
    status: 500,
    meaning: 'An id-based method was called on a model that has no id property.',
  },
  METHOD_NOT_IMPLEMENTED: { status: 501, meaning: 'A remote method is declared but has no implementation.' },
  STORE_UNAVAILABLE: { status: 503, meaning: 'The store cannot be reached; retry later.' },
  STORE_AUTH_FAILED: {
    status: 503,
    meaning:
      "The store refused the data source's credentials (PostgreSQL 28P01/28000, MySQL 1045/1044); the operator must fix its `user`/`password`.",
  },
  STORE_DATABASE_NOT_FOUND: {
    status: 503,
    meaning: 'The database the data source names does not exist on the store (PostgreSQL 3D000, MySQL 1049).',
  },
  NOT_READY: {
    status: 503,
    meaning:
      '`GET /ready`: a data source did not answer a ping (`details.failed` names it), or the server is shutting down.',
  },
  INVALID_UPDATE: {
    status: 400,
    meaning:
      'A replication call (`diff`, `createUpdates`, `bulkUpdate`) was given a malformed change or update list; nothing was written.',
  },
  MISSING_CHANGE_DATA: {
    status: 404,
    meaning: '`createUpdates` was given a change for an instance that no longer exists.',
  },
  REPLICATION_CONFLICT: {
    status: 409,
    meaning:
      '`bulkUpdate`: instances changed since the changes being applied were based on them; `details.conflicts` lists those changes (the others were applied).',
  },
  CHANGE_TRACKING_NOT_SETUP: {
    status: 500,
    meaning:
      'A replication method was called on a model without `trackChanges` (or not attached to a data source).',
  },
  CHANGE_RECTIFY_FAILED: {
    status: 500,
    meaning: 'Change records could not be brought up to date; `details.errors` has the cause per instance.',
  },
  PUSH_INSTALLATION_NOT_FOUND: {
    status: 404,
    meaning: '`Push.notifyById`: no installation has the given id; nothing was sent.',
  },
  PUSH_PAYLOAD_TOO_LARGE: {
    status: 422,
    meaning:
      "The notification, encoded for a provider its audience uses, is over that provider's limit (APNs and FCM 4096 bytes, Web Push 3993 bytes before encryption); `details` names the provider, size and limit; nothing was sent.",
  },
  PUSH_APPLICATION_NOT_FOUND: {
    status: 422,
    meaning: "Per device: the installation's `appId` names no application; nothing was sent to it.",
  },
  PUSH_CREDENTIALS_MISSING: {
    status: 422,
    meaning:
      "Per device: the application's `pushSettings` lack what its provider needs (APNs: `apns.token` keyId, key, teamId and `apns.bundle`; FCM: `fcm.serviceAccount`; Web Push: `webPush.vapid`), or hold a key that cannot be read; nothing was sent to it.",
  },
  PUSH_UNSUPPORTED_DEVICE_TYPE: {
    status: 422,
    meaning:
      "Per device: the installation's `deviceType` has no provider (`ios`, `android` and `webpush` have).",
  },
  PUSH_INVALID_DEVICE_TOKEN: {
    status: 422,
    meaning:
      'Per device: the device token or Web Push subscription is malformed, or the provider refused it as such; nothing was delivered to it.',
  },
  PUSH_ENDPOINT_NOT_ALLOWED: {
    status: 422,
    meaning:
      'Per device: a Web Push subscription endpoint is not https (or not on `webPush.allowedHosts` when that list is set); the server never calls it.',
  },
  PUSH_DEVICE_GONE: {
    status: 410,
    meaning:
      'Per device: the provider says the device is no longer registered (APNs 410, FCM `UNREGISTERED`, Web Push 404/410); its installation is now `Inactive`.',
  },
  PUSH_DEVICE_INACTIVE: {
    status: 410,
    meaning: 'Per device: the installation is `Inactive` (a provider reported it gone); it is skipped.',
  },
  PUSH_PROVIDER_REJECTED: {
    status: 502,
    meaning:
      "Per device: the provider refused the message for another reason; `details.reason` is the provider's own reason.",
  },
  PUSH_PROVIDER_AUTH_FAILED: {
    status: 502,
    meaning:
      "Per device: the provider refused the server's credentials (APNs provider token, the FCM OAuth token or its token endpoint, the VAPID signature).",
  },
  PUSH_PROVIDER_UNAVAILABLE: {
    status: 503,
    meaning:
      'Per device: the provider still answered 429 or 5xx (or could not be reached) after the retries, or asked to wait longer than `maxRetryDelay`; `details.retryAfter` carries its wait in seconds when it gave one.',
  },
  BULK_UPDATE_FAILED: {
    status: 500,
    meaning: 'A replicated update or delete affected more than the one instance it was for.',
  },
  THIRD_PARTY_LOGIN_FAILED: {
    status: 401,
    meaning:
      'A third-party login or account link failed: denied at the provider, a state or PKCE check that did not match, a code the provider refused (a replayed one), or a profile without an id; `details.reason` says which; no user, identity or token was created.',
  },
  THIRD_PARTY_LINK_NO_USER: {
    status: 401,
    meaning:
      'An account link (`/link/...`) came without a logged-in user (session or access token); nothing was linked.',
  },
  LOGIN_PROVIDER_UNAVAILABLE: {
    status: 503,
    meaning: "The OpenID Connect issuer's discovery document could not be read; safe to retry.",
  },
} as const satisfies Record<string, ErrorTableEntry>);

/** A code loopline raises: a key of the error table. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes whose row gives `Status`: the codes an error class of that status may carry. */
export type ErrorCodeWithStatus<Status extends number> = {
  [Code in ErrorCode]: (typeof ERROR_CODES)[Code]['status'] extends Status ? Code : never;
}[ErrorCode];

/** The status the error table gives a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

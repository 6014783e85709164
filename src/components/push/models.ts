/**
 * The push models' definitions, in the JSON form of `common/models/*.json`: LB3's
 * loopback-component-push fields, plus `pushSubscription` for browsers (Web Push) and the
 * notification's `title`, `data` and `priority`.
 *
 * Deviation from LB3, for safety: LB3 left Installation and Notification open to everyone over
 * REST and the push endpoint to whoever the app allowed. Here a device may register itself
 * (Installation `create`), and everything else — reading installations (device tokens), notifications,
 * sending — is denied until the app's own ACLs grant it.
 */

const DENY_EVERYONE = { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' };

export const INSTALLATION_DEFINITION = {
  name: 'Installation',
  plural: 'Installations',
  base: 'PersistedModel',
  idInjection: true,
  properties: {
    appId: { type: 'string', required: true },
    appVersion: 'string',
    badge: 'number',
    created: { type: 'date', defaultFn: 'now' },
    /** APNs device token, FCM registration token, or a Web Push subscription's endpoint. */
    deviceToken: { type: 'string', required: true },
    /** `ios` (APNs), `android` (FCM) or `webpush`. */
    deviceType: { type: 'string', required: true },
    modified: 'date',
    /** `Inactive` once a provider reports the device gone; such installations are not sent to. */
    status: 'string',
    subscriptions: ['string'],
    timeZone: 'string',
    userId: 'string',
    /** The browser's PushSubscription as JSON (`{endpoint, keys: {p256dh, auth}}`), for `webpush`. */
    pushSubscription: 'object',
  },
  acls: [
    DENY_EVERYONE,
    { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'create' },
  ],
  methods: {
    findByApp: {
      description: 'Find installations by application id',
      accepts: [
        { arg: 'deviceType', type: 'string', http: { source: 'query' } },
        { arg: 'appId', type: 'string', http: { source: 'query' } },
        { arg: 'appVersion', type: 'string', http: { source: 'query' } },
      ],
      returns: { arg: 'data', type: 'object', root: true },
      http: { verb: 'get', path: '/byApp' },
    },
    findByUser: {
      description: 'Find installations by user id',
      accepts: [
        { arg: 'deviceType', type: 'string', http: { source: 'query' } },
        { arg: 'userId', type: 'string', http: { source: 'query' } },
      ],
      returns: { arg: 'data', type: 'object', root: true },
      http: { verb: 'get', path: '/byUser' },
    },
    findBySubscriptions: {
      description: 'Find installations by subscriptions',
      accepts: [
        { arg: 'deviceType', type: 'string', http: { source: 'query' } },
        { arg: 'subscriptions', type: 'string', http: { source: 'query' } },
      ],
      returns: { arg: 'data', type: 'object', root: true },
      http: { verb: 'get', path: '/bySubscriptions' },
    },
  },
};

export const NOTIFICATION_DEFINITION = {
  name: 'Notification',
  plural: 'Notifications',
  base: 'PersistedModel',
  idInjection: true,
  properties: {
    alert: 'any',
    title: 'string',
    messageFrom: 'string',
    badge: 'number',
    category: 'string',
    collapseKey: 'string',
    contentAvailable: 'boolean',
    created: { type: 'date', defaultFn: 'now' },
    data: 'object',
    delayWhileIdle: 'boolean',
    // LB3 required both, filling them in per device before validating; a notification sent to many
    // devices names none.
    deviceToken: 'string',
    deviceType: 'string',
    expirationInterval: 'number',
    expirationTime: 'date',
    modified: 'date',
    /** `high` (default) or `normal`. */
    priority: 'string',
    scheduledTime: 'date',
    sound: 'string',
    status: 'string',
    urlArgs: ['string'],
  },
  acls: [DENY_EVERYONE],
};

export const PUSH_DEFINITION = {
  name: 'Push',
  plural: 'push',
  base: 'Model',
  acls: [DENY_EVERYONE],
  methods: {
    // LB3's one endpoint: POST /push?deviceQuery={...} with the notification as the body.
    notifyByQuery: {
      description: 'Send a push notification by installation query',
      accepts: [
        { arg: 'deviceQuery', type: 'object', description: 'Installation query', http: { source: 'query' } },
        { arg: 'notification', type: 'object', description: 'Notification', http: { source: 'body' } },
      ],
      returns: { arg: 'data', type: 'object', root: true },
      http: { verb: 'post', path: '/' },
    },
  },
};

import request from 'supertest';
import loopback from '../../src';
import type { StoreConfig } from '../connectors/stores';

/**
 * An app with a user model over REST on one store (memory, PostgreSQL or MariaDB): `Member`
 * (based on User, fast hashing), `Staff` (a second user model sharing the tokens), and `Note`
 * (owned by a Member: `$owner` writes, signed-in users read), `Vault` (open, with hidden and unique
 * properties), the built-in AccessToken, ACL,
 * Role and RoleMapping on the same data source, tokens from the usual places, and errors answered
 * as `{error: {statusCode, message, code, details}}` with the `Retry-After` header kept.
 * `migrate: false` leaves the tables as another app made them (a second process of one app).
 */
export interface UserAppOptions {
  app?: Record<string, unknown>;
  member?: Record<string, unknown>;
  migrate?: boolean;
}

export async function userApp(store: StoreConfig, options: UserAppOptions = {}) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  for (const [k, v] of Object.entries(options.app ?? {})) app.set(k, v);
  const ds = app.dataSource('db', store.settings);
  const reg = app.registry;
  const Member = reg.createModel({
    name: 'Member',
    base: 'User',
    saltWorkFactor: 4,
    ...options.member,
    relations: { notes: { type: 'hasMany', model: 'Note', foreignKey: 'ownerId' } },
  });
  const Staff = reg.createModel({ name: 'Staff', base: 'User', saltWorkFactor: 4, forceId: false });
  const Note = reg.createModel({
    name: 'Note',
    properties: { text: 'string', ownerId: 'number' },
    relations: { owner: { type: 'belongsTo', model: 'Member', foreignKey: 'ownerId' } },
    acls: [
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', property: 'create' },
      { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', accessType: 'WRITE' },
    ],
  });
  // Open to all; its secrets are hidden and one of them is unique.
  const Vault = reg.createModel({
    name: 'Vault',
    properties: { label: 'string', secret: 'string', pin: 'number' },
    hidden: ['secret', 'pin'],
  });
  Vault.validatesUniquenessOf('secret');
  for (const name of ['AccessToken', 'ACL', 'Role', 'RoleMapping'])
    app.model(reg.getModel(name), { dataSource: ds, public: false });
  for (const M of [Member, Staff, Note, Vault]) app.model(M, { dataSource: ds });
  app.enableAuth();
  app.middleware('auth', loopback.token());
  app.use('/api', loopback.rest());
  app.use((err: any, _req: any, res: any, _next: any) =>
    res.status(err.statusCode || 500).json({
      error: { statusCode: err.statusCode, message: err.message, code: err.code, details: err.details },
    }),
  );
  if (store.name !== 'memory' && options.migrate !== false) await ds.automigrate(Object.keys(ds.models));
  const AccessToken = reg.getModel('AccessToken');
  return { app, ds, Member, Staff, Note, Vault, AccessToken };
}

export async function signup(app: any, email: string, password = `${email}-pw`, path = '/api/Members') {
  const res = await request(app).post(path).send({ email, password });
  expect(res.status).toBe(200);
  return res.body as { id: number; email: string };
}

export async function login(app: any, email: string, password = `${email}-pw`, path = '/api/Members') {
  const res = await request(app).post(`${path}/login`).send({ email, password });
  expect(res.status).toBe(200);
  return res.body.id as string;
}
